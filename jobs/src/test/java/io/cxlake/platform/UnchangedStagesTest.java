package io.cxlake.platform;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import io.cxlake.core.ConfigCheck;
import io.cxlake.core.ConfigLoader;
import io.cxlake.core.ConfigSection;
import io.cxlake.core.JobContext;
import io.cxlake.core.JobRunner;
import io.cxlake.core.Stage;
import io.cxlake.core.StageResult;
import io.cxlake.core.TableRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline run leaves out a stage whose settings, input tables and output tables are as its
 * last success left them ({@link io.cxlake.core.StageMemo}), and runs it again when any of them
 * moved, when it is asked for by name, or on --full-refresh.
 */
class UnchangedStagesTest {
  private static final String P = "memo";

  record ToyConfig(Integer threshold) {
    static final ConfigSection<ToyConfig> SECTION = new ConfigSection<>("toy", ToyConfig.class, (c, check) -> { });
  }

  /** How many times the toy stage ran. */
  private static final AtomicInteger RUNS = new AtomicInteger();

  /** Writes gold.toy_in once, as an ingest of nothing new leaves its tables alone. */
  private static final StageModule SOURCE = StageModule.define("toy_source", "Writes the toy input once.")
      .writes(TableRef.gold("toy_in"))
      .build(r -> new Simple(ctx -> {
        if (!ctx.spark().catalog().tableExists(ctx.catalog().gold("toy_in"))) {
          ctx.spark().range(5).write().format("delta").saveAsTable(ctx.catalog().gold("toy_in"));
        }
      }));

  /** Keeps the input's ids up to the configured threshold. */
  private static final StageModule TOY = StageModule.define("toy", "Filters the toy input.")
      .config(ToyConfig.SECTION)
      .requires(TableRef.gold("toy_in"))
      .writes(TableRef.gold("toy_out"))
      .build(r -> new Simple(ctx -> {
        RUNS.incrementAndGet();
        ctx.spark().table(ctx.catalog().gold("toy_in")).where("id <= " + ctx.config().get(ToyConfig.SECTION).threshold())
            .write().format("delta").mode("overwrite").saveAsTable(ctx.catalog().gold("toy_out"));
      }));

  private static final StageRegistry REGISTRY = new StageRegistry(List.of(SOURCE, TOY), List.of());

  /** Where the page stage writes, and how many times it ran. */
  private static final AtomicReference<String> PAGE_FILE = new AtomicReference<>();
  private static final AtomicInteger PAGES = new AtomicInteger();

