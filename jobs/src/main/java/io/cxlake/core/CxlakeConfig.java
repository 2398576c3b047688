package io.cxlake.core;

import java.util.Map;

/**
 * The typed configuration (conf/cxlake.yaml merged over the packaged defaults). Keys are
 * snake_case in YAML. Every section is validated by {@link ConfigLoader} at start-up.
 */
public record CxlakeConfig(
    Runtime runtime,
    Catalog catalog,
    String sources,
    Ingest ingest,
    Curate curate,
    Generate generate) {

  /** Where and how Spark runs. */
  public record Runtime(
      String appName,
      /* Spark master when not launched by spark-submit, e.g. local[*]. */
      String master,
      /* Warehouse root: a local folder or any Hadoop path (hdfs://, s3a://, abfss://). */
      String warehouse,
      /* embedded-derby: a Derby metastore inside the warehouse; external: from Spark conf / hive-site.xml. */
      String metastore,
      /* spark.sql.shuffle.partitions. */
      Integer shufflePartitions,
      /* Spark's console progress bar. */
      Boolean consoleProgress,
      /* Extra Spark settings, applied last but before --conf. */
      Map<String, String> sparkConf) {}

  /** Database names of the four layers (prefix them to run several environments in one metastore). */
  public record Catalog(String bronzeDb, String silverDb, String goldDb, String opsDb) {}

  /** Ingest (landing to bronze). */
  public record Ingest(
      /* fail: the job exits non-zero after ingesting the other entities; warn: only report. */
      String onBadFile) {}

  /** Curate (bronze to silver). */
  public record Curate(
      /* A timestamp later than now + this many hours is quarantined as future_ts. */
      Integer futureToleranceHours) {}

  /** Synthetic data generator defaults. */
  public record Generate(
      /* Last day of generated history (fixed so output depends on the seed only). */
      String endDate,
      /* Months of history. */
      Integer months,
      /* Share of extra dirty rows planted per clean row. */
      Double dirtyRate) {
    public java.time.LocalDate endDateValue() {
      return java.time.LocalDate.parse(endDate);
    }
  }
}
