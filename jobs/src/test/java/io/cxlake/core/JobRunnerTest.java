package io.cxlake.core;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import io.cxlake.cli.TestAccess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** A failing stage stops its dependents (and only them): they are reported as skipped, the run exits non-zero. */
class JobRunnerTest {
  private static final String P = "jr";

  /** A toy stage reading the table {@code in} (null: none) and writing "t_" + its name. */
  private static Stage stage(String name, String in, List<String> ran, boolean fail) {
    return toy(name, in == null ? List.of() : List.of(TableRef.gold(in)), List.of(TableRef.gold("t_" + name)), ctx -> {
      ran.add(name);
      if (fail) {
        throw new CxlakeException("input table " + name + "_in is missing");
      }
      return new StageResult(3, 2, Map.of(), List.of());
    });
  }

  /** A toy stage that runs {@code body}, declaring no tables (it may still write some). */
  private static Stage doing(String name, java.util.function.Consumer<JobContext> body) {
    return toy(name, List.of(), List.of(), ctx -> {
      body.accept(ctx);
      return new StageResult(0, 0, Map.of(), List.of());
    });
  }

  private static Stage toy(String name, List<TableRef> reads, List<TableRef> writes,
      java.util.function.Function<JobContext, StageResult> body) {
    return new Stage() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public List<TableRef> reads() {
        return reads;
      }

      @Override
      public List<TableRef> writes() {
        return writes;
      }

      @Override
      public StageResult run(JobContext ctx) {
        return body.apply(ctx);
      }
    };
  }

  @Test
  void theQueriesOfAStageRunInItsJobGroupSoListenersKnowTheStage() {
    JobContext ctx = TestSpark.context(P, TestSpark.repoRoot().resolve("conf/sources.yaml"), null);
    JobRunner.run(ctx, List.of(doing("grouped_toy", c -> c.spark().range(20)
        .selectExpr("cast(id AS string) AS customer_key", "row_number() OVER (ORDER BY id) AS n").collectAsList())));
    List<String> found = io.cxlake.PlanRecorder.offenders(ctx.spark()).get("grouped_toy");
    assertEquals(2, found.size(), found.toString()); // the window and the exchange that gathers its input
    assertTrue(found.get(0).startsWith("window without partition over [customer_key]"), found.toString());
    assertNull(ctx.spark().sparkContext().getLocalProperty("spark.jobGroup.id"), "the group is cleared after the stage");
  }

  @Test
  void aStageReadingSmallTablesRunsInterpretedAndNotAdaptiveAndTheSessionIsPutBackAfterIt() {
    JobContext ctx = TestSpark.context(P, TestSpark.repoRoot().resolve("conf/sources.yaml"), null);
    ctx.catalog().ensureDatabases(ctx.spark());
    ctx.spark().range(100).write().format("delta").mode("overwrite").saveAsTable(P + "_gold.codegen_in");
    String wholeStage = "spark.sql.codegen.wholeStage";
    String factory = "spark.sql.codegen.factoryMode";
    // the test session runs interpreted (TestSpark): compiled here, as a user's session is
    String adaptive = "spark.sql.adaptive.enabled";
    String testSession = ctx.spark().conf().get(wholeStage) + "/" + ctx.spark().conf().get(factory) + "/"
        + ctx.spark().conf().get(adaptive);
    ctx.spark().conf().set(wholeStage, "true");
    ctx.spark().conf().set(factory, "FALLBACK");
    ctx.spark().conf().set(adaptive, "true");
    try {
      choosesPerStage(ctx, wholeStage, factory, adaptive);
    } finally {
      CodegenChoice.INTERPRETED.forEach(ctx.spark().conf()::set);
      CodegenChoice.NOT_ADAPTIVE.forEach(ctx.spark().conf()::set);
    }
    assertEquals("false/NO_CODEGEN/false", testSession, "the test session's own settings");
  }

  private static void choosesPerStage(JobContext ctx, String wholeStage, String factory, String adaptive) {
    java.util.function.Function<JobContext, String> settings = c -> c.spark().conf().get(wholeStage) + "/"
        + c.spark().conf().get(factory) + "/" + c.spark().conf().get(adaptive);
    String before = settings.apply(ctx);
    assertEquals("true/FALLBACK/true", before);
    List<String> seen = new ArrayList<>();
    java.util.function.Function<JobContext, StageResult> record = c -> {
      seen.add(settings.apply(c));
      return new StageResult(0, 0, Map.of(), List.of());
    };
    Stage fits = toy("fits_small", List.of(TableRef.gold("codegen_in")), List.of(), record);
    Stage alwaysCompiled = new Stage() {
      @Override
      public String name() {
        return fits.name();
      }

      @Override
      public List<TableRef> reads() {
        return fits.reads();
      }

      @Override
      public StageResult run(JobContext c) {
        return fits.run(c);
      }

      @Override
      public Integer compiledFromMb() {
        return 0;
      }
    };
    List<Stage> stages = List.of(toy("reads_small", List.of(TableRef.gold("codegen_in")), List.of(), record),
        toy("reads_nothing", List.of(), List.of(), record), alwaysCompiled);
    JobRunner.run(ctx, stages);
    assertEquals(List.of("false/NO_CODEGEN/false", before, "true/FALLBACK/false"), seen,
        "no declared input: its size is unknown, so compiled and adaptive; a stage always compiled reading the same "
            + "small table: compiled, not adaptive");
    assertEquals(before, settings.apply(ctx), "put back after the stages");

    // A few kB of table: under 1 MB, but not under 0 (never interpreted) or a size nobody knows.
    long bytes = CodegenChoice.inputBytes(ctx, List.of(TableRef.gold("codegen_in"), TableRef.gold("no_such_table")));
    assertTrue(bytes > 1_000 && bytes < 100_000, "bytes " + bytes);
    assertTrue(CodegenChoice.below(bytes, 1));
    assertFalse(CodegenChoice.below(1_000_000, 1), "at the threshold: compiled");
    assertFalse(CodegenChoice.below(bytes, 0));
    assertFalse(CodegenChoice.below(-1, 64));
    // A stage's own threshold counts when it is lower than the setting; "never interpreted" (0) stays.
    assertEquals(64, CodegenChoice.codegenMinInputMb(64, null));
    assertEquals(16, CodegenChoice.codegenMinInputMb(64, 16));
    assertEquals(8, CodegenChoice.codegenMinInputMb(8, 16));
    assertEquals(0, CodegenChoice.codegenMinInputMb(64, 0));
    assertEquals(0, CodegenChoice.codegenMinInputMb(0, 16));

    seen.clear();
    JobRunner.run(TestSpark.context(P, TestSpark.repoRoot().resolve("conf/sources.yaml"), null,
        "runtime: {codegen_min_input_mb: 0}"), stages.subList(0, 1));
    assertEquals(List.of("true/FALLBACK/false"), seen, "codegen_min_input_mb 0: always compiled");
    seen.clear();
    JobRunner.run(TestSpark.context(P, TestSpark.repoRoot().resolve("conf/sources.yaml"), null,
        "runtime: {codegen_min_input_mb: 0, adaptive_min_input_mb: 0}"), stages.subList(0, 1));
    assertEquals(List.of(before), seen, "and adaptive_min_input_mb 0: always adaptive");
  }

  @Test
  void aFailureSkipsTheStagesAfterItAndNamesTheStage() throws Exception {
    TestSpark.dropDatabases(P);
    JobContext ctx = TestSpark.context(P, TestSpark.repoRoot().resolve("conf/sources.yaml"), null);
    List<String> ran = new ArrayList<>();
    List<JobRunner.StageOutcome> out = JobRunner.run(ctx,
        List.of(stage("first", null, ran, false), stage("second", "t_first", ran, true), stage("third", "t_second", ran, false),
            stage("fourth", "t_third", ran, false), stage("other", "t_first", ran, false)));
    assertEquals(List.of("first", "second", "other"), ran, "a stage that does not depend on the failure still runs");
    assertEquals(List.of("success", "failed", "skipped", "skipped", "success"),
        out.stream().map(JobRunner.StageOutcome::status).toList());
    assertEquals("input table second_in is missing", out.get(1).error());

    int[] code = new int[1];
    String summary = io.cxlake.Console.capture(() -> code[0] = TestAccess.summarize(out)).out();
    assertEquals(1, code[0]);
    assertTrue(summary.matches("(?s).*third\\s+skipped.*not run: second failed.*"), summary);
    assertTrue(summary.matches("(?s).*fourth\\s+skipped.*not run: second failed.*"), summary);
    assertTrue(summary.matches("(?s).*second\\s+failed.*input table second_in is missing.*"), summary);

    // The run log has the stages that ran, under one run id; skipped stages are not logged.
    List<Row> log = TestSpark.session().sql("SELECT job, status, rows_out FROM " + P + "_ops.pipeline_run WHERE run_id = '"
        + ctx.runId() + "' ORDER BY started_at").collectAsList();
    assertEquals(3, log.size(), log.toString());
    assertEquals("first", log.get(0).getString(0));
    assertEquals(2L, log.get(0).getLong(2));
    assertEquals("failed", log.get(1).getString(1));
  }

  @Test
  void theProfilerCountsEachStagesJobsCommitsAndFiles() {
    TestSpark.dropDatabases("jp");
    JobContext ctx = TestSpark.context("jp", TestSpark.repoRoot().resolve("conf/sources.yaml"), null);
    List<StageProfiler.Figures> figures;
    try (StageProfiler profiler = new StageProfiler(ctx.spark(), ctx.catalog().filesRoot(ctx.spark()))) {
      JobRunner.run(ctx, List.of(
          doing("idle", c -> { }),
          doing("writer", c -> {
            c.spark().range(100).repartition(3).write().format("delta").saveAsTable("jp_gold.t_writer");
            c.spark().sql("INSERT INTO jp_gold.t_writer VALUES (1000)");
            c.spark().range(7).count();
          }),
          doing("holder", c -> {
            long[] held = new long[8 << 20]; // 64 MiB alive across a collection
            System.gc();
            assertEquals(0, held[held.length - 1]);
          })), profiler);
      figures = profiler.figures();
    }
    assertEquals(List.of("idle", "writer", "holder"), figures.stream().map(StageProfiler.Figures::stage).toList());
    StageProfiler.Figures idle = figures.get(0);
    StageProfiler.Figures writer = figures.get(1);
    // Every stage appends its row to the run log: one commit and its file(s).
    assertEquals(1, idle.commits(), idle.toString());
    assertEquals(idle.commits() + 2, writer.commits(), "create-and-write, then the insert: " + writer);
    assertTrue(writer.filesWritten() >= idle.filesWritten() + 4, "3 files from the write, 1 from the insert: " + writer);
    assertTrue(writer.jobs() >= idle.jobs() + 3, "the write, the insert and the count launch jobs: " + writer);
    assertTrue(writer.tasks() > writer.jobs(), writer.toString());
    assertEquals(0, idle.shuffleBytes(), idle.toString());
    assertTrue(writer.shuffleBytes() > 0, "repartition(3) shuffles: " + writer);
    StageProfiler.Figures holder = figures.get(2);
    assertTrue(holder.peakHeapBytes() >= 64L << 20, "64 MiB survived the collection: " + holder);
  }

  @Test
  void eachCommitNamesItsRunAndStageAndTheEnrichmentsCommitsArePassedOverAsInputVersions() {
    TestSpark.dropDatabases(P);
    JobContext ctx = TestSpark.context(P, TestSpark.repoRoot().resolve("conf/sources.yaml"), null);
    ctx.catalog().ensureDatabases(ctx.spark());
    String table = ctx.catalog().gold("c360_toy");
    JobRunner.run(ctx, List.of(doing("maker", c -> c.spark().range(3).write().format("delta").saveAsTable(table)),
        doing("enrich", c -> c.spark().sql("UPDATE " + table + " SET id = id + 10 WHERE id = 0")),
        doing("enrich", c -> c.spark().sql("UPDATE " + table + " SET id = id + 10 WHERE id = 1"))));
    List<Row> history = ctx.spark().sql("DESCRIBE HISTORY " + table).orderBy("version").select("userMetadata").collectAsList();
    assertEquals(List.of("cxlake run " + ctx.runId() + " stage maker", "cxlake run " + ctx.runId() + " stage enrich",
        "cxlake run " + ctx.runId() + " stage enrich"), history.stream().map(r -> r.getString(0)).toList());
    assertEquals("enrich", JobRunner.stageOfCommit(history.get(1).getString(0)));
    assertNull(JobRunner.stageOfCommit("a note of someone's own"));
    // between stages, commits carry the run alone
    assertEquals("cxlake run " + ctx.runId(), ctx.spark().conf().get(JobRunner.COMMIT_TAG));

    TableRef ref = TableRef.gold("c360_toy");
    assertEquals("2", StageMemo.version(ctx, ref, List.of()));
    assertEquals("0", StageMemo.version(ctx, ref, List.of("enrich")), "the latest commit not the enrichment's");
    assertEquals("-", StageMemo.version(ctx, TableRef.gold("no_such_table"), List.of()));
  }
}
