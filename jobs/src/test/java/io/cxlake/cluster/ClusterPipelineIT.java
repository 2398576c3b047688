package io.cxlake.cluster;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * `cxlake run` submitted with spark-submit's entry point to a real standalone cluster (one
 * Master, one Worker, on 127.0.0.1): the tasks run in an executor the Worker launched, every
 * stage succeeds under one run id, and the gold tables are there and consistent.
 */
class ClusterPipelineIT {
  /** Every registered stage, the customer_360 enrichment included. */
  private static final List<String> STAGES = io.cxlake.pipeline.Modules.registry().names();
  private static ClusterWarehouse run;
  private static SparkSession spark;

  @BeforeAll
  static void runOnCluster() throws Exception {
    run = ClusterWarehouse.get();
    spark = TestSpark.session();
    System.err.printf("cluster test: pipeline run %.1f s, with cluster start and stop %.1f s%n",
        run.runTime.toMillis() / 1000.0, run.totalTime.toMillis() / 1000.0);
  }

  private static String tail(String s) {
    return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
  }

  @Test
  void theRunSucceedsAndPrintsEveryStageInItsSummary() {
    assertEquals(0, run.exitCode, () -> "driver output:\n" + tail(run.driverOutput));
    for (String stage : STAGES) {
      assertTrue(Pattern.compile("(?m)^" + stage + "\\s+success\\s").matcher(run.driverOutput).find(),
          () -> stage + " not reported as success:\n" + tail(run.driverOutput));
    }
  }

  @Test
  void tasksRanInAnExecutorTheWorkerLaunched() throws Exception {
    List<Path> logs = run.executorLogs();
    assertFalse(logs.isEmpty(), "no executor stderr under " + run.clusterDir.resolve("work"));
    long finished = 0;
    for (Path log : logs) {
      finished += Pattern.compile("Executor: Finished task").matcher(Files.readString(log)).results().count();
    }
    // Hundreds of tasks: every stage's jobs ran there, not in the driver.
    assertTrue(finished > 100, "tasks finished in executors: " + finished);
    Matcher app = Pattern.compile("\"name\" : \"cxlake\"").matcher(run.masterStatusAfterRun);
    assertTrue(app.find(), "the Master lists the application: " + run.masterStatusAfterRun);
    assertTrue(run.masterStatusAfterRun.contains("\"state\" : \"FINISHED\""), run.masterStatusAfterRun);
  }

  @Test
  void theDaemonsAreStoppedByPid() {
    assertTrue(run.daemonsStopped);
    for (long pid : run.daemonPids) {
      Optional<ProcessHandle> h = ProcessHandle.of(pid);
      assertTrue(h.isEmpty() || !h.get().isAlive(), "daemon " + pid + " still alive");
    }
  }

  @Test
  void oneRunIdCoversEveryStageInTheRunLog() {
    // The pipeline's run is the one that ingested (notebooks may add runs of their own later).
    spark.read().format("delta").load(run.table("cx_ops", "pipeline_run").toString())
        .createOrReplaceTempView("cluster_run_log");
    List<Row> rows = spark.sql("SELECT run_id, job, status FROM cluster_run_log WHERE run_id IN "
        + "(SELECT run_id FROM cluster_run_log WHERE job = 'ingest')").collectAsList();
    assertEquals(STAGES.size(), rows.size(), rows.toString());
    assertEquals(1, rows.stream().map(r -> r.getString(0)).distinct().count(), rows.toString());
    assertEquals(STAGES, rows.stream().map(r -> r.getString(1)).sorted((a, b) -> STAGES.indexOf(a) - STAGES.indexOf(b)).toList());
    rows.forEach(r -> assertEquals("success", r.getString(2), r.toString()));
  }

  private static long count(String db, String table) {
    return spark.read().format("delta").load(run.table(db, table).toString()).count();
  }

  @Test
  void theGoldTablesAreConsistent() {
    long customers = count("cx_silver", "dim_customer");
    assertTrue(customers > 0);
    // One row per customer in the 360 view, the RFM and value tables.
    assertEquals(customers, count("cx_gold", "customer_360"));
    assertEquals(customers, count("cx_gold", "customer_rfm"));
    assertEquals(customers, count("cx_gold", "customer_value"));
    // Every scored customer is a known customer, and there are scores.
    long scored = count("cx_gold", "churn_score");
    assertTrue(scored > 0 && scored < customers, "churn_score rows: " + scored);
    for (String t : List.of("kpi_experience", "kpi_operations", "key_driver", "touchpoint_journey", "voice_topic",
        "voice_response", "cluster_profile", "cx_alert")) {
      assertTrue(count("cx_gold", t) > 0, t + " is empty");
    }
  }

  @Test
  void theExampleQueriesOfTheBiGuideReturnRows() throws Exception {
    String guide = Files.readString(TestSpark.repoRoot().resolve("docs/bi.md"));
    Matcher block = Pattern.compile("```sql\n(.*?)```", Pattern.DOTALL).matcher(guide);
    int queries = 0;
    while (block.find()) {
      // The guide names tables through the catalog; here they are read by path.
      Matcher table = Pattern.compile("\\b(cx_gold)\\.(\\w+)").matcher(block.group(1));
      String sql = table.replaceAll(m -> "delta.`" + run.table(m.group(1), m.group(2)) + "`");
      long rows = spark.sql(sql).count();
      assertTrue(rows > 0, "no rows from:\n" + block.group(1));
      queries++;
    }
    assertEquals(9, queries);
  }
}
