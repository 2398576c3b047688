package io.cxlake.core;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The highest heap occupancy of this JVM right after a garbage collection since the last
 * {@link #restart}: what the collector could not free, a far better measure of the memory a
 * step needs than the heap in use at some moment (mostly garbage not yet collected). Heard from
 * the collectors' notifications, and checked against each collector's last collection when read,
 * since notifications arrive on another thread a little later.
 */
final class HeapAfterGc implements AutoCloseable {
  private final AtomicLong peak = new AtomicLong();
  private volatile long sinceUptimeMillis;
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener listener = this::onNotification;
  private final java.util.Set<String> heapPools = new java.util.HashSet<>();

  HeapAfterGc() {
    for (java.lang.management.MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == java.lang.management.MemoryType.HEAP) {
        heapPools.add(pool.getName());
      }
    }
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(listener, null, null);
        emitters.add(emitter);
      }
    }
  }

  /** Forgets the peak so far. */
  void restart() {
    sinceUptimeMillis = ManagementFactory.getRuntimeMXBean().getUptime();
    peak.set(0);
  }

  /** The peak since {@link #restart}, in bytes; 0 when no collection ran. */
  long peak() {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof com.sun.management.GarbageCollectorMXBean sun) {
        offer(sun.getLastGcInfo());
      }
    }
    return peak.get();
  }

  private void onNotification(Notification n, Object handback) {
    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
      offer(GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData()).getGcInfo());
    }
  }

  private void offer(GcInfo info) {
    if (info == null || info.getEndTime() < sinceUptimeMillis) {
      return;
    }
    long used = 0;
    for (java.util.Map.Entry<String, MemoryUsage> pool : info.getMemoryUsageAfterGc().entrySet()) {
      if (heapPools.contains(pool.getKey())) { // not metaspace, code cache
        used += pool.getValue().getUsed();
      }
    }
    peak.accumulateAndGet(used, Math::max);
  }

  @Override
  public void close() {
    for (NotificationEmitter e : emitters) {
      try {
        e.removeNotificationListener(listener);
      } catch (ListenerNotFoundException ignored) {
        // already gone
      }
    }
  }
}
