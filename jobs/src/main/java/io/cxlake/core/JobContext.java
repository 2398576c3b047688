package io.cxlake.core;

import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;

/**
 * Everything a stage needs, built once per invocation: the session, typed configuration,
 * table names, the run id shared by all stages, and the global options.
 *
 * @param asOf        --as-of, or null for "the latest date in the data"
 * @param landingRoot --landing (a local path or a Hadoop URI), or null for the sources file's landing_root
 * @param fullRefresh rebuild instead of processing only new input
 */
public record JobContext(
    SparkSession spark,
    ConfigLoader.Loaded loaded,
    Catalog catalog,
    String runId,
    LocalDate asOf,
    String landingRoot,
    boolean fullRefresh) {

  public CxlakeConfig config() {
    return loaded.config();
  }

  public static JobContext create(SparkSession spark, ConfigLoader.Loaded loaded, LocalDate asOf,
      String landingRoot, boolean fullRefresh) {
    return create(spark, loaded, RunIds.next(), asOf, landingRoot, fullRefresh);
  }

  public static JobContext create(SparkSession spark, ConfigLoader.Loaded loaded, String runId, LocalDate asOf,
      String landingRoot, boolean fullRefresh) {
    Catalog catalog = new Catalog(loaded.config().catalog());
    OpsTables.ensure(spark, catalog);
    spark.conf().set(JobRunner.COMMIT_TAG, JobRunner.commitTag(runId, null));
    return new JobContext(spark, loaded, catalog, runId, asOf, landingRoot, fullRefresh);
  }
}
