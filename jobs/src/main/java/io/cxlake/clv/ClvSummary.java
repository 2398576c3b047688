package io.cxlake.clv;

import static org.apache.spark.sql.functions.*;

import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The per-customer summary the models need, from gold fact_order — pure transformations. As in
 * the BG/NBD literature (and the lifetimes package), purchases are counted per day: x is the
 * number of distinct purchase days after the first, t_x the time from the first to the last
 * purchase day, T the time from the first purchase day to the end date, m the mean spend of
 * the repeat days (net amount of the day's completed orders). Times in the configured unit.
 */
public final class ClvSummary {
  private ClvSummary() {}

  /** Completed orders of known customers up to {@code end}, one row per customer and purchase day. */
  static Dataset<Row> purchaseDays(Dataset<Row> factOrder, LocalDate end) {
    return factOrder.where(col("is_completed").and(col("customer_key").isNotNull())
            .and(col("order_date").leq(lit(Date.valueOf(end)))))
        .groupBy("customer_key", "order_date").agg(sum("net_amount").cast("double").as("spend"));
  }

  /** customer_key, first_purchase_date, x, t_x, T, m (null without a repeat day), as of {@code end}. */
  public static Dataset<Row> build(Dataset<Row> factOrder, LocalDate end, double unitDays) {
    Column firstDay = min("order_date");
    Dataset<Row> days = purchaseDays(factOrder, end);
    Dataset<Row> first = days.groupBy("customer_key").agg(firstDay.as("first_purchase_date"));
    return days.join(first, "customer_key")
        .groupBy("customer_key", "first_purchase_date")
        .agg(count(lit(1)).minus(1).cast("double").as("x"),
            max("order_date").as("last_purchase_date"),
            avg(when(col("order_date").gt(col("first_purchase_date")), col("spend"))).as("m"))
        .select(col("customer_key"), col("first_purchase_date"), col("x"),
            datediff(col("last_purchase_date"), col("first_purchase_date")).divide(unitDays).as("t_x"),
            datediff(lit(Date.valueOf(end)), col("first_purchase_date")).divide(unitDays).as("T"),
            col("m"));
  }

  /** Repeat purchase days per customer in (from, to]: the holdout's actual purchases. */
  static Dataset<Row> purchasesBetween(Dataset<Row> factOrder, LocalDate from, LocalDate to) {
    return purchaseDays(factOrder, to).where(col("order_date").gt(lit(Date.valueOf(from))))
        .groupBy("customer_key").agg(count(lit(1)).cast("double").as("actual"));
  }
}
