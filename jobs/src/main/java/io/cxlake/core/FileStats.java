package io.cxlake.core;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.types.StructType;

/**
 * Answers from a Delta table's per-file statistics (the minimum, maximum and null count Delta
 * records for each file it writes) instead of a scan of its rows: a read of the transaction log,
 * which grows with the files, not with the rows. Spark answers {@code count(*)} this way by
 * itself, not {@code max} of a timestamp.
 */
public final class FileStats {
  private FileStats() {}

  /**
   * The latest day of timestamp column {@code column} (the session time zone's, as
   * {@code to_date}): from the files' statistics when they can tell, else from a scan; null when
   * the column holds no value.
   */
  public static LocalDate latestDayOrScan(SparkSession spark, String table, String column) {
    return latestDay(spark, table, column).orElseGet(() -> {
      Row r = spark.table(table).agg(max(to_date(col(column)))).first();
      return r.isNullAt(0) ? null : r.getDate(0).toLocalDate();
    });
  }

  /**
   * The latest day of several timestamp columns, each of its table ({@code columnByTable}), each
   * as {@link #latestDayOrScan(SparkSession, String, String)}; null when none holds a value.
   */
  public static LocalDate latestDayOrScan(SparkSession spark, Map<String, String> columnByTable) {
    return columnByTable.entrySet().stream().map(e -> latestDayOrScan(spark, e.getKey(), e.getValue()))
        .filter(Objects::nonNull).max(Comparator.naturalOrder()).orElse(null);
  }

  /**
   * The latest day (the session time zone's, as {@code to_date}) of timestamp column
   * {@code column}: empty when the statistics cannot tell, so that the caller scans.
   *
   * <p>A file's maximum is exact unless rows of the file were deleted since it was written (a
   * deletion vector, as curate's MERGE leaves on the files of updated rows): then it is only an
   * upper bound. The answer is the latest day of the exact maxima, as long as no bound lies on a
   * later day (the usual case: the newest rows sit in new files, updates mark older ones). The
   * statistics cannot tell when a file has none for the column (written with statistics off, or
   * the column beyond {@code delta.dataSkippingNumIndexedCols}), when a bound lies later, or when
   * no file has a value. A maximum is truncated to the millisecond, which never changes its day.
   */
  public static Optional<LocalDate> latestDay(SparkSession spark, String table, String column) {
    try {
      Dataset<Row> files = DeltaLog.forTableWithSnapshot(spark,
          spark.sessionState().sqlParser().parseTableIdentifier(table))._2().withStats();
      Column day = to_date(col("stats.maxValues.`" + column + "`"));
      Column nulls = col("stats.nullCount.`" + column + "`");
      Column rows = col("stats.numRecords");
      boolean hasTightBounds = java.util.Arrays.asList(
          ((StructType) files.schema().apply("stats").dataType()).fieldNames()).contains("tightBounds");
      Column bound = col("deletionVector").isNotNull()
          .or(hasTightBounds ? coalesce(not(col("stats.tightBounds")), lit(false)) : lit(false));
      // A file without a maximum tells only when the column is null in all its rows.
      Column unknown = rows.isNull().or(day.isNull().and(coalesce(nulls.notEqual(rows), lit(true))));
      Row r = files.agg(sum(when(unknown, 1L).otherwise(0L)), max(when(not(bound), day)), max(when(bound, day))).first();
      boolean known = r.isNullAt(0) || r.getLong(0) == 0;
      if (!known || r.isNullAt(1)) {
        return Optional.empty();
      }
      LocalDate exact = r.getDate(1).toLocalDate();
      return r.isNullAt(2) || !r.getDate(2).toLocalDate().isAfter(exact) ? Optional.of(exact) : Optional.empty();
    } catch (Exception unreadable) { // no such column in the statistics' schema (Scala's exceptions are unchecked in Java's terms)
      return Optional.empty();
    }
  }
}
