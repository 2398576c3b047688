package io.cxlake.segment;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class AdjustedRandTest {
  private static Dataset<Row> labels(int[] a, int[] b) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < a.length; i++) {
      rows.add(RowFactory.create(a[i], b[i]));
    }
    return TestSpark.session().createDataFrame(rows, new StructType().add("a", DataTypes.IntegerType).add("b", DataTypes.IntegerType));
  }

  /**
   * a = 000111, b = 001122. Contingency cells 2,1,1,2 → Σ C(n_ij,2) = 2; rows 3,3 → 6;
   * columns 2,2,2 → 3; C(6,2) = 15; expected = 6·3/15 = 1.2; max = 4.5;
   * ARI = (2 − 1.2)/(4.5 − 1.2) = 0.242424... (as sklearn's adjusted_rand_score).
   */
  @Test
  void handComputedExample() {
    assertEquals(0.8 / 3.3, AdjustedRand.of(labels(new int[] {0, 0, 0, 1, 1, 1}, new int[] {0, 0, 1, 1, 2, 2}), "a", "b"), 1e-12);
  }

  @Test
  void identicalPartitionsUnderOtherNamesScoreOne() {
    assertEquals(1.0, AdjustedRand.of(labels(new int[] {0, 0, 1, 1, 2, 2}, new int[] {5, 5, 3, 3, 9, 9}), "a", "b"), 1e-12);
  }

  @Test
  void anUnrelatedPartitionScoresAtMostNearZero() {
    // Every a-cluster split evenly over every b-cluster: no agreement beyond chance (ARI < 0).
    double ari = AdjustedRand.of(labels(new int[] {0, 0, 1, 1}, new int[] {0, 1, 0, 1}), "a", "b");
    assertEquals(-0.5, ari, 1e-12);
  }
}
