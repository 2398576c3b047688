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
 * the planted truths. Tests add their own gold tables; only GoldPipelineIT, which runs last, changes
 * the shared silver and facts.
 *
 * <p>It lives on a real HDFS ({@link TestHdfs}), as on a cluster: the landing files and the
 * sources file are uploaded there, and the four databases (tables and saved models) are
 * created there through {@code catalog.location}. Only the planted truths are read locally.
 */
public final class GeneratedLakehouse {
  public static final String PREFIX = "gen";
  public static final double SCALE = 0.05;
  public static final long SEED = 2024;

  private static GeneratedLakehouse instance;

  /** The generator's output on local disk, with the planted truths (_truth.json, _truth/). */
  public final Path localLanding;
  /** The landing root on HDFS (a copy of {@link #localLanding}). */
  public final String landing;
  /** conf/sources.yaml, uploaded to HDFS. */
  public final String sources;
  /** Where the databases are created: {@code catalog.location} on HDFS. */
  public final String location;
  public final JsonNode truth;

  private GeneratedLakehouse(Path localLanding, String landing, String sources, String location, JsonNode truth) {
    this.localLanding = localLanding;
    this.landing = landing;
    this.sources = sources;
    this.location = location;
    this.truth = truth;
  }

  public static synchronized GeneratedLakehouse get() throws Exception {
    if (instance == null) {
      TestSpark.dropDatabases(PREFIX);
      Path landing = Files.createTempDirectory("cxlake-gen-landing-");
      Generator.generate(new Generator.Params(SCALE, SEED, landing, 0.01, LocalDate.of(2026, 10, 31), 24));
      JsonNode truth = new ObjectMapper().readTree(landing.resolve("_truth.json").toFile());
      instance = new GeneratedLakehouse(landing, TestHdfs.upload(landing, "/gen/landing"),
          TestHdfs.upload(TestSpark.repoRoot().resolve("conf/sources.yaml"), "/gen/conf/sources.yaml"),
          TestHdfs.root() + "/gen/warehouse", truth);
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
    return run(false, stages);
  }

  /** As above, with --full-refresh when {@code fullRefresh}. */
  public List<JobRunner.StageOutcome> run(boolean fullRefresh, List<Stage> stages) {
    List<JobRunner.StageOutcome> out = JobRunner.run(TestSpark.context(PREFIX, sources, landing, fullRefresh, settings("")), stages);
    out.forEach(o -> assertEquals("success", o.status(), o.stage() + ": " + o.error()));
    return out;
  }

  /** As above, for as-of date {@code asOf} (null: the latest day of data). */
  public List<JobRunner.StageOutcome> run(java.time.LocalDate asOf, boolean fullRefresh, List<Stage> stages) {
    List<JobRunner.StageOutcome> out = JobRunner.run(JobContext.create(TestSpark.session(),
        TestSpark.config(PREFIX, sources, settings("")), asOf, landing, fullRefresh), stages);
    out.forEach(o -> assertEquals("success", o.status(), o.stage() + ": " + o.error()));
    return out;
  }

  /** A job context (new run id) on the shared lakehouse, with settings changed by a YAML snippet. */
  public JobContext context(String yaml) {
    return TestSpark.context(PREFIX, sources, landing, false, settings(yaml));
  }

  /** The shared lakehouse's settings (its catalog location) with a YAML snippet merged over them. */
  private String settings(String yaml) {
    return "catalog: {location: '" + location + "'}\n" + (yaml == null ? "" : yaml);
  }

  public String gold(String table) {
    return PREFIX + "_gold." + table;
  }
}
