package io.cxlake.segment;

import static org.apache.spark.sql.functions.*;

import io.cxlake.core.CxlakeConfig;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * customer_rfm (SPEC §8.1): recency, frequency and monetary value of completed orders in the
 * lookback window ending at the as-of date, quintile scores and the named segment. Returned
 * orders are not completed, so monetary is net of returns (and of discounts: net_amount).
 */
public final class Rfm {
  private Rfm() {}

  /**
   * @param customers one row per customer in the population (customer_key)
   * @param factOrder gold fact_order (customer_key, order_date, is_completed, net_amount)
   */
  public static Dataset<Row> build(Dataset<Row> customers, Dataset<Row> factOrder, LocalDate asOf, SegmentationConfig.Rfm cfg) {
    Column asOfDate = lit(java.sql.Date.valueOf(asOf));
    Dataset<Row> window = factOrder.where(col("is_completed")
        .and(col("order_date").gt(date_sub(asOfDate, cfg.lookbackDays())))
        .and(col("order_date").leq(asOfDate)));
    Dataset<Row> perCustomer = window.groupBy("customer_key").agg(
        max("order_date").as("last_order_date"),
        count(lit(1)).as("frequency"),
        sum("net_amount").cast("decimal(18,2)").as("monetary"));
    Dataset<Row> joined = customers.select("customer_key").join(perCustomer, new String[] {"customer_key"}, "left")
        .withColumn("recency_days", datediff(asOfDate, col("last_order_date")));

    Column ordered = col("frequency").isNotNull();
    Dataset<Row> scored = Ranks.withQuintile(joined, joined, "recency_days", false, ordered, "r_score");
    scored = Ranks.withQuintile(scored, joined, "frequency", true, ordered, "f_score");
    scored = Ranks.withQuintile(scored, joined, "monetary", true, ordered, "m_score");
    return scored.select(asOfDate.as("as_of_date"), col("customer_key"), lit(cfg.lookbackDays()).as("lookback_days"),
        col("last_order_date"), col("recency_days"),
        coalesce(col("frequency"), lit(0L)).as("frequency"),
        coalesce(col("monetary"), lit(0)).cast("decimal(18,2)").as("monetary"),
        col("r_score"), col("f_score"), col("m_score"),
        when(ordered, concat(col("r_score"), col("f_score"), col("m_score"))).as("rfm_cell"),
        when(ordered, col("r_score").plus(col("f_score")).plus(col("m_score"))).as("rfm_score"),
        segment(cfg).as("segment"));
  }

  /** The configured segment map as one CASE expression: first matching rule wins. */
  static Column segment(SegmentationConfig.Rfm cfg) {
    Column out = null;
    for (SegmentationConfig.RfmRule rule : cfg.segments()) {
      Column cond = in(col("r_score"), rule.r()).and(in(col("f_score"), rule.f())).and(in(col("m_score"), rule.m()));
      out = out == null ? when(cond, rule.name()) : out.when(cond, rule.name());
    }
    // Validation guarantees every score combination matches; customers without orders have no scores.
    return when(col("frequency").isNull(), lit(cfg.noOrdersSegment())).otherwise(out);
  }

  private static Column in(Column score, List<Integer> range) {
    return range == null ? lit(true) : score.between(range.get(0), range.get(1));
  }
}
