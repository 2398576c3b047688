package io.cxlake.metrics;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.add_months;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Periods and slices of the KPI tables. A row is counted once per period grain (month, ISO
 * week starting Monday) and once per slice (all, plus one per configured slice column), by
 * exploding it, so every slice of every period comes out of one aggregation.
 */
public final class Periods {
  private Periods() {}

  public static final String ALL = "all";
  public static final String UNKNOWN = "unknown";

  /** First day of the period of {@code date} for a grain. */
  public static Column start(String periodType, Column date) {
    return switch (periodType) {
      case "month" -> trunc(date, "month");
      case "week" -> date_trunc("week", date).cast("date");
      default -> throw new IllegalArgumentException("period type " + periodType);
    };
  }

  /** First day after the period. */
  public static Column end(Column periodType, Column periodStart) {
    return when(periodType.equalTo("month"), add_months(periodStart, 1)).otherwise(date_add(periodStart, 7));
  }

  /** Adds period_type and period_start: one row per configured grain. */
  public static Dataset<Row> explodePeriods(Dataset<Row> rows, Column date, List<String> periodTypes) {
    List<Column> ps = new ArrayList<>();
    for (String t : periodTypes) {
      ps.add(struct(lit(t).as("period_type"), start(t, date).as("period_start")));
    }
    return rows.withColumn("_p", explode(array(ps.toArray(Column[]::new))))
        .withColumn("period_type", col("_p.period_type"))
        .withColumn("period_start", col("_p.period_start"))
        .drop("_p");
  }

  /**
   * Adds slice and slice_value: one row for "all" and one per slice column the rows have
   * (slices a row does not carry are left out, e.g. touchpoint for orders). Null values
   * become "unknown" so they are counted, not dropped.
   */
  public static Dataset<Row> explodeSlices(Dataset<Row> rows, List<String> slices) {
    List<String> have = List.of(rows.columns());
    List<Column> ss = new ArrayList<>();
    ss.add(struct(lit(ALL).as("slice"), lit(ALL).as("slice_value")));
    for (String s : slices) {
      if (have.contains(s)) {
        ss.add(struct(lit(s).as("slice"), coalesce(col(s).cast("string"), lit(UNKNOWN)).as("slice_value")));
      }
    }
    return rows.withColumn("_s", explode(array(ss.toArray(Column[]::new))))
        .withColumn("slice", col("_s.slice"))
        .withColumn("slice_value", col("_s.slice_value"))
        .drop("_s");
  }
}
