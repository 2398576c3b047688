package io.cxlake.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import io.cxlake.core.RunLease;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Processes on one warehouse, as two schedulers would start them ({@code bin/cxlake ingest}
 * on a small landing the test writes): while one holds the run lease the other stops with exit
 * code 3 naming it; once the holder is killed with SIGKILL the next run on this host takes over
 * at once and records it as abandoned, and the tables are those of one run. (Two runs
 * starting at the very same moment are RunLeaseTest's race.)
 */
class RunLeaseIT {
  private static Path dir;
  private static Path config;
  private static Path warehouse;
  private static SparkSession spark;

  @BeforeAll
  static void landing() throws IOException {
    spark = TestSpark.session();
    dir = Files.createTempDirectory("cxlake-lease-it-");
    warehouse = dir.resolve("warehouse");
    Path landing = dir.resolve("landing");
    Files.createDirectories(landing.resolve("customers"));
    Files.createDirectories(landing.resolve("orders"));
    Files.writeString(landing.resolve("customers/c.csv"),
        "customer_id,signup_date,country,region,acquisition_channel,plan,birth_year,email,phone\n"
            + "C1,2024-01-05,US,NA-East,referral,basic,1980,a@x.com,\n"
            + "C2,2024-02-05,BR,LATAM,social,basic,1990,b@x.com,\n"
            + "C3,2024-03-05,DE,EMEA,partner,plus,1975,c@x.com,\n");
    Files.writeString(landing.resolve("orders/o.csv"),
        "order_id,customer_id,order_ts,product_id,category,quantity,amount,discount,channel,status\n"
            + "O1,C1,2025-03-01 10:00:00,P1,home,1,10.50,0,web,completed\n"
            + "O2,C2,2025-03-02 11:00:00,P2,home,2,20.00,0,web,completed\n");
    Path sources = dir.resolve("sources.yaml");
    Files.writeString(sources, "landing_root: landing\nentities:\n"
        + "  customers: {path: customers/*.csv, format: csv}\n"
        + "  orders: {path: orders/*.csv, format: csv}\n");
    config = dir.resolve("cxlake.yaml");
    Files.writeString(config, "sources: sources.yaml\nruntime: {master: 'local[1]', shuffle_partitions: 1}\n");
  }

  private static Process ingest(String name) throws IOException {
    return ingest(name, warehouse);
  }

  private static Process ingest(String name, Path warehouse) throws IOException {
    Path repo = TestSpark.repoRoot();
    ProcessBuilder pb = new ProcessBuilder("bash", repo.resolve("bin/cxlake").toString(), "--config", config.toString(),
        "--warehouse", warehouse.toString(), "ingest").directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile());
    pb.environment().put("CXLAKE_DRIVER_MEMORY", "1g");
    return pb.start();
  }

  private static void signal(String signal, Process p) throws IOException, InterruptedException {
    assertEquals(0, new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).start().waitFor());
  }

  private static int exit(Process p) throws InterruptedException {
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      fail("a run did not end in 10 minutes");
    }
    return p.exitValue();
  }

  private static String log(String name) throws IOException {
    return Files.readString(dir.resolve(name + ".log"), StandardCharsets.UTF_8);
  }

  /** The run id holding the lease, waiting until one does (null if {@code p} ended first). */
  private static String holderOnce(Process p) throws InterruptedException {
    String lease = warehouse.resolve(RunLease.LOCATION).toUri().toString();
    while (p.isAlive()) {
      if (Files.isDirectory(warehouse.resolve(RunLease.LOCATION).resolve("_delta_log"))) {
        try {
          List<Row> rows = spark.read().format("delta").load(lease).where("lease_key = 'cx_ops'").collectAsList();
          if (!rows.isEmpty()) {
            return rows.get(0).getString(1);
          }
        } catch (Exception e) {
          // the table's first commit is still being written
        }
      }
      Thread.sleep(200);
    }
    return null;
  }

  private static Table table(String db, String table) {
    return new Table(spark.read().format("delta").load(warehouse.resolve(db + ".db").resolve(table).toUri().toString()));
  }

  /** A table of the run's warehouse, read by path. */
  private record Table(org.apache.spark.sql.Dataset<Row> rows) {
    long count(String where) {
      return rows.where(where).count();
    }
  }

  @Test
  void aSecondRunStopsWhileTheFirstHoldsTheWarehouseAndTakesOverOnceItIsKilled() throws Exception {
    Process first = ingest("first");
    String holder = holderOnce(first);
    assertNotNull(holder, "the first run ended without taking the lease: " + log("first"));
    // Paused (SIGSTOP) while it holds the lease, so the second surely starts while the first
    // is alive and unfinished, however slow this machine is. Paused once its stage has begun,
    // past the metastore's creation (a run killed during that is the next test's case).
    while (first.isAlive() && !log("first").contains("[1/1] ingest")) {
      Thread.sleep(100);
    }
    signal("STOP", first);
    Process second = ingest("second");
    assertEquals(3, exit(second), log("second"));
    assertTrue(log("second").contains("is in use by run " + holder + " (ingest, process " + first.pid() + "@"),
        log("second"));
    // Killed outright while holding it: the next run on this host takes over at once.
    first.destroyForcibly().waitFor();
    Process next = ingest("next");
    assertEquals(0, exit(next), log("next"));
    assertTrue(log("next").contains("took over the run lease of run " + holder), log("next"));
    Table runs = table("cx_ops", "pipeline_run");
    assertEquals(1, runs.count("run_id = '" + holder + "' AND status = 'abandoned' AND job = 'ingest'"));
    assertEquals(1, runs.count("run_id <> '" + holder + "' AND status = 'success' AND job = 'ingest'"));
    assertEquals(2, runs.count("true"));
    // The tables are those of one run: each file ingested once.
    assertEquals(3, table("cx_bronze", "customers").count("true"));
    assertEquals(2, table("cx_bronze", "orders").count("true"));
    assertEquals(2, table("cx_ops", "ingest_file").count("status = 'ingested'"));
    // Released at the end.
    assertEquals(0, spark.read().format("delta").load(warehouse.resolve(RunLease.LOCATION).toUri().toString())
        .where("lease_key = 'cx_ops'").count());
  }

  /**
   * A run killed while Derby creates the embedded metastore of a new warehouse leaves a
   * {@code metastore_db} without {@code service.properties}, which Derby neither opens nor
   * creates again: before the fix every later run failed with "Failed to create database" (CI,
   * 2026-12-07). The next run sets it aside and creates a new one.
   */
  @Test
  void aRunKilledWhileTheMetastoreIsCreatedLeavesNoWarehouseThatLaterRunsCannotOpen() throws Exception {
    Path fresh = null;
    // Killed as soon as the metastore's directory appears: Derby takes a second or more to
    // create it, so the first try nearly always lands inside; a later one if not.
    for (int attempt = 1; attempt <= 5 && fresh == null; attempt++) {
      Path wh = dir.resolve("fresh-" + attempt);
      Process run = ingest("creating-" + attempt, wh);
      while (run.isAlive() && !Files.isDirectory(wh.resolve("metastore_db"))) {
        Thread.sleep(5);
      }
      run.destroyForcibly().waitFor();
      if (Files.isDirectory(wh.resolve("metastore_db")) && !Files.exists(wh.resolve("metastore_db/service.properties"))) {
        fresh = wh;
      }
    }
    assertNotNull(fresh, "no kill landed while the metastore was being created in 5 tries");
    Process next = ingest("after-creating", fresh);
    assertEquals(0, exit(next), log("after-creating"));
    assertTrue(log("after-creating").contains("was never finished"), log("after-creating"));
    assertTrue(Files.exists(fresh.resolve("metastore_db/service.properties")));
    try (var aside = Files.list(fresh)) {
      assertEquals(1, aside.filter(p -> p.getFileName().toString().startsWith("metastore_db.unfinished-")).count());
    }
    assertEquals(2, spark.read().format("delta").load(fresh.resolve("cx_ops.db/ingest_file").toUri().toString())
        .where("status = 'ingested'").count());
  }
}
