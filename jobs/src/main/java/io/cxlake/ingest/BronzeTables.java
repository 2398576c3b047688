package io.cxlake.ingest;

import io.cxlake.core.Catalog;
import io.cxlake.core.EntitySpec;
import io.cxlake.core.TableColumns;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** Bronze table of an entity: canonical columns as strings plus lineage columns. */
public final class BronzeTables {
  private BronzeTables() {}

  /** Lineage columns every bronze row carries. */
  public static final List<String> META = List.of("_corrupt_record", "_source_file", "_source_size",
      "_source_modified", "_row_seq", "_ingested_at", "_batch_id");

  /** How a header line repeated inside a CSV file is kept in _corrupt_record (curate quarantines it as repeated_header). */
  public static final String REPEATED_HEADER = "[repeated header] ";

  public static void ensure(SparkSession spark, Catalog catalog, EntitySpec e) {
    String table = catalog.bronze(e.name());
    Map<String, String> columns = new LinkedHashMap<>();
    e.columns().forEach(c -> columns.put(c.name(), c.name() + " STRING COMMENT '"
        + c.description().replace("'", "\\'") + " (as landed)'"));
    StringBuilder ddl = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(table).append(" (");
    columns.values().forEach(c -> ddl.append(c).append(", "));
    ddl.append("_corrupt_record STRING COMMENT 'The raw line when it could not be parsed (a CSV header line repeated inside the file: prefixed [repeated header]), else null', ")
        .append("_source_file STRING NOT NULL COMMENT 'Landing file the row came from', ")
        .append("_source_size BIGINT COMMENT 'Size of that file in bytes at ingest (Delta sources: table version)', ")
        .append("_source_modified TIMESTAMP COMMENT 'Modification time of that file at ingest', ")
        .append("_row_seq BIGINT NOT NULL COMMENT 'Increases with the row position within its file', ")
        .append("_ingested_at TIMESTAMP NOT NULL COMMENT 'Ingest time (UTC)', ")
        .append("_batch_id STRING NOT NULL COMMENT 'Ingest batch (= ingest run id); sorts by time') USING DELTA ")
        .append("COMMENT 'Bronze ").append(e.name()).append(": landing rows as ingested, every column a string. ")
        .append("Grain: one row per landing row per ingest of its file.'");
    spark.sql(ddl.toString());
    TableColumns.addMissing(spark, table, columns);
  }
}
