package io.cxlake.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/**
 * What each stage costs in the units that dominate small runs: Spark jobs and tasks launched
 * (counted by a listener), Delta commits and data files written (files under the warehouse
 * created during the stage), and wall time; and in the units that grow with the data: bytes
 * written to shuffle files, and the driver's peak heap after a garbage collection. Used by
 * {@code bench} and {@code run --profile}; a normal run does not list the warehouse.
 */
public final class StageProfiler implements JobRunner.Observer, AutoCloseable {
  /**
   * The figures of one stage.
   *
   * @param shuffleBytes bytes the stage's tasks wrote to shuffle files
   * @param peakHeapBytes the highest heap occupancy of the driver JVM right after a garbage
   *                      collection during the stage (what the collector could not free: live data
   *                      and old garbage not yet collected); 0 when no collection ran. In local
   *                      mode the executors share this JVM, so it is their memory too.
   */
  public record Figures(String stage, double seconds, long jobs, long tasks, long commits, long filesWritten,
      long shuffleBytes, long peakHeapBytes) {}

  private final SparkSession spark;
  private final Path warehouse;
  private final AtomicLong jobs = new AtomicLong();
  private final AtomicLong tasks = new AtomicLong();
  private final AtomicLong shuffleBytes = new AtomicLong();
  private final HeapAfterGc heap = new HeapAfterGc();
  private final List<Figures> figures = Collections.synchronizedList(new ArrayList<>());
  private long jobsAtStart;
  private long tasksAtStart;
  private long shuffleBytesAtStart;
  private long startMillis;
  private final SparkListener listener;

  /** @param root the folder the tables are written under ({@link Catalog#filesRoot}) */
  public StageProfiler(SparkSession spark, String root) {
    this.spark = spark;
    this.warehouse = new Path(root);
    listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart jobStart) {
        jobs.incrementAndGet();
      }

      @Override
      public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        tasks.incrementAndGet();
        if (taskEnd.taskMetrics() != null) {
          shuffleBytes.addAndGet(taskEnd.taskMetrics().shuffleWriteMetrics().bytesWritten());
        }
      }
    };
    spark.sparkContext().addSparkListener(listener);
  }

  /** Stops counting (the session may live on, as in tests). */
  @Override
  public void close() {
    spark.sparkContext().removeSparkListener(listener);
    heap.close();
  }

  @Override
  public void beforeStage(Stage stage) {
    drainListenerBus();
    jobsAtStart = jobs.get();
    tasksAtStart = tasks.get();
    shuffleBytesAtStart = shuffleBytes.get();
    startMillis = System.currentTimeMillis();
    heap.restart();
  }

  @Override
  public void afterStage(Stage stage, JobRunner.StageOutcome outcome) {
    drainListenerBus();
    // the stage's time ends here: listing the warehouse is the profiler's cost, not the stage's
    double seconds = (System.currentTimeMillis() - startMillis) / 1000.0;
    long[] written = filesWrittenSince(startMillis);
    figures.add(new Figures(stage.name(), seconds,
        jobs.get() - jobsAtStart, tasks.get() - tasksAtStart, written[0], written[1],
        shuffleBytes.get() - shuffleBytesAtStart, heap.peak()));
  }

  public List<Figures> figures() {
    return List.copyOf(figures);
  }

  /** Listener events are delivered asynchronously: wait until those of the stage are counted. */
  private void drainListenerBus() {
    try {
      spark.sparkContext().listenerBus().waitUntilEmpty(10_000);
    } catch (TimeoutException e) {
      Progress.warn("profile: Spark's listener bus did not drain in 10 s; job counts may be short");
    }
  }

  /**
   * {Delta commits, data files} created under the warehouse since {@code sinceMillis}. Walked with
   * listStatus, not listFiles: on a local disk without Hadoop's native library, listFiles's
   * LocatedFileStatus reads each file's permissions by running `ls -ld` (about 5 ms a file).
   */
  private long[] filesWrittenSince(long sinceMillis) {
    long commits = 0;
    long files = 0;
    try {
      FileSystem fs = warehouse.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(warehouse)) {
        return new long[] {0, 0};
      }
      java.util.ArrayDeque<Path> folders = new java.util.ArrayDeque<>(List.of(warehouse));
      while (!folders.isEmpty()) {
        for (FileStatus f : fs.listStatus(folders.pop())) {
          if (f.isDirectory()) {
            folders.push(f.getPath());
            continue;
          }
          if (f.getModificationTime() < sinceMillis) {
            continue;
          }
          String name = f.getPath().getName();
          boolean inLog = f.getPath().getParent().getName().equals("_delta_log");
          if (inLog && name.matches("\\d{20}\\.json")) {
            commits++;
          } else if (!inLog && name.endsWith(".parquet")) {
            files++;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("profile: cannot list the warehouse " + warehouse, e);
    }
    return new long[] {commits, files};
  }
}