  /** Writes a file of the toy input instead of a table, as the report writes its pages. */
  private static final StageModule PAGE = StageModule.define("toy_page", "Writes a page of the toy input.")
      .requires(TableRef.gold("toy_in"))
      .writesFiles(ctx -> List.of(PAGE_FILE.get()))
      .build(r -> new Simple(ctx -> {
        PAGES.incrementAndGet();
        try {
          Files.writeString(Path.of(java.net.URI.create(PAGE_FILE.get())),
              "rows: " + ctx.spark().table(ctx.catalog().gold("toy_in")).count());
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }));

  private record Simple(java.util.function.Consumer<JobContext> body) implements Stage {
    @Override
    public String name() {
      return "toy";
    }

    @Override
    public StageResult run(JobContext ctx) {
      body.accept(ctx);
      return new StageResult(0, 1, Map.of(), List.of());
    }
  }

  private static JobContext context(Path dir, int threshold, boolean fullRefresh) throws Exception {
    Path yaml = dir.resolve("toy-" + threshold + ".yaml");
    Files.writeString(yaml, "catalog: {bronze_db: " + P + "_bronze, silver_db: " + P + "_silver, gold_db: " + P
        + "_gold, ops_db: " + P + "_ops}\ntoy:\n  threshold: " + threshold + "\n");
    ConfigLoader.Loaded loaded = new ConfigLoader(REGISTRY.sections()).load(yaml.toString());
    JobContext ctx = JobContext.create(TestSpark.session(), loaded, null, null, fullRefresh);
    ctx.catalog().ensureDatabases(ctx.spark());
    return ctx;
  }

  private static String toyStatus(JobContext ctx, List<Stage> stages) {
    return status(ctx, stages, "toy");
  }

  private static String status(JobContext ctx, List<Stage> stages, String stage) {
    return JobRunner.run(ctx, stages).stream().filter(o -> o.stage().equals(stage)).findFirst().orElseThrow().status();
  }

  @Test
  void anUnchangedStageIsLeftOutAndRunsAgainWhenItsInputsSettingsOrOutputsMove(@TempDir Path dir) throws Exception {
    TestSpark.dropDatabases(P);
    RUNS.set(0);
    JobContext first = context(dir, 2, false);
    assertEquals("success", toyStatus(first, REGISTRY.pipeline()));
    Row state = first.spark().sql("SELECT inputs, outputs FROM " + P + "_ops.pipeline_run WHERE job = 'toy'").first();
    assertTrue(state.getString(0).endsWith(";gold.toy_in@0"), state.getString(0));
    assertEquals("gold.toy_out@0", state.getString(1));

    // nothing moved: left out, logged as unchanged, naming the run whose tables stand; the
    // input is not read, not even to see that it has rows (a Spark job per table)
    JobContext second = context(dir, 2, false);
    List<String> queried = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    org.apache.spark.sql.util.QueryExecutionListener plans = new org.apache.spark.sql.util.QueryExecutionListener() {
      @Override
      public void onSuccess(String funcName, org.apache.spark.sql.execution.QueryExecution qe, long durationNs) {
        queried.add(qe.analyzed().toString());
      }

      @Override
      public void onFailure(String funcName, org.apache.spark.sql.execution.QueryExecution qe, Exception exception) {}
    };
    second.spark().listenerManager().register(plans);
    List<JobRunner.StageOutcome> again;
    try {
      again = JobRunner.run(second, REGISTRY.pipeline());
      second.spark().sparkContext().listenerBus().waitUntilEmpty(10_000);
    } finally {
      second.spark().listenerManager().unregister(plans);
    }
    assertTrue(queried.stream().noneMatch(q -> q.contains("toy_in")), queried.toString());
    assertEquals("unchanged", again.get(1).status());
    assertEquals("inputs, settings and tables as run " + first.runId() + " left them", again.get(1).reason());
    assertEquals(1, RUNS.get());
    assertEquals(1, second.spark().sql("SELECT * FROM " + P + "_ops.pipeline_run WHERE run_id = '" + second.runId()
        + "' AND job = 'toy' AND status = 'unchanged'").count());
    assertEquals(0, io.cxlake.cli.TestAccess.summarize(again), "unchanged is not a failure");

    // asked for by name (run --only), it runs; and a pipeline run after it reuses what it left
    assertEquals("success", toyStatus(context(dir, 2, false), REGISTRY.select("toy", null)));
    assertEquals(2, RUNS.get());
    assertEquals("unchanged", toyStatus(context(dir, 2, false), REGISTRY.pipeline()));

    // another setting
    assertEquals("success", toyStatus(context(dir, 3, false), REGISTRY.pipeline()));
    assertEquals(4, second.spark().table(P + "_gold.toy_out").count());
    assertEquals("unchanged", toyStatus(context(dir, 3, false), REGISTRY.pipeline()));
    assertEquals(3, RUNS.get());

    // an input table changed
    second.spark().sql("INSERT INTO " + P + "_gold.toy_in VALUES (0)");
    assertEquals("success", toyStatus(context(dir, 3, false), REGISTRY.pipeline()));
    assertEquals(5, second.spark().table(P + "_gold.toy_out").count());

    // its own table changed by the customer_360 enrichment (which sets columns of a table another
    // stage writes): no change of it
    JobContext enrich = context(dir, 3, false);
    enrich.spark().conf().set("spark.databricks.delta.commitInfo.userMetadata", "cxlake run " + enrich.runId() + " stage "
        + Customer360Enrichment.NAME);
    enrich.spark().sql("UPDATE " + P + "_gold.toy_out SET id = id WHERE id = 0");
    assertEquals("unchanged", toyStatus(context(dir, 3, false), REGISTRY.pipeline()));
    assertEquals(4, RUNS.get());

    // its own table written by someone else (a restore, a hand edit): the stage rewrites it
    second.spark().sql("DELETE FROM " + P + "_gold.toy_out WHERE id = 1");
    assertEquals("success", toyStatus(context(dir, 3, false), REGISTRY.pipeline()));
    assertEquals(5, second.spark().table(P + "_gold.toy_out").count());

    // --full-refresh
    assertEquals("success", toyStatus(context(dir, 3, true), REGISTRY.pipeline()));
    assertEquals(6, RUNS.get());
  }

  @Test
  void aStageWritingFilesIsLeftOutWhileTheyStandAsItLeftThem(@TempDir Path dir) throws Exception {
    TestSpark.dropDatabases(P);
    PAGES.set(0);
    Path page = dir.resolve("page.html");
    PAGE_FILE.set(page.toUri().toString());
    StageRegistry registry = new StageRegistry(List.of(SOURCE, PAGE), List.of());
    assertEquals("success", status(context(dir, 1, false), registry.pipeline(), "toy_page"));
    assertEquals("unchanged", status(context(dir, 1, false), registry.pipeline(), "toy_page"));
    assertEquals(1, PAGES.get());

    Files.delete(page);
    assertEquals("success", status(context(dir, 1, false), registry.pipeline(), "toy_page"), "its page is gone");
    assertEquals("rows: 5", Files.readString(page));
    // written by someone else (another modification time): written again
    Files.setLastModifiedTime(page, java.nio.file.attribute.FileTime.fromMillis(86_400_000L));
    assertEquals("success", status(context(dir, 1, false), registry.pipeline(), "toy_page"));
    // an input moved
    TestSpark.session().sql("INSERT INTO " + P + "_gold.toy_in VALUES (9)");
    assertEquals("success", status(context(dir, 1, false), registry.pipeline(), "toy_page"));
    assertEquals("rows: 6", Files.readString(page));
    assertEquals("unchanged", status(context(dir, 1, false), registry.pipeline(), "toy_page"));
    assertEquals(4, PAGES.get());
  }

  @Test
  void theReportIsCheckedByItsIndexPageOnceThereIsAnAsOfDate(@TempDir Path dir) throws Exception {
    TestSpark.dropDatabases(P);
    StageModule report = io.cxlake.pipeline.Modules.registry().module("report");
    ConfigLoader.Loaded loaded = TestSpark.config(P, TestSpark.repoRoot().resolve("conf/sources.yaml"));
    JobContext noDate = JobContext.create(TestSpark.session(), loaded, null, null, false);
    noDate.catalog().ensureDatabases(noDate.spark());
    assertNull(StageSettings.memo(noDate, report, true), "no customer_360 and no texts: nothing to report on, so it runs (and is skipped)");
    java.time.LocalDate asOf = java.time.LocalDate.of(2026, 10, 31);
    JobContext dated = JobContext.create(TestSpark.session(), loaded, asOf, null, false);
    io.cxlake.core.StageMemo memo = StageSettings.memo(dated, report, true);
    assertEquals(List.of(io.cxlake.report.ReportStage.location(dated, asOf) + "/index.html"), memo.outputFiles());
    assertTrue(memo.outputFiles().get(0).endsWith("/report/2026-10-31/index.html"), memo.outputFiles().get(0));
    // `cxlake report --out DIR` writes elsewhere: its success must not stand in for that page
    StageRegistry registry = io.cxlake.pipeline.Modules.registry();
    assertNull(registry.declaredElsewhere("report", new io.cxlake.report.ReportStage(dir.toString())).memo(dated));
    assertNotNull(registry.declared("report", new io.cxlake.report.ReportStage(null)).memo(dated));
  }

  @Test
  void aStageThatDecidesItselfWhatToRedoFromFilesOrReadsNoTableAlwaysRuns(@TempDir Path dir) throws Exception {
    JobContext ctx = context(dir, 1, false);
    assertNull(StageSettings.memo(ctx, SOURCE, true), "reads no table: what it reads (files) is not versioned here");
    StageModule incremental = StageModule.define("inc", "Redoes what changed.").requires(TableRef.gold("toy_in"))
        .writes(TableRef.gold("inc_out")).incremental().build(r -> null);
    assertNull(StageSettings.memo(ctx, incremental, true));
    assertNotNull(StageSettings.memo(ctx, TOY, true));
    StageRegistry pipeline = io.cxlake.pipeline.Modules.registry();
    ctx = JobContext.create(TestSpark.session(), TestSpark.config(P, TestSpark.repoRoot().resolve("conf/sources.yaml")),
        null, null, false);
    assertNull(StageSettings.memo(ctx, pipeline.module("ingest"), true), "ingest reads landing files");
    // curate, metrics and alerts decide themselves what to redo, but with nothing moved there is nothing
    for (String stage : List.of("curate", "metrics", "alerts")) {
      assertNotNull(StageSettings.memo(ctx, pipeline.module(stage), true), stage);
    }
    // metrics writes customer_360, the enrichment sets columns of it: that is no change of metrics' table
    assertEquals(List.of(Customer360Enrichment.NAME), StageSettings.memo(ctx, pipeline.module("metrics"), true).passOver());
    assertEquals(List.of(), StageSettings.memo(ctx, pipeline.module(Customer360Enrichment.NAME), true).passOver(),
        "the enrichment's own commits are its output");
  }
}
