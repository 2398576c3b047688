package io.cxlake;

import io.cxlake.core.ConfigLoader;
import io.cxlake.core.CxlakeConfig;
import io.cxlake.core.JobContext;
import io.cxlake.core.Lakehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of the test JVM (surefire runs all classes in one fork): a temporary
 * warehouse with an embedded Derby metastore, two shuffle partitions, no UI. Test classes
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
      CxlakeConfig config = new ConfigLoader().load(null).config();
      spark = Lakehouse.open(config, warehouse.toString(), Map.of(
          "spark.master", "local[2]",
          "spark.sql.shuffle.partitions", "2",
          "spark.databricks.delta.snapshotPartitions", "2",
          "spark.ui.enabled", "false",
          "spark.ui.showConsoleProgress", "false"));
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
    ConfigLoader.Loaded defaults = new ConfigLoader().load(null);
    CxlakeConfig d = defaults.config();
    CxlakeConfig c = d.withCatalog(
        new CxlakeConfig.Catalog(prefix + "_bronze", prefix + "_silver", prefix + "_gold", prefix + "_ops"),
        sourcesFile.toAbsolutePath().toString());
    return new ConfigLoader.Loaded(c, "test:" + prefix, sourcesFile.toAbsolutePath().getParent());
  }

  /** A job context (new run id) for a test class's databases and a landing folder. */
  public static JobContext context(String prefix, Path sourcesFile, Path landing) {
    ConfigLoader.Loaded loaded = config(prefix, sourcesFile);
    return JobContext.create(session(), loaded, null, landing, false);
  }

  /** A job context with options: full refresh and the operator's quality checks. */
  public static JobContext context(String prefix, Path sourcesFile, Path landing, boolean fullRefresh,
      java.util.List<CxlakeConfig.CustomCheck> checks) {
    ConfigLoader.Loaded loaded = config(prefix, sourcesFile);
    CxlakeConfig c = loaded.config();
    CxlakeConfig withChecks = c.withQuality(new CxlakeConfig.Quality(checks));
    return JobContext.create(session(), new ConfigLoader.Loaded(withChecks, loaded.configFile(), loaded.configDir()),
        null, landing, fullRefresh);
  }

  /** A job context whose configuration is changed by {@code change} (e.g. a smaller model grid). */
  public static JobContext context(String prefix, Path sourcesFile, Path landing,
      java.util.function.UnaryOperator<CxlakeConfig> change) {
    ConfigLoader.Loaded loaded = config(prefix, sourcesFile);
    return JobContext.create(session(), new ConfigLoader.Loaded(change.apply(loaded.config()), loaded.configFile(),
        loaded.configDir()), null, landing, false);
  }

  /** Drops a test class's databases so it starts clean. */
  public static void dropDatabases(String prefix) {
    for (String layer : new String[] {"bronze", "silver", "gold", "ops"}) {
      session().sql("DROP DATABASE IF EXISTS " + prefix + "_" + layer + " CASCADE");
    }
  }

}
