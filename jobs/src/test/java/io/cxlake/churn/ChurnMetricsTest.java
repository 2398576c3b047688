package io.cxlake.churn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cxlake.TestSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Metrics on 20 hand-made scores: p_i = (i - 0.5) / 20 for i = 1..20; churners i = 9, 13, 16, 18, 19, 20. */
class ChurnMetricsTest {
  private static final Set<Integer> CHURNERS = Set.of(9, 13, 16, 18, 19, 20);

  private static Dataset<Row> scores() {
    List<Row> rows = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      rows.add(RowFactory.create((i - 0.5) / 20, CHURNERS.contains(i) ? 1.0 : 0.0));
    }
    return TestSpark.session().createDataFrame(rows, new StructType()
        .add("p", DataTypes.DoubleType).add("label", DataTypes.DoubleType));
  }

  @Test
  void aucCountsTheOrderedPairs() {
    // Negatives below each churner: 14, 14, 14, 13, 11, 8 of 6 x 14 pairs.
    assertEquals(74.0 / 84.0, ChurnMetrics.aucRoc(scores(), "p", "label"), 1e-9);
  }

  @Test
  void brierIsTheMeanSquaredError() {
    double sum = 0;
    for (int i = 1; i <= 20; i++) {
      double p = (i - 0.5) / 20;
      sum += Math.pow(p - (CHURNERS.contains(i) ? 1 : 0), 2);
    }
    // By hand: churners 0.54375 (e.g. i = 9: (0.425 - 1)^2 = 0.330625); stayers: sum of all p^2
    // = 2665/400 = 6.6625 minus the churners' p^2 3.74375 = 2.91875.
    assertEquals(0.54375 + 2.91875, sum, 1e-9);
    assertEquals(3.4625 / 20, ChurnMetrics.brier(scores(), "p", "label"), 1e-9);
  }

  @Test
  void decilesGiveLiftCaptureAndCalibration() {
    double[] edges = ChurnMetrics.decileEdges(scores(), "p");
    // Actual values: the 2nd, 4th, ... 18th smallest.
    assertArrayEquals(new double[] {0.075, 0.175, 0.275, 0.375, 0.475, 0.575, 0.675, 0.775, 0.875}, edges, 1e-12);
    List<ChurnMetrics.Decile> d = ChurnMetrics.deciles(scores(), "p", "label");
    assertEquals(10, d.size());
    long[] churners = d.stream().mapToLong(ChurnMetrics.Decile::churners).toArray();
    assertArrayEquals(new long[] {2, 1, 1, 1, 0, 1, 0, 0, 0, 0}, churners);
    ChurnMetrics.Decile first = d.get(0);
    assertEquals(1, first.decile());
    assertEquals(2, first.customers());
    assertEquals(0.95, first.meanPredicted(), 1e-12); // (0.925 + 0.975) / 2
    assertEquals(1.0, first.observedRate(), 1e-12);
    assertEquals(1.0 / 0.3, first.lift(), 1e-9); // overall churn rate 6/20
    assertEquals(100.0 * 2 / 6, first.capturePct(), 1e-9);
    ChurnMetrics.Decile second = d.get(1);
    assertEquals(0.5 / 0.3, second.lift(), 1e-9);
    assertEquals(50.0, second.cumulativeCapturePct(), 1e-9);
    assertEquals((3.0 / 4) / 0.3, second.cumulativeLift(), 1e-9);
    assertEquals(100.0, d.get(9).cumulativeCapturePct(), 1e-9);
    assertEquals(0.05, d.get(9).meanPredicted(), 1e-12); // (0.025 + 0.075) / 2
  }

  @Test
  void psiOfKnownSharesAndOfAShiftedPopulation() {
    double[] expected = {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1};
    double[] actual = {0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.0};
    // 0.1 ln 2 + (0.0001 - 0.1) ln(0.0001 / 0.1): the empty bin counts at the 1e-4 floor.
    assertEquals(0.0693147181 + 0.6900847524, ChurnMetrics.psi(expected, actual), 1e-9);
    assertEquals(0.0, ChurnMetrics.psi(expected, expected), 1e-15);

    double[] edges = ChurnMetrics.decileEdges(scores(), "p");
    assertArrayEquals(expected, ChurnMetrics.binShares(scores(), "p", edges), 1e-12);
    // Everyone scored above the top edge: all in bin 1.
    Dataset<Row> shifted = scores().selectExpr("p * 0 + 0.99 AS p", "label");
    double[] shares = ChurnMetrics.binShares(shifted, "p", edges);
    assertEquals(1.0, shares[0], 1e-12);
    assertEquals(0.9 * Math.log(1.0 / 0.1) + 9 * (0.0001 - 0.1) * Math.log(0.0001 / 0.1),
        ChurnMetrics.psi(expected, shares), 1e-9);
  }

  @Test
  void plattScalingRecoversAKnownLogisticCurve() {
    // Grouped data drawn exactly on P = sigmoid(2 s - 1): rates 1/(1+e^-(2s-1)) as fractions of 1000 rows.
    List<Row> rows = new ArrayList<>();
    for (double s : new double[] {-1, 0, 0.5, 1, 2}) {
      long churners = Math.round(1000 / (1 + Math.exp(-(2 * s - 1))));
      for (int i = 0; i < 1000; i++) {
        rows.add(RowFactory.create(s, i < churners ? 1.0 : 0.0));
      }
    }
    Dataset<Row> df = TestSpark.session().createDataFrame(rows, new StructType()
        .add("s", DataTypes.DoubleType).add("label", DataTypes.DoubleType));
    ChurnModels.Platt p = ChurnModels.Platt.fit(df, "s", "label");
    assertEquals(2.0, p.slope(), 0.01);
    assertEquals(-1.0, p.intercept(), 0.01);
  }
}
