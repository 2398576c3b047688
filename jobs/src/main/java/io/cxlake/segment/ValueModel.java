package io.cxlake.segment;

import io.cxlake.core.Tier;
import static org.apache.spark.sql.functions.*;

import io.cxlake.core.CxlakeConfig;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * customer_value (SPEC §8.2): the attitude–behaviour–consumption model and the Pareto ABC
 * class on revenue share.
 *
 * <p>Each factor is the mean of its inputs' percentile ranks (0-100, {@link Ranks#percentile});
 * an input a customer lacks (e.g. no survey answered) is left out of that customer's mean, and a
 * factor with no input at all is null. The value score weights the factors by lifecycle stage;
 * a null factor's weight is spread over the others (weights renormalised), so a customer who
 * never answered a survey is scored on behaviour and consumption alone.
 */
public final class ValueModel {
  private ValueModel() {}

  /** The three factors in output order. */
  static final String[] FACTORS = {"attitude", "behaviour", "consumption"};

  /**
   * @param c360 customer_360 rows of one snapshot (customer_key, lifecycle_stage and the inputs)
   * @param rfm  customer_rfm of the same as-of date (customer_key, monetary): the revenue of the
   *             Pareto classes is the RFM window's net revenue
   */
  public static Dataset<Row> build(Dataset<Row> c360, Dataset<Row> rfm, LocalDate asOf, SegmentationConfig.Value cfg) {
    Dataset<Row> withRevenue = c360.join(rfm.select(col("customer_key"), col("monetary").as("revenue")),
        new String[] {"customer_key"}, "left");
    Dataset<Row> base = withRevenue;
    List<List<String>> inputs = List.of(cfg.attitude(), cfg.behaviour(), cfg.consumption());
    // the ranked inputs are customer_360 columns: their histograms need no join with RFM
    for (int i = 0; i < FACTORS.length; i++) {
      base = withFactor(base, c360, FACTORS[i] + "_score", inputs.get(i));
    }
    base = base.withColumn("weight_attitude", stageWeight(cfg.weights(), "attitude"))
        .withColumn("weight_behaviour", stageWeight(cfg.weights(), "behaviour"))
        .withColumn("weight_consumption", stageWeight(cfg.weights(), "consumption"));
    Column weighted = lit(0.0);
    Column weightSum = lit(0.0);
    for (String f : FACTORS) {
      Column score = col(f + "_score");
      weighted = weighted.plus(coalesce(score.multiply(col("weight_" + f)), lit(0.0)));
      weightSum = weightSum.plus(when(score.isNotNull(), col("weight_" + f)).otherwise(0.0));
    }
    Column value = when(weightSum.gt(0), round(weighted.divide(weightSum), 4));
    return pareto(base.withColumn("value_score", value), withRevenue, cfg.paretoA(), cfg.paretoB())
        .select(lit(java.sql.Date.valueOf(asOf)).as("as_of_date"), col("customer_key"), col("lifecycle_stage"),
            round(col("attitude_score"), 4).as("attitude_score"), round(col("behaviour_score"), 4).as("behaviour_score"),
            round(col("consumption_score"), 4).as("consumption_score"),
            col("weight_attitude"), col("weight_behaviour"), col("weight_consumption"),
            col("value_score"), tier(cfg.tiers()).as("value_tier"),
            col("revenue"), col("revenue_share_pct"), col("cumulative_revenue_pct"), col("pareto_class"));
  }

  /**
   * Adds {@code out}: the mean percentile rank of the inputs a customer has; null when none.
   * The ranks are counted over {@code population} ({@link Ranks}).
   */
  static Dataset<Row> withFactor(Dataset<Row> rows, Dataset<Row> population, String out, List<String> inputs) {
    Column sum = lit(0.0);
    Column n = lit(0);
    for (int i = 0; i < inputs.size(); i++) {
      String pct = "_pct_" + i;
      rows = Ranks.withPercentile(rows, population, inputs.get(i), pct);
      sum = sum.plus(coalesce(col(pct), lit(0.0)));
      n = n.plus(when(col(inputs.get(i)).isNotNull(), 1).otherwise(0));
    }
    Dataset<Row> scored = rows.withColumn(out, when(n.gt(0), sum.divide(n)));
    for (int i = 0; i < inputs.size(); i++) {
      scored = scored.drop("_pct_" + i);
    }
    return scored;
  }

  private static Column stageWeight(Map<String, SegmentationConfig.StageWeights> weights, String factor) {
    Column out = null;
    for (Map.Entry<String, SegmentationConfig.StageWeights> e : weights.entrySet()) {
      SegmentationConfig.StageWeights w = e.getValue();
      double v = switch (factor) {
        case "attitude" -> w.attitude();
        case "behaviour" -> w.behaviour();
        default -> w.consumption();
      };
      Column cond = col("lifecycle_stage").equalTo(e.getKey());
      out = out == null ? when(cond, v) : out.when(cond, v);
    }
    return out;
  }

  static Column tier(List<Tier> tiers) {
    Column out = null;
    for (Tier t : tiers) {
      Column cond = col("value_score").geq(t.min());
      out = out == null ? when(cond, t.name()) : out.when(cond, t.name());
    }
    return out;
  }

  /**
   * Pareto classes: customers sorted by revenue, highest first; a customer is A while the
   * revenue of the customers strictly above it is below {@code aPct}% of the total (so the
   * customer who crosses the line is still A), B while below {@code bPct}%, else C. Tied
   * revenues share one class; customers without revenue are C. The revenue totals are summed
   * over {@code population}, the same customers with the same revenue ({@link Ranks} says why).
   */
  static Dataset<Row> pareto(Dataset<Row> rows, Dataset<Row> population, double aPct, double bPct) {
    Column revenue = coalesce(col("revenue"), lit(0)).cast("decimal(18,2)");
    Dataset<Row> r = rows.withColumn("revenue", revenue);
    // One row per distinct revenue: the running sum, highest first, runs over the distinct
    // values only (never over every customer in one task); it includes the tied customers.
    Dataset<Row> levels = population.select(revenue.as("revenue")).groupBy(col("revenue").as("_v"))
        .agg(sum("revenue").as("_sum"))
        .withColumn("_through", sum("_sum").over(Window.orderBy(col("_v").desc())
            .rowsBetween(Window.unboundedPreceding(), Window.currentRow())))
        .withColumn("_total", sum("_sum").over(Window.partitionBy()))
        .withColumn("_above", col("_through").minus(col("_sum")))
        .drop("_sum");
    r = r.join(levels, col("revenue").equalTo(col("_v")), "left").drop("_v");
    Column pct = when(col("_total").gt(0), lit(100.0));
    Column before = col("_above").cast("double").multiply(pct).divide(col("_total").cast("double"));
    return r.withColumn("revenue_share_pct", round(col("revenue").cast("double").multiply(pct)
            .divide(col("_total").cast("double")), 6))
        .withColumn("cumulative_revenue_pct", round(col("_through").cast("double").multiply(pct)
            .divide(col("_total").cast("double")), 6))
        .withColumn("pareto_class", when(col("revenue").leq(0).or(col("_total").leq(0)), "C")
            .when(before.lt(aPct), "A").when(before.lt(bPct), "B").otherwise("C"))
        .drop("_total", "_through", "_above");
  }

}
