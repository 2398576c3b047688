package io.cxlake.platform;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import io.cxlake.cli.TestAccess;
import io.cxlake.core.ConfigCheck;
import io.cxlake.core.ConfigException;
import io.cxlake.core.ConfigLoader;
import io.cxlake.core.ConfigSection;
import io.cxlake.core.JobContext;
import io.cxlake.core.JobRunner;
import io.cxlake.core.Stage;
import io.cxlake.core.StageResult;
import io.cxlake.core.TableRef;
import io.cxlake.pipeline.Modules;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A toy stage added through the registry: its place in the pipeline, its command, its config section, its skip. */
class StageRegistryTest {
  private static final String P = "reg";

  /** The toy stage's configuration section (no defaults in conf/cxlake.yaml: its validation names what it needs). */
  record ToyConfig(Integer threshold) {
    static final ConfigSection<ToyConfig> SECTION = new ConfigSection<>("toy", ToyConfig.class, ToyConfig::validate);

    static void validate(ToyConfig c, ConfigCheck check) {
      check.positive(c.threshold(), "toy.threshold");
    }
  }

  /** Writes gold.toy_in with {@code rows} rows. */
  private static StageModule source(int rows) {
    return StageModule.define("toy_source", "Writes the toy input.").writes(TableRef.gold("toy_in"))
        .build(r -> new Simple("toy_source", ctx -> ctx.spark().range(rows).write().format("delta").mode("overwrite")
            .saveAsTable(ctx.catalog().gold("toy_in"))));
  }

  private static final StageModule TOY = StageModule.define("toy", "Counts the toy input (a toy stage for the tests).")
      .config(ToyConfig.SECTION)
      .requires(TableRef.gold("toy_in"))
      .writes(TableRef.gold("toy_out"))
      .build(r -> new Simple("toy", ctx -> ctx.spark().table(ctx.catalog().gold("toy_in")).write().format("delta")
          .mode("overwrite").saveAsTable(ctx.catalog().gold("toy_out"))));

  /** A stage from a lambda. */
  private record Simple(String name, java.util.function.Consumer<JobContext> body) implements Stage {
    @Override
    public StageResult run(JobContext ctx) {
      body.accept(ctx);
      return new StageResult(0, 1, Map.of(), List.of());
    }
  }

  @Test
  void theOrderFollowsFromReadsAndWritesNotFromRegistration() {
    StageRegistry r = new StageRegistry(List.of(TOY, source(3)), List.of());
    assertEquals(List.of("toy_source", "toy"), r.names());
    assertEquals(List.of("toy"), r.select("toy", null).stream().map(Stage::name).toList());
    assertEquals(List.of("toy_source", "toy"), r.select(null, "toy_source").stream().map(Stage::name).toList());
    assertTrue(r.sections().contains(ToyConfig.SECTION));
  }

  @Test
  void theRealPipelineOrderPutsEveryStageAfterWhatItReads() {
    StageRegistry r = Modules.registry();
    List<String> names = r.names();
    assertEquals(List.of("ingest", "curate", "metrics", "segment", "cluster"), names.subList(0, 5));
    assertTrue(names.indexOf("voice") < names.indexOf("churn"), "churn reads voice_response: " + names);
    assertTrue(names.indexOf("drivers") < names.indexOf("journey"), names.toString());
    assertEquals(List.of("enrich", "report"), names.subList(names.size() - 2, names.size()),
        "customer_360 enrichment comes last of the stages that write; the report after it: " + names);
    assertEquals(List.of("segment", "enrich"), r.plan(List.of("segment")).stream().map(Stage::name).toList(),
        "a stage that contributes customer_360 columns is followed by the enrichment");
    assertEquals(List.of("drivers"), r.plan(List.of("drivers")).stream().map(Stage::name).toList());
  }

