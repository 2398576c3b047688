package io.cxlake.alerts;

import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Wald, adjusted-Wald, two-proportion and mean tests against hand computations. */
class AlertTestsTest {
  private static SparkSession spark;

  @BeforeAll
  static void session() {
    spark = TestSpark.session();
  }

  private static Row eval(org.apache.spark.sql.Column... cols) {
    return spark.range(1).select(cols).first();
  }

  @Test
  void waldTestOfAnNpsDifference() {
    // NPS 20 (pP .5, pD .3, n 10) vs NPS −10 with SE 20: z = 30 / sqrt(27.5681² + 20²) = 0.8808
    Row r = eval(AlertTests.npsSe(lit(0.5), lit(0.3), lit(10.0)).as("se"),
        AlertTests.waldZ(lit(20.0), AlertTests.npsSe(lit(0.5), lit(0.3), lit(10.0)), lit(-10.0), lit(20.0)).as("z"));
    assertEquals(27.5681, r.getDouble(0), 1e-3);
    assertEquals(0.88083, r.getDouble(1), 1e-4);
  }

  @Test
  void adjustedWaldAddsThreeResponsesSplit075_15_075() {
    // 5 promoters, 2 passives, 3 detractors of 10 -> (5.75, 3.5, 3.75) of 13
    Row r = eval(AlertTests.adjustedShare(lit(0.5), lit(10.0)).as("p"), AlertTests.adjustedShare(lit(0.3), lit(10.0)).as("d"));
    assertEquals(5.75 / 13, r.getDouble(0), 1e-12);
    assertEquals(3.75 / 13, r.getDouble(1), 1e-12);
    Row n = eval(AlertTests.nps(lit(r.getDouble(0)), lit(r.getDouble(1))), AlertTests.npsSe(lit(r.getDouble(0)), lit(r.getDouble(1)), lit(13.0)));
    assertEquals(15.3846, n.getDouble(0), 1e-3);
    assertEquals(23.3222, n.getDouble(1), 1e-3);
  }

  @Test
  void twoProportionTestUsesThePooledProportion() {
    // 30/50 vs 20/50: pooled .5, se = sqrt(.25·(1/50 + 1/50)) = .1, z = 2
    Row r = eval(AlertTests.twoProportionZ(lit(30.0), lit(50.0), lit(20.0), lit(50.0)));
    assertEquals(2.0, r.getDouble(0), 1e-12);
  }

  @Test
  void twoSidedPValuesMatchTheNormalDistribution() {
    NormalDistribution normal = new NormalDistribution();
    for (double z : new double[] {0, 0.5, 0.8808, 1.96, 2.0, 2.576, 3.29, -4.0, 6.0}) {
      double expected = 2 * (1 - normal.cumulativeProbability(Math.abs(z)));
      double p = eval(AlertTests.twoSidedP(lit(z))).getDouble(0);
      assertEquals(expected, p, 2e-7, "z = " + z);
    }
  }

  @Test
  void zOfMeansIsUndefinedWithoutSpread() {
    Row r = spark.range(1).select(AlertTests.waldZ(lit(4.0), lit(0.0), lit(3.0), lit(0.0)).as("z")).first();
    assertTrue(r.isNullAt(0));
  }
}
