package io.cxlake;

import io.cxlake.pipeline.Modules;
import io.cxlake.core.CatalogConfig;
import io.cxlake.contract.QualityConfig;
import io.cxlake.core.ConfigLoader;
import io.cxlake.core.CxlakeConfig;
import io.cxlake.core.HadoopFiles;
import io.cxlake.core.JobContext;
import io.cxlake.core.Lakehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of the test JVM (surefire runs all classes in one fork): a temporary
 * warehouse with an embedded Derby metastore, two shuffle partitions, no UI, and Spark's code
 * generation and adaptive query execution off: test frames are tiny, which is where the runner
 * turns both off too ({@code CodegenChoice}); compiling each test query's generated Java, and a
 * Spark job per shuffle, are pure overhead there. Test classes
 * keep apart by using their own database names (a prefix per class).
 */
public final class TestSpark {
  private static SparkSession spark;
  private static Path warehouse;

  private TestSpark() {}

  public static synchronized SparkSession session() {
    if (spark == null) {
      try {
        warehouse = Files.createTempDirectory("cxlake-test-warehouse-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      CxlakeConfig config = Modules.configLoader().load(null).config();
      Map<String, String> conf = new java.util.HashMap<>(Map.of(
          "spark.master", "local[2]",
          "spark.sql.shuffle.partitions", "2",
          "spark.databricks.delta.snapshotPartitions", "2",
          "spark.ui.enabled", "false",
          "spark.ui.showConsoleProgress", "false"));
      conf.putAll(io.cxlake.core.CodegenChoice.INTERPRETED);
      conf.putAll(io.cxlake.core.CodegenChoice.NOT_ADAPTIVE);
      spark = Lakehouse.open(config, warehouse.toString(), conf);
      spark.sparkContext().addSparkListener(PlanRecorder.INSTANCE);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> spark.stop()));
    }
    return spark;
  }

  /** The repository root (set by surefire), for conf/ and data-samples/. */
  public static Path repoRoot() {
    return Path.of(System.getProperty("cxlake.repo.root", "..")).toAbsolutePath().normalize();
  }

  /** Configuration with databases prefixed for one test class, reading sources from {@code sourcesFile}. */
  public static ConfigLoader.Loaded config(String prefix, Path sourcesFile) {
    return config(prefix, sourcesFile.toString(), "");
  }

  /**
   * The same with settings changed by a YAML snippet in the syntax of conf/cxlake.yaml, merged
   * over the defaults and validated like a user's file, e.g. {@code "churn: {models: [gbt]}"}.
   * The sources file is a local path or a Hadoop URI.
   */
  public static ConfigLoader.Loaded config(String prefix, String sourcesFile, String yaml) {
    ConfigLoader loader = Modules.configLoader();
    String base = "catalog: {bronze_db: " + prefix + "_bronze, silver_db: " + prefix + "_silver, gold_db: " + prefix
        + "_gold, ops_db: " + prefix + "_ops}\nsources: '" + HadoopFiles.qualify(sourcesFile) + "'\n";
    ConfigLoader.Loaded defaults = loader.load(null);
    return loader.overlay(loader.overlay(defaults, base, "test:" + prefix), yaml, "test:" + prefix);
  }

  /** A job context (new run id) for a test class's databases and a landing folder. */
  public static JobContext context(String prefix, Path sourcesFile, Path landing) {
    return context(prefix, sourcesFile, landing, false, "");
  }

  /** A job context whose settings are changed by a YAML snippet (e.g. a smaller model grid). */
  public static JobContext context(String prefix, Path sourcesFile, Path landing, String yaml) {
    return context(prefix, sourcesFile, landing, false, yaml);
  }

  /** A job context with --full-refresh and settings changed by a YAML snippet. */
  public static JobContext context(String prefix, Path sourcesFile, Path landing, boolean fullRefresh, String yaml) {
    return context(prefix, sourcesFile.toString(), landing == null ? null : landing.toString(), fullRefresh, yaml);
  }

  /** The same with the sources file and landing root as local paths or Hadoop URIs (hdfs://...). */
  public static JobContext context(String prefix, String sourcesFile, String landing, boolean fullRefresh, String yaml) {
    return JobContext.create(session(), config(prefix, sourcesFile, yaml), null, landing, fullRefresh);
  }

  /** One configuration section: the defaults with a YAML snippet merged over them (pure-function tests). */
  public static <T> T section(io.cxlake.core.ConfigSection<T> section, String yaml) {
    ConfigLoader loader = Modules.configLoader();
    return loader.overlay(loader.load(null), yaml, "test settings").config().get(section);
  }

  /** The stage of a registered module, by name (as `cxlake run --only NAME` builds it). */
  public static io.cxlake.core.Stage stage(String name) {
    return Modules.registry().stage(name);
  }

  /** The named stages as a stage command runs them: followed by the customer_360 enrichment when they feed it. */
  public static List<io.cxlake.core.Stage> plan(String... names) {
    return Modules.registry().plan(List.of(names));
  }

  /**
   * The tables of database {@code db} as "db.name", without the session's temporary views
   * (other tests' read-by-path views). SHOW TABLES, not catalog().listTables(): Spark 4.0.1
   * cannot decode catalog.Table rows with code generation off ("argument type mismatch").
   */
  public static List<String> tablesIn(String db) {
    return session().sql("SHOW TABLES IN " + db).where("NOT isTemporary").collectAsList().stream()
        .map(r -> db + "." + r.getString(1)).toList();
  }

  /** Drops a test class's databases so it starts clean. */
  public static void dropDatabases(String prefix) {
    for (String layer : new String[] {"bronze", "silver", "gold", "ops"}) {
      session().sql("DROP DATABASE IF EXISTS " + prefix + "_" + layer + " CASCADE");
    }
  }


  /** What {@code work} returns; {@code jobs} counts the Spark jobs it launched. */
  public static <T> T countingJobs(java.util.concurrent.atomic.AtomicInteger jobs, java.util.function.Supplier<T> work) {
    org.apache.spark.scheduler.SparkListener count = new org.apache.spark.scheduler.SparkListener() {
      @Override
      public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart jobStart) {
        jobs.incrementAndGet();
      }
    };
    session().sparkContext().addSparkListener(count);
    try {
      return work.get();
    } finally {
      session().sparkContext().removeSparkListener(count);
    }
  }
}