  @Test
  void aModuleDeclaredAfterAllRunsLastWhateverItReads() {
    StageModule report = StageModule.define("toy_report", "Reads the toy input.").optional(TableRef.gold("toy_in"))
        .afterAll().build(r -> null);
    assertEquals(List.of("toy_source", "toy", "toy_report"),
        new StageRegistry(List.of(report, source(3), TOY), List.of()).names());
    assertThrows(IllegalStateException.class, () -> StageModule.define("w", "w").writes(TableRef.gold("x")).afterAll()
        .build(r -> null), "what runs after all must write nothing: nothing could read it");
  }

  @Test
  void aCycleOrAMissingProducerOrTwoWritersAreErrorsAtStartUp() {
    StageModule a = StageModule.define("a", "a").requires(TableRef.gold("tb")).writes(TableRef.gold("ta")).build(r -> null);
    StageModule b = StageModule.define("b", "b").requires(TableRef.gold("ta")).writes(TableRef.gold("tb")).build(r -> null);
    IllegalStateException cycle = assertThrows(IllegalStateException.class, () -> new StageRegistry(List.of(a, b), List.of()));
    assertTrue(cycle.getMessage().contains("cycle"), cycle.getMessage());
    IllegalStateException orphan = assertThrows(IllegalStateException.class, () -> new StageRegistry(List.of(TOY), List.of()));
    assertEquals("stage 'toy' reads gold.toy_in, which no registered stage writes", orphan.getMessage());
    StageModule twin = StageModule.define("twin", "t").writes(TableRef.gold("toy_in")).build(r -> null);
    assertThrows(IllegalStateException.class, () -> new StageRegistry(List.of(source(1), twin), List.of()));
  }

  @Test
  void theToyStageHasACommandWithHelp() {
    StageRegistry r = new StageRegistry(List.of(TOY, source(3)), List.of());
    picocli.CommandLine cli = TestAccess.commandLine(r);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    assertEquals(0, cli.execute("toy", "--help"));
    String help = out.toString(StandardCharsets.UTF_8);
    assertTrue(help.contains("Usage: cxlake toy") && help.contains("Counts the toy input"), help);
    assertTrue(cli.getSubcommands().containsKey("toy_source"));
  }

