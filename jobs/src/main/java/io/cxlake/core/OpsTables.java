package io.cxlake.core;

import org.apache.spark.sql.SparkSession;

/** DDL of the cx_ops tables, with table and column comments. Created on demand. */
public final class OpsTables {
  private OpsTables() {}

  public static final String PIPELINE_RUN = "pipeline_run";
  public static final String QUARANTINE = "quarantine";
  public static final String INGEST_FILE = "ingest_file";
  public static final String CURATE_BATCH = "curate_batch";

  public static void ensure(SparkSession spark, Catalog catalog) {
    catalog.ensureDatabases(spark);
    spark.sql("CREATE TABLE IF NOT EXISTS " + catalog.ops(PIPELINE_RUN) + " ("
        + "run_id STRING NOT NULL COMMENT 'Run identifier shared by all stages of one invocation', "
        + "job STRING NOT NULL COMMENT 'Stage or command name', "
        + "as_of DATE COMMENT 'As-of date the job ran for (null when not applicable)', "
        + "started_at TIMESTAMP NOT NULL COMMENT 'Start time (UTC)', "
        + "ended_at TIMESTAMP NOT NULL COMMENT 'End time (UTC)', "
        + "status STRING NOT NULL COMMENT 'success | failed', "
        + "rows_in BIGINT COMMENT 'Rows read by the job', "
        + "rows_out BIGINT COMMENT 'Rows written by the job', "
        + "error STRING COMMENT 'One-line cause when failed') USING DELTA "
        + "COMMENT 'Run log. Grain: one row per run and job.'");
    spark.sql("CREATE TABLE IF NOT EXISTS " + catalog.ops(QUARANTINE) + " ("
        + "entity STRING NOT NULL COMMENT 'Canonical entity of the rejected row', "
        + "record_key STRING COMMENT 'Key value(s) of the row as landed, joined with |', "
        + "reason STRING NOT NULL COMMENT 'Primary reason code (first of reason_codes)', "
        + "reason_codes ARRAY<STRING> NOT NULL COMMENT 'Every reason code that applies', "
        + "detail STRING COMMENT 'Columns that failed, e.g. amount=12,5O', "
        + "raw_record STRING NOT NULL COMMENT 'The bronze row as JSON (all source columns as strings)', "
        + "source_file STRING COMMENT 'Landing file the row came from', "
        + "batch_id STRING NOT NULL COMMENT 'Ingest batch of the row', "
        + "run_id STRING NOT NULL COMMENT 'Curate run that rejected it', "
        + "quarantined_at TIMESTAMP NOT NULL COMMENT 'When it was rejected (UTC)') USING DELTA "
        + "PARTITIONED BY (entity) "
        + "COMMENT 'Rejected rows with reason codes. Grain: one row per rejected landing row.'");
    spark.sql("CREATE TABLE IF NOT EXISTS " + catalog.ops(INGEST_FILE) + " ("
        + "entity STRING NOT NULL COMMENT 'Canonical entity', "
        + "path STRING NOT NULL COMMENT 'Landing file (or glob when no file matched)', "
        + "size_bytes BIGINT COMMENT 'File size at ingest', "
        + "modified_at TIMESTAMP COMMENT 'File modification time at ingest', "
        + "status STRING NOT NULL COMMENT 'ingested | skipped_unchanged | empty | rejected | missing', "
        + "rows BIGINT COMMENT 'Rows written to bronze from this file', "
        + "message STRING COMMENT 'Why a file was rejected, empty or missing', "
        + "batch_id STRING COMMENT 'Bronze batch the rows went to', "
        + "run_id STRING NOT NULL COMMENT 'Ingest run', "
        + "logged_at TIMESTAMP NOT NULL COMMENT 'When the file was examined (UTC)') USING DELTA "
        + "COMMENT 'Ingest ledger. Grain: one row per landing file examined per ingest run.'");
    spark.sql("CREATE TABLE IF NOT EXISTS " + catalog.ops(CURATE_BATCH) + " ("
        + "entity STRING NOT NULL COMMENT 'Canonical entity', "
        + "batch_id STRING NOT NULL COMMENT 'Bronze batch curated', "
        + "bronze_rows BIGINT NOT NULL COMMENT 'Rows of the batch in bronze', "
        + "accepted_rows BIGINT NOT NULL COMMENT 'Rows accepted into silver (inserted, updated, unchanged or superseded by a later batch)', "
        + "quarantined_rows BIGINT NOT NULL COMMENT 'Rows sent to quarantine', "
        + "exact_duplicate_rows BIGINT NOT NULL COMMENT 'Exact copies of another row of the batch, counted and dropped', "
        + "run_id STRING NOT NULL COMMENT 'Curate run', "
        + "curated_at TIMESTAMP NOT NULL COMMENT 'When the batch was curated (UTC)') USING DELTA "
        + "COMMENT 'Curate reconciliation. Grain: one row per entity and bronze batch. bronze_rows = accepted_rows + quarantined_rows + exact_duplicate_rows.'");
  }
}
