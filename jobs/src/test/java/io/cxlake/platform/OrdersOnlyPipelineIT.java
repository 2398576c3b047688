package io.cxlake.platform;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import io.cxlake.core.JobContext;
import io.cxlake.core.JobRunner;
import io.cxlake.pipeline.Modules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A landing folder with only customers and orders (the samples' files): the stages that need
 * surveys are skipped with their reason, every other stage succeeds, and the run exits 0.
 */
class OrdersOnlyPipelineIT {
  private static final String P = "oo";

  @Test
  void stagesWithoutTheirInputAreSkippedAndTheRestSucceed() throws Exception {
    TestSpark.dropDatabases(P);
    Path landing = Files.createTempDirectory("cxlake-orders-only-");
    for (String entity : List.of("customers", "orders")) {
      Path to = Files.createDirectories(landing.resolve(entity));
      try (Stream<Path> files = Files.list(TestSpark.repoRoot().resolve("data-samples").resolve(entity))) {
        for (Path f : files.toList()) {
          Files.copy(f, to.resolve(f.getFileName()));
        }
      }
    }
    Path sources = landing.resolve("sources.yaml");
    Files.writeString(sources, "landing_root: .\nentities:\n"
        + "  customers: {path: customers/*.csv, format: csv, required: true}\n"
        + "  orders: {path: orders/*.csv, format: csv, required: true}\n");
    JobContext ctx = TestSpark.context(P, sources, null, "churn: {models: [logistic_regression], reg_params: [0.1]}\n"
        + "segmentation: {cluster: {k: '3', restarts: 1}}");
    List<JobRunner.StageOutcome> out = JobRunner.run(ctx, Modules.registry().pipeline());
    Map<String, String> status = new LinkedHashMap<>();
    out.forEach(o -> status.put(o.stage(), o.status() + (o.reason() == null ? "" : ": " + o.reason())
        + (o.error() == null ? "" : ": " + o.error())));
    System.out.println("orders-only run: " + status);
    assertEquals("skipped: " + P + "_gold.fact_survey_rating has no rows", status.get("drivers"));
    assertEquals("skipped: " + P + "_gold.fact_survey_response has no rows", status.get("journey"));
    assertEquals("skipped: none of " + P + "_silver.survey_responses, " + P + "_silver.reviews has rows", status.get("voice"));
    for (String stage : List.of("ingest", "curate", "metrics", "segment", "cluster", "churn", "clv", "alerts", "enrich")) {
      assertEquals("success", status.get(stage), stage + " in " + status);
    }
    assertEquals(0, io.cxlake.cli.TestAccess.summarize(out), "skips for missing input keep the exit code 0");
    long customers = ctx.spark().table(P + "_gold.customer_360").count();
    assertTrue(customers > 900, "customer_360 rows: " + customers);
    assertEquals(customers, ctx.spark().table(P + "_gold.customer_360").where("rfm_segment IS NOT NULL").count(),
        "the enrichment filled the RFM segment of every customer");
    assertTrue(ctx.spark().table(P + "_gold.kpi_operations").count() > 0);
    assertEquals(0, ctx.spark().table(P + "_gold.kpi_experience").count());
    assertEquals(3, ctx.spark().sql("SELECT * FROM " + P + "_ops.pipeline_run WHERE run_id = '" + ctx.runId()
        + "' AND status = 'skipped'").count());
  }
}