  @Test
  void theToySectionIsValidatedAndNamesKeyAndFile(@TempDir Path dir) throws Exception {
    StageRegistry r = new StageRegistry(List.of(TOY, source(3)), List.of());
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "toy:\n  threshold: 0\n");
    ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader(r.sections()).load(bad.toString()));
    assertEquals("toy.threshold", e.key());
    assertEquals(bad.toString(), e.file());
    Path typo = dir.resolve("typo.yaml");
    Files.writeString(typo, "toy:\n  treshold: 3\n");
    assertEquals("toy.treshold", assertThrows(ConfigException.class, () -> new ConfigLoader(r.sections()).load(typo.toString())).key());
    Path ok = dir.resolve("ok.yaml");
    Files.writeString(ok, "toy:\n  threshold: 3\n");
    assertEquals(3, new ConfigLoader(r.sections()).load(ok.toString()).config().get(ToyConfig.SECTION).threshold());
  }

  @Test
  void theToyStageRunsAfterItsInputAndIsSkippedWhenTheInputIsEmpty(@TempDir Path dir) throws Exception {
    TestSpark.dropDatabases(P);
    // the toy's own section registered, as a registry's loader registers every stage's
    Path yaml = dir.resolve("toy.yaml");
    Files.writeString(yaml, "catalog: {bronze_db: " + P + "_bronze, silver_db: " + P + "_silver, gold_db: " + P
        + "_gold, ops_db: " + P + "_ops}\ntoy:\n  threshold: 3\n");
    JobContext ctx = JobContext.create(TestSpark.session(),
        new ConfigLoader(new StageRegistry(List.of(TOY, source(3)), List.of()).sections()).load(yaml.toString()), null, null,
        false);
    ctx.catalog().ensureDatabases(ctx.spark());
    List<JobRunner.StageOutcome> ran = JobRunner.run(ctx, new StageRegistry(List.of(TOY, source(3)), List.of()).pipeline());
    assertEquals(List.of("toy_source:success", "toy:success"), ran.stream().map(o -> o.stage() + ":" + o.status()).toList());
    assertEquals(3, ctx.spark().table(P + "_gold.toy_out").count());

    List<JobRunner.StageOutcome> empty = JobRunner.run(ctx, new StageRegistry(List.of(TOY, source(0)), List.of()).pipeline());
    assertEquals("skipped", empty.get(1).status());
    assertEquals(P + "_gold.toy_in has no rows", empty.get(1).reason());
    assertEquals(1, ctx.spark().sql("SELECT * FROM " + P + "_ops.pipeline_run WHERE run_id = '" + ctx.runId()
        + "' AND job = 'toy' AND status = 'skipped' AND error = '" + P + "_gold.toy_in has no rows'").count());
  }

  @Test
  void aStageThatNeedsOneOfTwoInputsRunsOnEitherAndIsSkippedWithoutBoth() {
    TestSpark.dropDatabases(P);
    JobContext ctx = TestSpark.context(P, TestSpark.repoRoot().resolve("conf/sources.yaml"), null);
    ctx.catalog().ensureDatabases(ctx.spark());
    StageModule other = StageModule.define("toy_other", "Writes nothing useful.").writes(TableRef.gold("toy_other"))
        .build(r -> new Simple("toy_other", c -> c.spark().range(0).write().format("delta").mode("overwrite")
            .saveAsTable(c.catalog().gold("toy_other"))));
    StageModule either = StageModule.define("either", "Needs one of toy_in and toy_other.")
        .requiresAny(TableRef.gold("toy_in"), TableRef.gold("toy_other"))
        .build(r -> new Simple("either", c -> { }));
    List<JobRunner.StageOutcome> ran = JobRunner.run(ctx, new StageRegistry(List.of(either, source(2), other), List.of()).pipeline());
    assertEquals("success", ran.get(2).status(), ran.toString());
    List<JobRunner.StageOutcome> none = JobRunner.run(ctx, new StageRegistry(List.of(either, source(0), other), List.of()).pipeline());
    assertEquals("skipped", none.get(2).status());
    assertEquals("none of " + P + "_gold.toy_in, " + P + "_gold.toy_other has rows", none.get(2).reason());
  }

  @Test
  void aStageThatFindsNothingToDoIsSkippedWithItsReasonAndSoAreItsDependents() {
    TestSpark.dropDatabases(P);
    JobContext ctx = TestSpark.context(P, TestSpark.repoRoot().resolve("conf/sources.yaml"), null);
    ctx.catalog().ensureDatabases(ctx.spark());
    StageModule idle = StageModule.define("toy_idle", "Finds nothing it can use in its input.")
        .requires(TableRef.gold("toy_in")).writes(TableRef.gold("toy_idle"))
        .build(r -> new Simple("toy_idle", c -> {
          throw new io.cxlake.core.NothingToDo("no usable row in toy_in");
        }));
    StageModule after = StageModule.define("toy_after", "Reads what toy_idle writes.")
        .requires(TableRef.gold("toy_idle")).build(r -> new Simple("toy_after", c -> { }));
    List<JobRunner.StageOutcome> ran = JobRunner.run(ctx, new StageRegistry(List.of(after, idle, source(2)), List.of()).pipeline());
    assertEquals(List.of("toy_source:success", "toy_idle:skipped", "toy_after:skipped"),
        ran.stream().map(o -> o.stage() + ":" + o.status()).toList());
    assertEquals("no usable row in toy_in", ran.get(1).reason());
    assertEquals("needs gold.toy_idle, which toy_idle did not write", ran.get(2).reason());
    assertEquals(0, io.cxlake.cli.TestAccess.summarize(ran));
  }
}
