package io.cxlake.drivers;

import io.cxlake.pipeline.Modules;
import io.cxlake.drivers.KeyDriverAnalysis.DriverResult;
import static org.apache.spark.sql.functions.*;
import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import io.cxlake.core.ConfigLoader;
import io.cxlake.core.CxlakeConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The key-driver statistics through the real Spark aggregation path, against results derived
 * independently: the published relative weights of the rwa package (R) on mtcars, an OLS by
 * Commons Math on the raw rows, and a logistic relative-weight analysis done the rwa_logit way
 * (SVD orthogonalisation, glm on the orthogonal scores) in numpy.
 */
class KeyDriverMethodsTest {
  /** mtcars: mpg, cyl, disp, hp, wt, am (R datasets, 32 cars). */
  static final double[][] MTCARS = {
      {21.0, 6, 160.0, 110, 2.620, 1}, {21.0, 6, 160.0, 110, 2.875, 1}, {22.8, 4, 108.0, 93, 2.320, 1},
      {21.4, 6, 258.0, 110, 3.215, 0}, {18.7, 8, 360.0, 175, 3.440, 0}, {18.1, 6, 225.0, 105, 3.460, 0},
      {14.3, 8, 360.0, 245, 3.570, 0}, {24.4, 4, 146.7, 62, 3.190, 0}, {22.8, 4, 140.8, 95, 3.150, 0},
      {19.2, 6, 167.6, 123, 3.440, 0}, {17.8, 6, 167.6, 123, 3.440, 0}, {16.4, 8, 275.8, 180, 4.070, 0},
      {17.3, 8, 275.8, 180, 3.730, 0}, {15.2, 8, 275.8, 180, 3.780, 0}, {10.4, 8, 472.0, 205, 5.250, 0},
      {10.4, 8, 460.0, 215, 5.424, 0}, {14.7, 8, 440.0, 230, 5.345, 0}, {32.4, 4, 78.7, 66, 2.200, 1},
      {30.4, 4, 75.7, 52, 1.615, 1}, {33.9, 4, 71.1, 65, 1.835, 1}, {21.5, 4, 120.1, 97, 2.465, 0},
      {15.5, 8, 318.0, 150, 3.520, 0}, {15.2, 8, 304.0, 150, 3.435, 0}, {13.3, 8, 350.0, 245, 3.840, 0},
      {19.2, 8, 400.0, 175, 3.845, 0}, {27.3, 4, 79.0, 66, 1.935, 1}, {26.0, 4, 120.3, 91, 2.140, 1},
      {30.4, 4, 95.1, 113, 1.513, 1}, {15.8, 8, 351.0, 264, 3.170, 1}, {19.7, 6, 145.0, 175, 2.770, 1},
      {15.0, 8, 301.0, 335, 3.570, 1}, {21.4, 4, 121.0, 109, 2.780, 1}};

  /** The default drivers settings with one outcome ({name: .., type: .., window_days: ..}), no slices, seed 7. */
  static DriversConfig config(String outcome, String name, int bootstrap, int minResponses) {
    return TestSpark.section(DriversConfig.SECTION, "drivers: {attributes: [], outcomes: [" + outcome + "], slices: [], "
        + "min_responses: " + minResponses + ", bootstrap: " + bootstrap + ", seed: 7}\njourney: {driver_outcome: " + name + "}");
  }

