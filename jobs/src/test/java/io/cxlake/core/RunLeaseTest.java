package io.cxlake.core;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import java.nio.file.Files;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One writer per catalog: the lease is held, refused with exit code 3, released, taken over when its holder died, lost. */
class RunLeaseTest {
  private static final Duration TTL = Duration.ofMinutes(10);
  private static SparkSession spark;
  private static String root;

  @BeforeAll
  static void setUp() throws Exception {
    spark = TestSpark.session();
    root = Files.createTempDirectory("cxlake-lease-").toUri().toString();
  }

  private static String path() {
    return root.replaceAll("/+$", "") + "/" + RunLease.LOCATION;
  }

  /** Plants the lease row of another process, as a run that died would leave it. */
  private static void plant(String key, String runId, String owner, Instant expiresAt) {
    Instant t = expiresAt.minus(TTL);
    Row row = RowFactory.create(key, runId, owner, "run", Timestamp.from(t), Timestamp.from(t), Timestamp.from(expiresAt));
    spark.createDataFrame(List.of(row), spark.read().format("delta").load(path()).schema())
        .write().format("delta").mode("append").save(path());
  }

  @Test
  void aHeldLeaseIsRefusedWithExitCode3NamingItsHolderAndIsFreeOnceReleased() {
    RunLease first = RunLease.acquire(spark, root, "held_ops", "run-A", "run", TTL);
    CxlakeException refused = assertThrows(CxlakeException.class,
        () -> RunLease.acquire(spark, root, "held_ops", "run-B", "ingest", TTL));
    assertEquals(3, refused.exitCode());
    assertTrue(refused.getMessage().contains("in use by run run-A (run, process " + ProcessHandle.current().pid() + "@"),
        refused.getMessage());
    // Another catalog in the same warehouse is not blocked.
    RunLease.acquire(spark, root, "other_ops", "run-C", "run", TTL).close();
    first.close();
    RunLease second = RunLease.acquire(spark, root, "held_ops", "run-B", "ingest", TTL);
    assertNull(second.takenOver());
    second.close();
  }

  @Test
  void anExpiredLeaseIsTakenOverAndItsRunNamed() {
    plant("expired_ops", "run-dead", "4242@elsewhere", Instant.now().minusSeconds(5));
    try (RunLease lease = RunLease.acquire(spark, root, "expired_ops", "run-new", "run", TTL)) {
      assertEquals("run-dead", lease.takenOver().runId());
      assertEquals("4242@elsewhere", lease.takenOver().owner());
    }
  }

  @Test
  void aLeaseOfAnotherHostIsRespectedUntilItExpires() {
    plant("remote_ops", "run-remote", "4242@elsewhere", Instant.now().plus(TTL));
    CxlakeException refused = assertThrows(CxlakeException.class,
        () -> RunLease.acquire(spark, root, "remote_ops", "run-new", "run", TTL));
    assertTrue(refused.getMessage().contains("run-remote"), refused.getMessage());
  }

  @Test
  void theLeaseOfADeadProcessOnThisHostIsTakenOverAtOnce() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    String host = java.net.InetAddress.getLocalHost().getHostName();
    plant("dead_ops", "run-killed", gone.pid() + "@" + host, Instant.now().plus(TTL));
    try (RunLease lease = RunLease.acquire(spark, root, "dead_ops", "run-new", "run", TTL)) {
      assertEquals("run-killed", lease.takenOver().runId());
    }
  }

  @Test
  void ofTwoRunsStartingAtOnceExactlyOneHoldsTheLease() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<RunLease>> runs = new ArrayList<>();
    for (String run : List.of("run-1", "run-2")) {
      runs.add(pool.submit(() -> {
        start.await();
        return RunLease.acquire(spark, root, "race_ops", run, "run", TTL);
      }));
    }
    start.countDown();
    List<RunLease> held = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (Future<RunLease> f : runs) {
      try {
        held.add(f.get());
      } catch (java.util.concurrent.ExecutionException e) {
        CxlakeException c = assertInstanceOf(CxlakeException.class, e.getCause());
        assertEquals(3, c.exitCode());
        refused.add(c.getMessage());
      }
    }
    pool.shutdown();
    assertEquals(1, held.size(), "refused: " + refused);
    assertEquals(1, refused.size());
    long rows = spark.read().format("delta").load(path()).where("lease_key = 'race_ops'").count();
    assertEquals(1, rows);
    held.get(0).close();
  }

  @Test
  void aRunWhoseLeaseWasTakenStopsBeforeItsNextStage() throws Exception {
    // Time to live 10 s: the heartbeat looks every 2.5 s.
    RunLease lease = RunLease.acquire(spark, root, "lost_ops", "run-slow", "run", Duration.ofSeconds(10));
    lease.check("metrics");
    // Another run takes it, as one would after this run stalled past the expiry.
    DeltaRetry.write("lease", () -> spark.sql("UPDATE delta.`" + path() + "` SET run_id = 'run-usurper' WHERE lease_key = 'lost_ops'"));
    long deadline = System.currentTimeMillis() + 30_000;
    CxlakeException stopped = null;
    while (stopped == null && System.currentTimeMillis() < deadline) {
      try {
        lease.check("metrics");
        Thread.sleep(500);
      } catch (CxlakeException e) {
        stopped = e;
      }
    }
    assertNotNull(stopped, "the lost lease was not noticed");
    assertEquals(3, stopped.exitCode());
    assertTrue(stopped.getMessage().contains("run-usurper") && stopped.getMessage().contains("before metrics"),
        stopped.getMessage());
    lease.close();
    // The usurper's lease is left alone.
    assertEquals("run-usurper", spark.read().format("delta").load(path()).where("lease_key = 'lost_ops'")
        .first().getString(1));
  }
}
