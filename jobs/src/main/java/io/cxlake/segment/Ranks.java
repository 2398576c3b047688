package io.cxlake.segment;

import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Rank-based scores over the whole customer population, computed from a value histogram: the
 * distinct values with their counts, a running count over the distinct values only, joined back
 * to the customers. No window sorts the customers themselves, so nothing runs in one task at
 * any number of customers (at 10 M customers a window without partition would sort every
 * customer row in one task while the cluster idles), and the many customers sharing one value
 * (0 orders, no survey) do not skew a partition. All results depend on the values only, never
 * on row order; the tie rules are exact.
 *
 * <p>The histogram is counted over {@code population}, a frame with the same value per customer
 * as {@code rows} but without the ranks added so far: counting over {@code rows} would nest each
 * earlier rank's plan twice in the next one, so that k ranks make a plan 2^k times as large,
 * analysed on the driver at every step (seconds per rank even on a thousand customers) and run
 * as many times over.
 */
final class Ranks {
  private Ranks() {}

  /**
   * Adds {@code out}: the percentile rank 0-100 of the non-null value of {@code x} among the
   * non-null values, ties at the midpoint of their group: (values below + half the values tied)
   * / n × 100. A null value gets null.
   */
  static Dataset<Row> withPercentile(Dataset<Row> rows, Dataset<Row> population, String x, String out) {
    Dataset<Row> levels = histogram(population, col(x));
    Column pct = col("_below").plus(col("_tied").multiply(0.5)).divide(col("_n")).multiply(100);
    return joinBack(rows, col(x), levels.select(col("_v"), pct.as(out)));
  }

  /**
   * Adds {@code out}: the quintile score 1-5 of {@code x}, 1 + floor(5 × percent_rank), capped at
   * 5, where percent_rank = (values below) / (n − 1). Tied values share the score of the first
   * position of their group. {@code higherIsBetter = false} reverses the order (recency: fewer
   * days score higher). Rows where {@code eligible} is false get null and do not count in n.
   */
  static Dataset<Row> withQuintile(Dataset<Row> rows, Dataset<Row> population, String x, boolean higherIsBetter,
      Column eligible, String out) {
    Column key = when(eligible, higherIsBetter ? col(x) : col(x).multiply(-1));
    Dataset<Row> keyed = rows.withColumn("_rank_key", key);
    Dataset<Row> levels = histogram(population, key);
    // 5·below/(n−1) from integers: exact at the quintile boundaries (no 0.6·5 = 2.9999...).
    Column fifths = when(col("_n").gt(1), col("_below").multiply(5).divide(col("_n").minus(1))).otherwise(lit(0.0));
    Column score = least(lit(5), floor(fifths).plus(1)).cast("int");
    return joinBack(keyed, col("_rank_key"), levels.select(col("_v"), score.as(out))).drop("_rank_key");
  }

  /**
   * One row per distinct non-null value {@code _v}: {@code _tied} rows have it, {@code _below}
   * rows have a smaller one, {@code _n} rows have a value. The windows run over the distinct
   * values, not over the rows.
   */
  private static Dataset<Row> histogram(Dataset<Row> rows, Column x) {
    Dataset<Row> levels = rows.where(x.isNotNull()).groupBy(x.as("_v")).agg(count(lit(1)).as("_tied"));
    Column below = sum("_tied").over(Window.orderBy("_v").rowsBetween(Window.unboundedPreceding(), -1));
    return levels.withColumn("_below", coalesce(below, lit(0L)))
        .withColumn("_n", sum("_tied").over(Window.partitionBy()));
  }

  /** The rows with the columns of their value's level; rows without a value get nulls. */
  private static Dataset<Row> joinBack(Dataset<Row> rows, Column x, Dataset<Row> levels) {
    return rows.join(levels, x.equalTo(col("_v")), "left").drop("_v");
  }
}
