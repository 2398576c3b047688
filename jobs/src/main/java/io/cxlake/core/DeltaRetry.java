package io.cxlake.core;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.apache.spark.sql.delta.DeltaConcurrentModificationException;

/**
 * Retries a Delta write that lost an optimistic-concurrency race (another writer committed to
 * the same table between its read and its commit: a maintenance job compacting
 * customer_360, a notebook appending to an ops table). The write is re-run from scratch, so it
 * reads the winner's version; after {@link #ATTEMPTS} attempts the failure names the table.
 */
public final class DeltaRetry {
  public static final int ATTEMPTS = 5;
  private static final long FIRST_BACKOFF_MS = 500;

  private DeltaRetry() {}

  /** Runs {@code write} on {@code table}, retrying on a concurrent-modification conflict. */
  public static <T> T write(String table, Supplier<T> write) {
    return write(table, ATTEMPTS, FIRST_BACKOFF_MS, write);
  }

  public static void write(String table, Runnable write) {
    write(table, () -> {
      write.run();
      return null;
    });
  }

  static <T> T write(String table, int attempts, long firstBackoffMs, Supplier<T> write) {
    long backoff = firstBackoffMs;
    for (int attempt = 1; ; attempt++) {
      try {
        return write.get();
      } catch (RuntimeException e) {
        if (!isConflict(e)) {
          throw e;
        }
        if (attempt >= attempts) {
          throw new CxlakeException(table + ": another writer kept committing to it; gave up after " + attempts
              + " attempts (" + JobRunner.oneLine(e) + ")", 1, e);
        }
        Progress.warn("{}: a concurrent write committed first ({}); retrying ({} of {}) in {} ms", table,
            conflict(e).getClass().getSimpleName(), attempt + 1, attempts, backoff);
        try {
          // Jitter, so two writers that collided do not collide again in step.
          Thread.sleep(backoff + ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
        backoff *= 2;
      }
    }
  }

  /** Whether {@code e} (or a cause) is a Delta concurrent-modification conflict. */
  public static boolean isConflict(Throwable e) {
    return conflict(e) != null;
  }

  private static DeltaConcurrentModificationException conflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof DeltaConcurrentModificationException c) {
        return c;
      }
    }
    return null;
  }
}
