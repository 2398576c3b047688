package io.cxlake.curate;

import io.cxlake.core.Catalog;
import io.cxlake.core.ColumnSpec;
import io.cxlake.core.EntitySpec;
import io.cxlake.core.TableColumns;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Silver table of an entity: typed canonical columns with comments plus lineage. */
public final class SilverTables {
  private SilverTables() {}

  /**
   * Deletion vectors: an update marks the old row instead of rewriting its file. Change data
   * feed: downstream stages read only the rows that changed since the version they processed.
   */
  private static final String PROPERTIES = "'delta.enableDeletionVectors' = 'true', 'delta.enableChangeDataFeed' = 'true'";

  public static void ensure(SparkSession spark, Catalog catalog, EntitySpec e) {
    String table = catalog.silver(e.silverTable());
    Map<String, String> columns = new LinkedHashMap<>();
    for (ColumnSpec c : e.columns()) {
      columns.put(c.name(), c.name() + " " + c.type().sqlType().toUpperCase() + (e.isKey(c.name()) ? " NOT NULL" : "")
          + " COMMENT '" + c.description().replace("'", "\\'") + "'");
    }
    StringBuilder ddl = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(table).append(" (");
    columns.values().forEach(c -> ddl.append(c).append(", "));
    ddl.append("_row_hash BIGINT NOT NULL COMMENT 'Hash of the typed columns: an update only rewrites a changed row', ")
        .append("_batch_id STRING NOT NULL COMMENT 'Ingest batch the current version came from', ")
        .append("_source_file STRING NOT NULL COMMENT 'Landing file the current version came from') USING DELTA ")
        .append("COMMENT '").append(e.description().replace("'", "\\'"))
        .append(". Grain: one row per ").append(String.join(" and ", e.key()))
        .append(". Typed, validated, deduplicated; latest batch wins.' ")
        .append("TBLPROPERTIES (").append(PROPERTIES).append(")");
    spark.sql(ddl.toString());
    TableColumns.addMissing(spark, table, columns);
    feedOn(spark, table);
  }

  /** Turns the change data feed on for a silver table made before it was (one commit, once). */
  private static void feedOn(SparkSession spark, String table) {
    boolean on = spark.sql("SHOW TBLPROPERTIES " + table + " ('delta.enableChangeDataFeed')").collectAsList().stream()
        .anyMatch(r -> "true".equalsIgnoreCase(r.getString(1)));
    if (!on) {
      spark.sql("ALTER TABLE " + table + " SET TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')");
    }
  }
}
