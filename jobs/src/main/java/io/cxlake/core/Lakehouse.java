package io.cxlake.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the one SparkSession a process uses: Delta extensions and catalog, the warehouse,
 * the metastore and small shuffle partitions from the configuration. Settings given by
 * spark-submit (master, resources) are kept; {@code --conf} pairs are applied last.
 */
public final class Lakehouse {
  private Lakehouse() {}

  /**
   * @param config            the loaded configuration
   * @param warehouseOverride --warehouse, or null for runtime.warehouse
   * @param confOverrides     --conf key=value pairs
   */
  public static SparkSession open(CxlakeConfig config, String warehouseOverride, Map<String, String> confOverrides) {
    RuntimeConfig rt = config.runtime();
    String warehouse = HadoopFiles.qualify(warehouseOverride != null ? warehouseOverride : rt.warehouse());
    SparkSession.Builder b = SparkSession.builder().appName(rt.appName() == null ? "cxlake" : rt.appName());
    // spark-submit passes its settings as system properties, which SparkConf reads.
    SparkConf submitted = new SparkConf();
    boolean underSubmit = submitted.contains("spark.master");
    if (!underSubmit) {
      b.master(rt.master());
      if (rt.master().startsWith("local")) {
        b.config("spark.ui.enabled", "false");
      }
    }
    b.config("spark.sql.warehouse.dir", warehouse)
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.shuffle.partitions", String.valueOf(rt.shufflePartitions()))
        // Delta rebuilds table state with its own partition count (default 50): on a small
        // local run that is most of the time spent; follow the configured shuffle partitions.
        .config("spark.databricks.delta.snapshotPartitions", String.valueOf(rt.shufflePartitions()))
        .config("spark.sql.session.timeZone", "UTC")
        // The progress bar redraws one line with carriage returns: only on a terminal, never
        // in a log file or CI output, where the stages' own one-line steps are what is read.
        .config("spark.ui.showConsoleProgress",
            String.valueOf(Boolean.TRUE.equals(rt.consoleProgress()) && System.console() != null))
        // Upserted tables (silver MERGE) use deletion vectors: half the MERGE cost (PERFORMANCE.md).
        .config("spark.databricks.delta.properties.defaults.enableDeletionVectors", "true")
        .enableHiveSupport();
    // file: without a forked chmod / readlink per file written (runtime.spark_conf and --conf may override)
    ForklessLocalFileSystem.SETTINGS.forEach((key, value) -> b.config("spark.hadoop." + key, value));
    if ("embedded-derby".equals(rt.metastore())) {
      if (!warehouse.startsWith("file:")) {
        throw new ConfigException("configuration", "runtime.metastore",
            "embedded-derby needs a local warehouse, but the warehouse is " + warehouse + "; use external");
      }
      Path local = Path.of(URI.create(warehouse));
      // Derby writes derby.log into derby.system.home: keep it inside the warehouse.
      System.setProperty("derby.system.home", local.toString());
      b.config("spark.hadoop.javax.jdo.option.ConnectionURL",
              "jdbc:derby:;databaseName=" + local.resolve("metastore_db") + ";create=true")
          .config("spark.hadoop.datanucleus.schema.autoCreateAll", "true")
          .config("spark.hadoop.hive.metastore.schema.verification", "false");
    }
    if (rt.sparkConf() != null) {
      rt.sparkConf().forEach(b::config);
    }
    if (confOverrides != null) {
      confOverrides.forEach(b::config);
    }
    SparkSession spark = b.getOrCreate();
    // Without a native LAPACK, MLlib uses F2J's pure-Java one, which computes its machine
    // constants (Dlamch) on first use without synchronisation. Two threads' first calls at once
    // (parallel mixture fits in this JVM) can read them unset, and dlascl then never returns: a
    // test hung so, spinning in Dlascl under a Gaussian mixture's eigSym. One call here, before
    // any parallel work, sets them.
    dev.ludovic.netlib.lapack.LAPACK.getInstance().dlamch("S");
    return spark;
  }

  /**
   * Sets aside an embedded-Derby metastore whose creation never finished, so this run creates a
   * new one: Derby writes {@code service.properties} last, and a process killed before that
   * (while it creates {@code seg0} and {@code log}) leaves a directory that Derby refuses to open
   * or to create again, so that every later run would fail. Called by the run holding the run
   * lease, before the metastore first opens: no other writer can be creating it. Such a metastore
   * holds no table yet (creating it is a run's first catalog step), so nothing is lost.
   *
   * @return the directory it was moved to, or null when there was nothing to set aside
   */
  public static Path setAsideHalfMadeMetastore(CxlakeConfig config, SparkSession spark) {
    if (!"embedded-derby".equals(config.runtime().metastore())) {
      return null;
    }
    return setAsideHalfMadeMetastore(Path.of(URI.create(spark.conf().get("spark.sql.warehouse.dir"))));
  }

  static Path setAsideHalfMadeMetastore(Path warehouse) {
    Path metastore = warehouse.resolve("metastore_db");
    if (!Files.isDirectory(metastore) || Files.exists(metastore.resolve("service.properties"))) {
      return null;
    }
    Path aside = warehouse.resolve("metastore_db.unfinished-" + Instant.now().toEpochMilli());
    try {
      Files.move(metastore, aside);
    } catch (IOException e) {
      throw new UncheckedIOException("could not move the unfinished metastore " + metastore + " aside", e);
    }
    Progress.warn("the embedded metastore {} was never finished (a run was stopped while creating it: no "
        + "service.properties); moved it to {} and creating a new one", metastore, aside.getFileName());
    return aside;
  }
}
