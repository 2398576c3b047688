package io.cxlake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxlake.core.JobContext;
import io.cxlake.core.JobRunner;
import io.cxlake.core.Stage;
import io.cxlake.curate.CurateStage;
import io.cxlake.generate.Generator;
import io.cxlake.ingest.IngestStage;
import io.cxlake.metrics.MetricsStage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

/**
 * Generated data at scale 0.05 (about 5,000 customers, seed 2024) through ingest, curate and
 * metrics, built once per test JVM and shared by the analytics tests that check recovery of
 * the planted truths. Tests add their own gold tables; none changes the shared silver or facts.
 */
public final class GeneratedLakehouse {
  public static final String PREFIX = "gen";
  public static final double SCALE = 0.05;
  public static final long SEED = 2024;

  private static GeneratedLakehouse instance;

  public final Path landing;
  public final Path sources;
  public final JsonNode truth;

  private GeneratedLakehouse(Path landing, Path sources, JsonNode truth) {
    this.landing = landing;
    this.sources = sources;
    this.truth = truth;
  }

  public static synchronized GeneratedLakehouse get() throws Exception {
    if (instance == null) {
      TestSpark.dropDatabases(PREFIX);
      Path landing = Files.createTempDirectory("cxlake-gen-landing-");
      Generator.generate(new Generator.Params(SCALE, SEED, landing, 0.01, LocalDate.of(2026, 10, 31), 24));
      JsonNode truth = new ObjectMapper().readTree(landing.resolve("_truth.json").toFile());
      instance = new GeneratedLakehouse(landing, TestSpark.repoRoot().resolve("conf/sources.yaml"), truth);
      instance.run(TestSpark.stage("ingest"), TestSpark.stage("curate"), TestSpark.stage("metrics"));
    }
    return instance;
  }

  /** Runs stages on the shared warehouse (default configuration); each must succeed. */
  public List<JobRunner.StageOutcome> run(Stage... stages) {
    return run(List.of(stages));
  }

  /** As above, for a plan ({@link TestSpark#plan}). */
  public List<JobRunner.StageOutcome> run(List<Stage> stages) {
    JobContext ctx = TestSpark.context(PREFIX, sources, landing);
    List<JobRunner.StageOutcome> out = JobRunner.run(ctx, stages);
    out.forEach(o -> assertEquals("success", o.status(), o.stage() + ": " + o.error()));
    return out;
  }

  public String gold(String table) {
    return PREFIX + "_gold." + table;
  }
}
