package io.cxlake.core;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import io.delta.tables.DeltaTable;
import java.nio.file.Files;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A MERGE that loses the race to a concurrent writer (a real Delta conflict, staged
 * deterministically: the MERGE's source waits inside its task until the other writer has
 * committed) is retried and lands; a writer that keeps losing fails with a message naming the table.
 */
class DeltaRetryTest {
  private static SparkSession spark;
  /** Latches the merge source's task waits on (static: tasks run in this JVM). */
  private static volatile CountDownLatch mergeReading;
  private static volatile CountDownLatch otherCommitted;

  @BeforeAll
  static void setUp() {
    spark = TestSpark.session();
  }

  /** The merge source: ids 0-9 with value 1; the first task to run waits for the concurrent commit. */
  public static final class WaitForOtherWriter implements MapFunction<Long, Long> {
    @Override
    public Long call(Long id) throws Exception {
      CountDownLatch reading = mergeReading;
      if (reading != null && reading.getCount() > 0) {
        reading.countDown();
        otherCommitted.await(60, TimeUnit.SECONDS);
      }
      return id;
    }
  }

  private static String table() throws Exception {
    String path = Files.createTempDirectory("cxlake-retry-").toUri() + "t";
    spark.range(10).selectExpr("id", "0 AS v").write().format("delta").save(path);
    return path;
  }

  /**
   * A MERGE setting v = 1 on every row, whose source blocks the first time while {@code other}
   * commits. One partition, so one task: two tasks could both see the latch up and both wait,
   * holding both cores, and the other writer could not run until the wait timed out.
   */
  private static void merge(String path) {
    DeltaTable.forPath(spark, path).as("t")
        .merge(spark.range(0, 10, 1, 1).as(Encoders.LONG()).map(new WaitForOtherWriter(), Encoders.LONG()).toDF("id")
            .selectExpr("id", "1 AS v").as("s"), "t.id = s.id")
        .whenMatched().updateAll().execute();
  }

  /** Starts a writer that rewrites the table (removing the files the MERGE read) once the merge is reading. */
  private static Future<?> concurrentRewrite(ExecutorService pool, String path) {
    mergeReading = new CountDownLatch(1);
    otherCommitted = new CountDownLatch(1);
    return pool.submit(() -> {
      try {
        mergeReading.await(60, TimeUnit.SECONDS);
        spark.range(10).selectExpr("id", "0 AS v").write().format("delta").mode("overwrite").save(path);
      } finally {
        otherCommitted.countDown();
      }
      return null;
    });
  }

  @Test
  void aWriteThatLostTheRaceIsRetriedAndLands() throws Exception {
    String path = table();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    AtomicInteger attempts = new AtomicInteger();
    Future<?> other = concurrentRewrite(pool, path);
    DeltaRetry.write("t", 3, 100, () -> {
      attempts.incrementAndGet();
      merge(path);
      return null;
    });
    other.get();
    pool.shutdown();
    assertEquals(2, attempts.get(), "the first attempt should have met the concurrent rewrite");
    // The retry read the rewritten version and applied its update to every row.
    assertEquals(10, spark.read().format("delta").load(path).where("v = 1").count());
  }

  @Test
  void aWriterThatKeepsLosingFailsNamingTheTable() throws Exception {
    String path = table();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    CxlakeException e = assertThrows(CxlakeException.class, () -> DeltaRetry.write("cx_gold.customer_360", 2, 100,
        () -> {
          // Every attempt meets a concurrent rewrite.
          Future<?> other = concurrentRewrite(pool, path);
          try {
            merge(path);
          } finally {
            try {
              other.get();
            } catch (Exception ignored) {
              // the assertion below is what matters
            }
          }
          return null;
        }));
    pool.shutdown();
    assertTrue(e.getMessage().startsWith("cx_gold.customer_360: another writer kept committing to it; gave up after 2 attempts"),
        e.getMessage());
    assertTrue(DeltaRetry.isConflict(e.getCause()));
    assertEquals(0, spark.read().format("delta").load(path).where("v = 1").count());
  }

  @Test
  void otherFailuresAreNotRetried() {
    AtomicInteger attempts = new AtomicInteger();
    assertThrows(IllegalStateException.class, () -> DeltaRetry.write("t", 3, 10, () -> {
      attempts.incrementAndGet();
      throw new IllegalStateException("disk full");
    }));
    assertEquals(1, attempts.get());
  }
}
