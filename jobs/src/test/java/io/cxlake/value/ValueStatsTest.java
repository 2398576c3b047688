package io.cxlake.value;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
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

/**
 * The statistics of the value stage against independent references: the robust regression and
 * the Wilson interval against statsmodels 0.13.5 (Debian's python3-statsmodels; the script is in
 * the comments), the bootstrap against normal theory, the NPS shift and the driver value chain
 * by hand, and the roll-ups' reconciliation with the customer rows.
 */
class ValueStatsTest {
  private static final ValueConfig CONFIG = new ValueConfig(1000, 0.95, 12, 3, 7L);

  /**
   * 60 rows, three NPS groups, heteroskedastic noise. Reference (python3, statsmodels):
   * <pre>
   * for i in range(60): g = ["promoter","passive","detractor"][i%3]; tenure = (i*7%11)/2; ls = ((i*13)%17)/4
   *   noise = ((i*37)%23) - 11 + (((i*5)%7)*2 if g == "detractor" else 0)
   *   y = 100 + 20*(g=="promoter") - 30*(g=="detractor") + 5*tenure + 3*ls + noise
   * sm.OLS(y, [1, promoter, detractor, tenure, ls]).fit(cov_type="HC1", use_t=True)
   * </pre>
   */
  private static Dataset<Row> regressionRows(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      String g = List.of("promoter", "passive", "detractor").get(i % 3);
      double tenure = (i * 7 % 11) / 2.0;
      double ls = ((i * 13) % 17) / 4.0;
      double noise = ((i * 37) % 23) - 11 + (g.equals("detractor") ? ((i * 5) % 7) * 2 : 0);
      double y = 100 + (g.equals("promoter") ? 20 : 0) - (g.equals("detractor") ? 30 : 0) + 5 * tenure + 3 * ls + noise;
      rows.add(RowFactory.create("c" + i, g, tenure, ls, y));
    }
    StructType schema = new StructType().add("customer_key", DataTypes.StringType).add("nps_group", DataTypes.StringType)
        .add("tenure_years", DataTypes.DoubleType).add("log_spend", DataTypes.DoubleType).add("clv", DataTypes.DoubleType);
    return spark.createDataFrame(rows, schema);
  }

  @Test
  void robustRegressionMatchesStatsmodelsHc1() {
    Dataset<Row> rows = regressionRows(TestSpark.session());
    RobustOls.Fit fit = RobustOls.fit(rows.withColumn("p", rows.col("nps_group").equalTo("promoter").cast("double"))
        .withColumn("d", rows.col("nps_group").equalTo("detractor").cast("double")), "clv",
        List.of("p", "d", "tenure_years", "log_spend"));
    double[] beta = {99.15419741292, 21.045083609942, -23.686254366929, 4.802128649067, 3.413258193845};
    double[] se = {2.707022787979, 2.176840445227, 2.51936038156, 0.615953591724, 0.841234676439};
    double[] p = {2.560265402243e-40, 1.845959492266e-13, 4.850316028257e-13, 1.874836383938e-10, 1.580368388598e-04};
    for (int j = 0; j < beta.length; j++) {
      assertEquals(beta[j], fit.beta()[j], 1e-8, "beta " + j);
      assertEquals(se[j], fit.se()[j], 1e-8, "se " + j);
      assertEquals(p[j], fit.pValue()[j], p[j] * 1e-5 + 1e-15, "p " + j);
    }
    assertArrayEquals(new double[] {16.682597874852, 25.407569345031}, fit.interval(1, 0.95), 1e-8);
  }

  @Test
  void adjustedDifferencesAreThoseOfTheRegressionWithPassivesAsReference() {
    Dataset<Row> rows = regressionRows(TestSpark.session());
    Map<String, double[]> sums = ExperienceValue.groupSums(rows, "clv");
    assertEquals(20, sums.get("detractor")[0]);
    ExperienceValue.Adjusted a = ExperienceValue.adjusted(rows, "clv", sums, CONFIG);
    assertNull(a.problem());
    assertEquals(0.0, a.byGroup().get("passive").estimate());
    assertEquals(21.045083609942, a.byGroup().get("promoter").estimate(), 1e-8);
    assertEquals(-28.735165393093, a.byGroup().get("detractor").low(), 1e-8);
    assertEquals(-18.637343340765, a.byGroup().get("detractor").high(), 1e-8);
    assertFalse(a.byGroup().containsKey("not surveyed"), "a group without customers is not in the model");

    ExperienceValue.Adjusted none = ExperienceValue.adjusted(rows, "clv", sums, new ValueConfig(1000, 0.95, 12, 21, 7L));
    assertTrue(none.byGroup().isEmpty());
    assertTrue(none.problem().startsWith("fewer than 21 passives (20)"), none.problem());
  }

  @Test
  void wilsonIntervalMatchesStatsmodels() {
    // proportion_confint(37, 80, 0.05, method="wilson"), proportion_confint(0, 25, ...)
    assertArrayEquals(new double[] {0.35747993562785246, 0.5709564240873121}, Proportions.wilson(37, 80, 0.95), 1e-12);
    assertArrayEquals(new double[] {0.0, 0.13319225093904855}, Proportions.wilson(0, 25, 0.95), 1e-12);
  }

  @Test
  void bootstrapIntervalOfAMeanAgreesWithNormalTheory() {
    int n = 400;
    double[][] num = new double[1][GroupBootstrap.BUCKETS];
    double[][] den = new double[1][GroupBootstrap.BUCKETS];
    double sum = 0;
    double sumSq = 0;
    for (int i = 0; i < n; i++) {
      double v = Math.pow((i * 7919 % 1000) / 100.0, 2); // skewed, 0..99.8
      num[0][i] = v;
      den[0][i] = 1;
      sum += v;
      sumSq += v * v;
    }
    double mean = sum / n;
    double half = 1.959964 * Math.sqrt((sumSq / n - mean * mean) / n);
    double[] ci = GroupBootstrap.intervals(num, den, 4000, 0.95, 11)[0];
    assertTrue(ci[0] < mean && mean < ci[1], mean + " in " + ci[0] + ".." + ci[1]);
    assertEquals(mean - half, ci[0], 0.1 * half);
    assertEquals(mean + half, ci[1], 0.1 * half);
    assertArrayEquals(ci, GroupBootstrap.intervals(num, den, 4000, 0.95, 11)[0], "the same seed, the same interval");
  }

  @Test
  void npsShiftMovesTheBoundaryAnswersByTheFraction() {
    long[] counts = {0, 0, 0, 0, 0, 0, 10, 10, 10, 10, 10};
    assertArrayEquals(new double[] {0.4, 0.2}, NpsShift.shares(counts, 0), 1e-12);
    // +0.4: 40% of the 8s become promoters, 40% of the 6s stop being detractors
    assertArrayEquals(new double[] {0.48, 0.12}, NpsShift.shares(counts, 0.4), 1e-12);
    // +1.5: all 8s and half the 7s promote; all 6s leave the detractors
    assertArrayEquals(new double[] {0.7, 0.0}, NpsShift.shares(counts, 1.5), 1e-12);
    assertArrayEquals(new double[] {0.3, 0.3}, NpsShift.shares(counts, -0.5), 1e-12);
  }

  @Test
  void driverValueChainByHand() {
    long[] counts = {0, 0, 0, 0, 0, 0, 10, 10, 10, 10, 10};
    Map<String, ExperienceValue.Difference> diff = new HashMap<>();
    diff.put("passive", ExperienceValue.Difference.ZERO);
    diff.put("promoter", new ExperienceValue.Difference(100.0, 80.0, 120.0, 0.001));
    diff.put("detractor", new ExperienceValue.Difference(-50.0, -70.0, -30.0, 0.01));
    LocalDate day = LocalDate.of(2025, 6, 30);
    List<Row> rows = DriverValue.rows(day, List.of(new DriverValue.Driver("reliability", day, 30.0, true, 0.4, 0.001),
        new DriverValue.Driver("empathy", day, 10.0, false, null, null)), counts, new ExperienceValue.Adjusted(diff, null));
    Row r = rows.get(0);
    assertEquals(50L, r.getLong(7));
    assertEquals(40.0, r.getDouble(8), 1e-9);
    assertEquals(20.0, r.getDouble(9), 1e-9);
    assertEquals(8.0, r.getDouble(10), 1e-9);
    assertEquals(-8.0, r.getDouble(11), 1e-9);
    assertEquals(16.0, r.getDouble(12), 1e-9);
    // 50 customers x (0.08 x 100 + (−0.08) x (−50)) = 600
    assertEquals(600.0, r.getDouble(15), 1e-9);
    assertTrue(rows.get(1).isNullAt(15));
    assertEquals("the driver model has no coefficient for this driver", rows.get(1).getString(16));
  }

  @Test
  void rollupsReconcileWithTheCustomerRows() {
    SparkSession spark = TestSpark.session();
    List<Row> rows = new ArrayList<>();
    double clvTotal = 0;
    double varTotal = 0;
    for (int i = 0; i < 90; i++) {
      double clv = 10 + (i * 31 % 50);
      Double churn = i % 10 == 0 ? null : (i % 7) / 10.0;
      Double var = churn == null ? null : churn * clv;
      clvTotal += clv;
      varTotal += var == null ? 0 : var;
      rows.add(RowFactory.create("k" + i, clv, var, ValueContracts.NPS_GROUPS.get(i % 4), "seg" + (i % 3), "cluster" + (i % 2),
          i < 5 ? "tiny" : "big"));
    }
    StructType schema = new StructType().add("customer_key", DataTypes.StringType).add("clv", DataTypes.DoubleType)
        .add("value_at_risk", DataTypes.DoubleType).add("nps_group", DataTypes.StringType)
        .add("rfm_segment", DataTypes.StringType).add("cluster", DataTypes.StringType).add("region", DataTypes.StringType);
    List<Row> out = ValueAtRisk.rollup(ValueAtRisk.bucketSums(spark.createDataFrame(rows, schema), 7).collectAsList(),
        new ValueConfig(500, 0.95, 12, 10, 7L), LocalDate.of(2025, 6, 30));
    Row all = out.stream().filter(r -> r.getString(1).equals("all")).findFirst().orElseThrow();
    assertEquals(90L, all.getLong(3));
    assertEquals(81L, all.getLong(4));
    assertEquals(clvTotal, all.getDouble(5), 1e-9);
    assertEquals(varTotal, all.getDouble(9), 1e-9);
    for (String dimension : ValueContracts.DIMENSIONS) {
      List<Row> groups = out.stream().filter(r -> r.getString(1).equals(dimension)).toList();
      assertEquals(90L, groups.stream().mapToLong(r -> r.getLong(3)).sum(), dimension);
      assertEquals(clvTotal, groups.stream().mapToDouble(r -> r.getDouble(5)).sum(), 1e-9, dimension);
      assertEquals(varTotal, groups.stream().mapToDouble(r -> r.getDouble(9)).sum(), 1e-9, dimension);
      for (Row g : groups) {
        assertEquals(g.getDouble(5) / g.getLong(3), g.getDouble(6), 1e-9);
        if (g.getLong(3) >= 10) {
          assertTrue(g.getDouble(7) <= g.getDouble(6) && g.getDouble(6) <= g.getDouble(8), g.toString());
          assertEquals(500, g.getInt(16));
        } else {
          assertTrue(g.isNullAt(7), "a group below value.min_group_customers gets no interval: " + g);
          assertEquals(0, g.getInt(16));
        }
      }
    }
    assertEquals(1 + 4 + 3 + 2 + 2, out.size(), "groups: all, 4 NPS, 3 segments, 2 clusters, 2 regions");
  }
}
