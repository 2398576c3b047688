package io.cxlake.segment;

import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Rank-based scores over the whole customer population. The windows have no partition: the
 * population is one row per customer (narrow columns), which one task sorts in well under a
 * second even at 100,000 customers. All results depend on the values only, never on row order.
 */
final class Ranks {
  private Ranks() {}

  /**
   * Percentile rank 0-100 of a non-null value among the non-null values, ties at the midpoint of
   * their group: (values below + half the values tied) / n × 100. Null stays null.
   */
  static Column percentile(Column x) {
    WindowSpec ordered = Window.orderBy(x.asc_nulls_last());
    Column below = rank().over(ordered).minus(1);
    Column tied = count(lit(1)).over(Window.partitionBy(x));
    Column n = count(x).over(Window.partitionBy());
    return when(x.isNotNull(), below.plus(tied.multiply(0.5)).divide(n).multiply(100));
  }

  /**
   * Quintile score 1-5: 1 + floor(5 × percent_rank), capped at 5, where percent_rank =
   * (values below) / (n − 1). Tied values share the score of the first position of their group.
   * {@code higherIsBetter = false} reverses the order (recency: fewer days score higher).
   * Rows where {@code eligible} is false get null and do not count in n.
   */
  static Column quintile(Column x, boolean higherIsBetter, Column eligible) {
    Column key = when(eligible, higherIsBetter ? x : x.multiply(-1));
    Column below = rank().over(Window.orderBy(key.asc_nulls_last())).minus(1);
    Column n = count(key).over(Window.partitionBy());
    // 5·below/(n−1) from integers: exact at the quintile boundaries (no 0.6·5 = 2.9999...).
    Column fifths = when(n.gt(1), below.multiply(5).divide(n.minus(1))).otherwise(lit(0.0));
    return when(eligible, least(lit(5), floor(fifths).plus(1)).cast("int"));
  }
}
