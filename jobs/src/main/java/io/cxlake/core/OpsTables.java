package io.cxlake.core;

import org.apache.spark.sql.SparkSession;

/** DDL of the cx_ops tables, with table and column comments. Created on demand. */
public final class OpsTables {
  private OpsTables() {}

  public static final String PIPELINE_RUN = "pipeline_run";
  public static final String QUARANTINE = "quarantine";
  public static final String INGEST_FILE = "ingest_file";
  public static final String CURATE_BATCH = "curate_batch";
  public static final String DQ_RESULT = "dq_result";
  public static final String GOLD_STATE = "gold_state";

  public static void ensure(SparkSession spark, Catalog catalog) {
    catalog.ensureDatabases(spark);
    spark.sql("CREATE TABLE IF NOT EXISTS " + catalog.ops(PIPELINE_RUN) + " ("
        + "run_id STRING NOT NULL COMMENT 'Run identifier shared by all stages of one invocation', "
        + "job STRING NOT NULL COMMENT 'Stage or command name', "
        + "as_of DATE COMMENT 'As-of date the job ran for (null when not applicable)', "
        + "started_at TIMESTAMP NOT NULL COMMENT 'Start time (UTC)', "
        + "ended_at TIMESTAMP NOT NULL COMMENT 'End time (UTC)', "
        + "status STRING NOT NULL COMMENT 'success | failed | skipped (missing input) | unchanged (inputs, settings and "
        + "tables as its last success left them: not run); abandoned: a run that died holding the run lease (job = its command)', "
        + "rows_in BIGINT COMMENT 'Rows read by the job', "
        + "rows_out BIGINT COMMENT 'Rows written by the job', "
        + "error STRING COMMENT 'One-line cause when failed; why, when skipped or unchanged', "
        + "inputs STRING COMMENT 'After a success: what the stage depended on (a hash of its configuration, the code "
        + "build, the pseudonym key and --as-of; table@version of each table it read). Null for stages that always run', "
        + "outputs STRING COMMENT 'After a success: table@version of each table the stage wrote, as it left them') USING DELTA "
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
      spark.sql("CREATE TABLE IF NOT EXISTS " + catalog.ops(DQ_RESULT) + " ("
        + "run_id STRING NOT NULL COMMENT 'Run that wrote the table', "
        + "table_name STRING NOT NULL COMMENT 'Checked table (qualified)', "
        + "check_name STRING NOT NULL COMMENT 'Check name from the table contract or the quality.checks config', "
        + "check_kind STRING NOT NULL COMMENT 'not_null | unique | range | accepted_values | invariant | expectation | custom', "
        + "severity STRING NOT NULL COMMENT 'fail: the job exits non-zero | warn: only recorded', "
        + "status STRING NOT NULL COMMENT 'pass | fail | warn', "
        + "observed_value BIGINT NOT NULL COMMENT 'Rows violating the check (duplicate keys for unique)', "
        + "threshold BIGINT NOT NULL COMMENT 'Violations allowed (0)', "
        + "rows_checked BIGINT NOT NULL COMMENT 'Rows the check ran on (the rows being written)', "
        + "expression STRING COMMENT 'SQL predicate every row must satisfy, or the key for unique', "
        + "table_written BOOLEAN NOT NULL COMMENT 'Whether the rows were committed (a failing enforced check blocks the commit)', "
        + "checked_at TIMESTAMP NOT NULL COMMENT 'When the check ran (UTC)') USING DELTA "
        + "COMMENT 'Data-quality results. Grain: one row per run, table written and check.'");
    spark.sql("CREATE TABLE IF NOT EXISTS " + catalog.ops(GOLD_STATE) + " ("
        + "stage STRING NOT NULL COMMENT 'Gold stage (metrics, alerts, ...)', "
        + "source_table STRING NOT NULL COMMENT 'Silver or gold table the stage read (metrics also records the dim_customer it wrote: its next run compares with it)', "
        + "source_version BIGINT NOT NULL COMMENT 'Delta version of the source the stage last processed', "
        + "as_of DATE NOT NULL COMMENT 'As-of date of that run', "
        + "run_id STRING NOT NULL COMMENT 'Run that processed it', "
        + "recorded_at TIMESTAMP NOT NULL COMMENT 'When it was recorded (UTC)') USING DELTA "
        + "COMMENT 'Incremental state of the gold stages: the source versions each run processed. Grain: one row per run, stage and source table.'");
  }
}
