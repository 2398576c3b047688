package io.cxlake.core;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;

/**
 * Columns of tables and frames: whether one has a column (optional input columns, and tables
 * written by an earlier release), and the columns a release added to an existing table.
 */
public final class TableColumns {
  private TableColumns() {}

  /** Whether {@code frame} has a column named exactly {@code column}. */
  public static boolean has(Dataset<?> frame, String column) {
    return Arrays.asList(frame.columns()).contains(column);
  }

  /**
   * Adds the columns a table lacks (a warehouse written by an earlier release): the new columns
   * read as null in the old rows, as a landing file without them does.
   *
   * @param columns column name -> its DDL ({@code name TYPE COMMENT '...'}), in table order
   */
  public static void addMissing(SparkSession spark, String table, Map<String, String> columns) {
    Set<String> have = Arrays.stream(spark.table(table).columns()).collect(Collectors.toSet());
    String missing = columns.entrySet().stream().filter(c -> !have.contains(c.getKey())).map(Map.Entry::getValue)
        .collect(Collectors.joining(", "));
    if (!missing.isEmpty()) {
      Progress.info("  {}: adding columns {}", table, missing.replaceAll(" COMMENT '([^'\\\\]|\\\\.)*'", ""));
      spark.sql("ALTER TABLE " + table + " ADD COLUMNS (" + missing + ")");
    }
  }
}
