package io.cxlake.segment;

import io.cxlake.pipeline.Modules;
import io.cxlake.core.Tier;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import io.cxlake.core.ConfigLoader;
import io.cxlake.core.CxlakeConfig;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class ValueModelTest {
  private static final double EPS = 1e-9;

  @Test
  void percentileRanksPutTiesAtTheMidpointOfTheirGroup() {
    SparkSession spark = TestSpark.session();
    List<Row> rows = new ArrayList<>();
    for (Object[] r : new Object[][] {{"p", 10.0}, {"q", 20.0}, {"r", 20.0}, {"s", 40.0}, {"t", null}}) {
      rows.add(RowFactory.create(r));
    }
    Dataset<Row> df = spark.createDataFrame(rows, new StructType().add("k", DataTypes.StringType).add("x", DataTypes.DoubleType));
    Map<String, Double> pr = new HashMap<>();
    Ranks.withPercentile(df, df, "x", "p").select(col("k"), col("p")).collectAsList()
        .forEach(r -> pr.put(r.getString(0), r.isNullAt(1) ? null : r.getDouble(1)));
    // (below + tied/2) / n × 100 with n = 4 non-null values
    assertEquals(12.5, pr.get("p"), EPS);
    assertEquals(50.0, pr.get("q"), EPS);
    assertEquals(50.0, pr.get("r"), EPS);
    assertEquals(87.5, pr.get("s"), EPS);
    assertNull(pr.get("t"), "a missing value gets no rank and does not count in n");
  }

  /**
   * Four customers, one input per factor (attitude: latest_nps, behaviour: frequency,
   * consumption: monetary), default stage weights. Percentile ranks by hand:
   * nps 10/0/5 (n=3) → 83.333/16.667/50; frequency 1/3/2/4 → 12.5/62.5/37.5/87.5; monetary
   * 100/300/200/0 → 37.5/87.5/62.5/12.5.
   * <ul>
   *   <li>k1 new (0.5/0.2/0.3): 0.5·83.333 + 0.2·12.5 + 0.3·37.5 = 55.4167</li>
   *   <li>k2 loyal (0.2/0.4/0.4): 0.2·16.667 + 0.4·62.5 + 0.4·87.5 = 63.3333</li>
   *   <li>k3 loyal, no survey: attitude null, weights renormalised: (0.4·37.5 + 0.4·62.5)/0.8 = 50</li>
   *   <li>k4 at_risk (0.4/0.3/0.3): 0.4·50 + 0.3·87.5 + 0.3·12.5 = 50</li>
   * </ul>
   */
  @Test
  void factorScoresAndStageWeights() {
    SparkSession spark = TestSpark.session();
    SegmentationConfig.Value cfg = TestSpark.section(SegmentationConfig.SECTION, "segmentation: {value: {attitude: [latest_nps], "
        + "behaviour: [frequency], consumption: [monetary], tiers: [{name: high, min: 60}, {name: medium, min: 50}, "
        + "{name: low, min: 0}], pareto_a: 80, pareto_b: 95}}").value();
    List<Row> rows = new ArrayList<>();
    for (Object[] r : new Object[][] {{"k1", "new", 10, 1L, 100.0}, {"k2", "loyal", 0, 3L, 300.0},
        {"k3", "loyal", null, 2L, 200.0}, {"k4", "at_risk", 5, 4L, 0.0}}) {
      rows.add(RowFactory.create(r));
    }
    Dataset<Row> c360 = spark.createDataFrame(rows, new StructType().add("customer_key", DataTypes.StringType)
        .add("lifecycle_stage", DataTypes.StringType).add("latest_nps", DataTypes.IntegerType)
        .add("frequency", DataTypes.LongType).add("monetary", DataTypes.DoubleType));
    Dataset<Row> rfm = revenues(spark, new String[] {"k1", "k2", "k3", "k4"}, new String[] {"100", "300", "200", "0"});
    Map<String, Row> by = new HashMap<>();
    Dataset<Row> value = ValueModel.build(c360, rfm, LocalDate.of(2026, 6, 30), cfg);
    value.collectAsList().forEach(r -> by.put(r.getAs("customer_key"), r));
    assertEquals(List.of(), io.cxlake.PlanCheck.unpartitionedWindowsOver(value, "customer_key"));

    assertEquals(83.3333, by.get("k1").<Double>getAs("attitude_score"), 1e-4);
    assertEquals(12.5, by.get("k1").<Double>getAs("behaviour_score"), EPS);
    assertEquals(37.5, by.get("k1").<Double>getAs("consumption_score"), EPS);
    assertEquals(0.5, by.get("k1").<Double>getAs("weight_attitude"), EPS);
    assertEquals(55.4167, by.get("k1").<Double>getAs("value_score"), 1e-4);
    assertEquals(63.3333, by.get("k2").<Double>getAs("value_score"), 1e-4);
    assertNull(by.get("k3").getAs("attitude_score"));
    assertEquals(50.0, by.get("k3").<Double>getAs("value_score"), 1e-4);
    assertEquals(50.0, by.get("k4").<Double>getAs("value_score"), 1e-4);
    assertEquals(0.4, by.get("k4").<Double>getAs("weight_attitude"), EPS);
    assertEquals("medium", by.get("k1").getAs("value_tier"));
    assertEquals("high", by.get("k2").getAs("value_tier"));
    assertEquals("medium", by.get("k3").getAs("value_tier"), "exactly at a tier's minimum: that tier");
  }

  /**
   * Nine ranked inputs and the Pareto class: each rank's histogram is counted over customer_360 as
   * read (1 relation), so the plan holds the base (customer_360 and RFM), one relation per rank
   * and the Pareto totals (customer_360 and RFM): 13. Counted over the frame with the earlier
   * ranks joined in, it held 2 × 2^10 = 2,048, and the driver spent seconds analysing it at every step.
   */
  @Test
  void thePlanGrowsLinearlyWithTheRankedInputs() {
    SparkSession spark = TestSpark.session();
    SegmentationConfig.Value cfg = TestSpark.section(SegmentationConfig.SECTION, "segmentation: {value: {"
        + "attitude: [latest_nps, csat_mean, ces_mean], behaviour: [frequency, orders_total, active_days_30d], "
        + "consumption: [monetary, aov, spend_trend], tiers: [{name: all, min: 0}], "
        + "pareto_a: 80, pareto_b: 95}}").value();
    StructType schema = new StructType().add("customer_key", DataTypes.StringType).add("lifecycle_stage", DataTypes.StringType);
    List<Object> values = new ArrayList<>(List.of("k1", "new"));
    for (String c : List.of("latest_nps", "csat_mean", "ces_mean", "frequency", "orders_total", "active_days_30d",
        "monetary", "aov", "spend_trend")) {
      schema = schema.add(c, DataTypes.DoubleType);
      values.add((double) values.size());
    }
    Dataset<Row> c360 = spark.createDataFrame(List.of(RowFactory.create(values.toArray())), schema);
    Dataset<Row> value = ValueModel.build(c360, revenues(spark, new String[] {"k1"}, new String[] {"10"}),
        LocalDate.of(2026, 6, 30), cfg);
    assertEquals(2 + 9 + 2, value.queryExecution().analyzed().collectLeaves().size());
    assertEquals(100.0, value.first().<Double>getAs("revenue_share_pct"), EPS);
  }

  static Dataset<Row> revenues(SparkSession spark, String[] keys, String[] amounts) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < keys.length; i++) {
      rows.add(RowFactory.create(keys[i], new BigDecimal(amounts[i])));
    }
    return spark.createDataFrame(rows, new StructType().add("customer_key", DataTypes.StringType)
        .add("monetary", DataTypes.createDecimalType(18, 2)));
  }

  /**
   * Revenues 50, 30, 10, 5, 3, 2, 0 (total 100). Revenue strictly above each: 0, 50, 80, 90, 95,
   * 98, 100 → A while below 80%: 50 and 30 (exactly the top 80%); B below 95%: 10 and 5 (the
   * next 15%); C: the rest, including no revenue.
   */
  @Test
  void paretoClassesOnAKnownRevenueDistribution() {
    SparkSession spark = TestSpark.session();
    String[] keys = {"r50", "r30", "r10", "r5", "r3", "r2", "r0"};
    Dataset<Row> rows = revenues(spark, keys, new String[] {"50", "30", "10", "5", "3", "2", "0"})
        .withColumnRenamed("monetary", "revenue");
    Map<String, Row> by = new HashMap<>();
    ValueModel.pareto(rows, rows, 80, 95).collectAsList().forEach(r -> by.put(r.getAs("customer_key"), r));
    String[] expected = {"A", "A", "B", "B", "C", "C", "C"};
    for (int i = 0; i < keys.length; i++) {
      assertEquals(expected[i], by.get(keys[i]).getAs("pareto_class"), keys[i]);
    }
    assertEquals(80.0, by.get("r30").<Double>getAs("cumulative_revenue_pct"), EPS);
    assertEquals(List.of(), io.cxlake.PlanCheck.unpartitionedWindowsOver(ValueModel.pareto(rows, rows, 80, 95), "customer_key"),
        "the running revenue sum runs over distinct revenues, not over customers");
    assertEquals(10.0, by.get("r10").<Double>getAs("revenue_share_pct"), EPS);

    // Ties share a class: 40, 40, 20 → both 40s are A (nothing above them), 20 has 80% above → B.
    Dataset<Row> tied = revenues(spark, new String[] {"x", "y", "z"}, new String[] {"40", "40", "20"})
        .withColumnRenamed("monetary", "revenue");
    Map<String, String> cls = new HashMap<>();
    ValueModel.pareto(tied, tied, 80, 95).collectAsList().forEach(r -> cls.put(r.getAs("customer_key"), r.getAs("pareto_class")));
    assertEquals(Map.of("x", "A", "y", "A", "z", "B"), cls);
  }
}