  /** Response-level rows as DriverData builds them: the given drivers, the noise column and one outcome. */
  static Dataset<Row> rows(SparkSession spark, double[][] data, int y, int[] drivers, int noise, String outcome) {
    StructType schema = new StructType().add("response_id", DataTypes.StringType).add("weight", DataTypes.DoubleType)
        .add(DriverData.y(outcome), DataTypes.DoubleType);
    for (int j = 0; j < drivers.length; j++) {
      schema = schema.add(DriverData.x(j), DataTypes.DoubleType);
    }
    schema = schema.add(DriverData.NOISE, DataTypes.DoubleType);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < data.length; i++) {
      Object[] v = new Object[3 + drivers.length + 1];
      v[0] = "R" + i;
      v[1] = 1.0;
      v[2] = data[i][y];
      for (int j = 0; j < drivers.length; j++) {
        v[3 + j] = data[i][drivers[j]];
      }
      v[v.length - 1] = data[i][noise];
      rows.add(RowFactory.create(v));
    }
    return spark.createDataFrame(rows, schema);
  }

  static Map<String, DriverResult> byDriver(List<DriverResult> results) {
    Map<String, DriverResult> m = new HashMap<>();
    results.forEach(r -> m.put(r.driver(), r));
    return m;
  }

  @Test
  void olsAndRelativeWeightsMatchPublishedMtcarsResults() {
    SparkSession spark = TestSpark.session();
    // mpg on cyl, disp, hp, with wt as the fourth regressor (it takes the noise probe's place)
    Dataset<Row> rows = rows(spark, MTCARS, 0, new int[] {1, 2, 3}, 4, "mpg");
    DriversConfig cfg = config("{name: mpg, type: nps}", "mpg", 20, 10);
    Map<String, DriverResult> r = byDriver(DriversStage.analyse(spark, rows, List.of("cyl", "disp", "hp"), List.of(), cfg,
        new HashMap<>()));
    // rwa::rwa_multiregress(mtcars, "mpg", c("cyl", "disp", "hp", "wt")): raw weights and R² 0.8486
    assertEquals(0.2096904, r.get("cyl").rawWeight(), 1e-6);
    assertEquals(0.1883043, r.get("disp").rawWeight(), 1e-6);
    assertEquals(0.1799590, r.get("hp").rawWeight(), 1e-6);
    assertEquals(0.2706812, r.get("cyl").noiseWeight(), 1e-6);
    assertEquals(0.8486348, r.get("cyl").rSquared(), 1e-6);
    // OLS on the raw rows by Commons Math: coefficients, standard errors, t-test p-values
    OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
    double[] yv = new double[32];
    double[][] xv = new double[32][4];
    for (int i = 0; i < 32; i++) {
      yv[i] = MTCARS[i][0];
      xv[i] = new double[] {MTCARS[i][1], MTCARS[i][2], MTCARS[i][3], MTCARS[i][4]};
    }
    ols.newSampleData(yv, xv);
    double[] b = ols.estimateRegressionParameters();
    double[] se = ols.estimateRegressionParametersStandardErrors();
    TDistribution t = new TDistribution(32 - 5);
    String[] names = {"cyl", "disp", "hp"};
    for (int j = 0; j < 3; j++) {
      double p = 2 * (1 - t.cumulativeProbability(Math.abs(b[j + 1] / se[j + 1])));
      assertEquals(p, r.get(names[j]).pValue(), 1e-9, names[j]);
      assertEquals(b[j + 1] * sd(xv, j) / sd(yv), r.get(names[j]).coefficient(), 1e-9, names[j]);
    }
    assertEquals(0.0589, r.get("cyl").pValue(), 1e-4); // summary(lm(mpg ~ cyl + disp + hp + wt))
    double total = r.values().stream().mapToDouble(DriverResult::rescaled).sum();
    assertEquals(100, total, 1e-9);
    assertEquals(1, r.get("cyl").rank());
    assertEquals(3, r.get("hp").rank());
  }

  @Test
  void logisticRelativeWeightsMatchTheRwaLogitProcedure() {
    SparkSession spark = TestSpark.session();
    // am (automatic 0 / manual 1) on disp, with hp as the second regressor
    Dataset<Row> rows = rows(spark, MTCARS, 5, new int[] {2}, 3, "manual");
    DriversConfig cfg = config("{name: manual, type: repurchase, window_days: 30}", "manual", 20, 10);
    DriverResult r = DriversStage.analyse(spark, rows, List.of("disp"), List.of(), cfg, new HashMap<>()).get(0);
    assertEquals("ok", r.status(), r.note());
    assertEquals("logistic", r.model());
    // numpy, the rwa_logit way: glm(am ~ disp + hp) = (1.40342203, -0.09517972, 0.12170173), se(disp) 0.04800304;
    // epsilon = (0.4704197, 0.16080429), R² = cor(y, p̂)² = 0.63122399
    assertEquals(0.4704197, r.rawWeight(), 1e-6);
    assertEquals(0.1608043, r.noiseWeight(), 1e-6);
    assertEquals(0.6312240, r.rSquared(), 1e-6);
    double sdDisp = sd(column(MTCARS, 2));
    assertEquals(-0.09517972 * sdDisp, r.coefficient(), 1e-6);
    assertEquals(2 * (1 - new org.apache.commons.math3.distribution.NormalDistribution()
        .cumulativeProbability(0.09517972 / 0.04800304)), r.pValue(), 1e-6);
  }

  @Test
  void noiseIsNotSignificantPlantedDriversAreAndIntervalsCoverTheEstimate() {
    SparkSession spark = TestSpark.session();
    // 4,000 responses: y = 1.0·a + 0.5·b + 0·c + N(0,1); ratings 1-5 from hash uniforms (same on every run)
    Dataset<Row> rows = spark.range(4000).select(col("id").cast("string").as("response_id"), lit(1.0).as("weight"))
        .withColumn(DriverData.x(0), rating("a")).withColumn(DriverData.x(1), rating("b"))
        .withColumn(DriverData.x(2), rating("c"))
        .withColumn(DriverData.NOISE, DriverData.standardNormal(col("response_id"), 99))
        .withColumn(DriverData.y("score"), col(DriverData.x(0)).plus(col(DriverData.x(1)).multiply(0.5))
            .plus(DriverData.standardNormal(col("response_id"), 5)));
    DriversConfig cfg = config("{name: score, type: nps}", "score", 200, 100);
    Map<String, DriverResult> r = byDriver(DriversStage.analyse(spark, rows, List.of("a", "b", "c"), List.of(), cfg,
        new HashMap<>()));
    assertTrue(r.get("a").significant());
    assertTrue(r.get("b").significant());
    assertFalse(r.get("c").significant(), "a pure-noise attribute: " + r.get("c"));
    assertTrue(r.get("c").overNoiseCiLow() <= 0, "its interval over the probe includes 0");
    assertTrue(r.get("b").overNoiseCiLow() > 0);
    assertEquals(200, r.get("a").resamples());
    for (String d : List.of("a", "b", "c")) {
      DriverResult x = r.get(d);
      assertTrue(x.rawCiLow() <= x.rawWeight() && x.rawWeight() <= x.rawCiHigh(), d + ": " + x);
      assertTrue(x.rescaledCiLow() <= x.rescaled() && x.rescaled() <= x.rescaledCiHigh(), d + ": " + x);
    }
    assertTrue(r.get("a").rawCiHigh() - r.get("a").rawCiLow() > 0.005, "intervals have width");
    assertEquals(1, r.get("a").rank());
    assertEquals(3, r.get("c").rank());
  }

  @Test
  void penaltyAndRewardSeparateDissatisfiersFromDelighters() {
    SparkSession spark = TestSpark.session();
    // d only hurts when poor (1-2), e only delights when excellent (5), f moves the outcome linearly
    Dataset<Row> rows = spark.range(3000).select(col("id").cast("string").as("response_id"), lit(1.0).as("weight"))
        .withColumn(DriverData.x(0), rating("d")).withColumn(DriverData.x(1), rating("e"))
        .withColumn(DriverData.x(2), rating("f"))
        .withColumn(DriverData.NOISE, DriverData.standardNormal(col("response_id"), 3))
        .withColumn(DriverData.y("score"), lit(6.0)
            .minus(when(col(DriverData.x(0)).leq(2), 3.0).otherwise(0.0))
            .plus(when(col(DriverData.x(1)).geq(5), 3.0).otherwise(0.0))
            .plus(col(DriverData.x(2)).minus(3).multiply(1.0))
            .plus(DriverData.standardNormal(col("response_id"), 4).multiply(0.5)));
    DriversConfig cfg = config("{name: score, type: nps}", "score", 20, 100);
    Map<String, DriverResult> r = byDriver(DriversStage.analyse(spark, rows, List.of("d", "e", "f"), List.of(), cfg,
        new HashMap<>()));
    assertEquals(3.0, r.get("d").kanoPenalty(), 0.1);
    assertEquals(0.0, r.get("d").kanoReward(), 0.1);
    assertEquals(0.0, r.get("e").kanoPenalty(), 0.1);
    assertEquals(3.0, r.get("e").kanoReward(), 0.1);
    // linear in f: poor (mean 1.5) vs middle (3.5) = −2; excellent (5) vs middle = +1.5
    assertEquals(2.0, r.get("f").kanoPenalty(), 0.1);
    assertEquals(1.5, r.get("f").kanoReward(), 0.1);
    assertEquals("dissatisfier", r.get("d").kanoClass());
    assertEquals("delighter", r.get("e").kanoClass());
    assertEquals("performance", r.get("f").kanoClass());
    // performance: mean rating rescaled; uniform ratings 1-5 have mean 3 = 50
    assertEquals(50, r.get("d").performance(), 3);
    assertEquals(20, r.get("d").top2Pct() / 2, 3);
  }

  /** A rating 1-5, uniform, from a hash of the row id and a salt. */
  private static org.apache.spark.sql.Column rating(String salt) {
    return floor(DriverData.uniform(col("response_id"), lit(salt)).multiply(5)).plus(1).cast("double");
  }

  private static double[] column(double[][] data, int c) {
    double[] v = new double[data.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = data[i][c];
    }
    return v;
  }

  private static double sd(double[][] x, int j) {
    double[] v = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      v[i] = x[i][j];
    }
    return sd(v);
  }

  /** Population standard deviation (the ratio of two of them is what standardization needs). */
  private static double sd(double[] v) {
    double m = java.util.Arrays.stream(v).average().orElseThrow();
    return Math.sqrt(java.util.Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / v.length);
  }
}
