package io.cxlake.churn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The driver-fit reference tests' last check: every row's class probabilities equal the reference's. */
final class SameProbabilities {
  private SameProbabilities() {}

  /** Each row's probability vector from {@code driver} equals {@code reference}'s to 1e-9. */
  static void assertSameProbabilities(Transformer reference, Transformer driver, Dataset<Row> rows, String what) {
    List<Row> expected = reference.transform(rows).select("customer_key", "probability").orderBy("customer_key")
        .collectAsList();
    List<Row> actual = driver.transform(rows).select("customer_key", "probability").orderBy("customer_key")
        .collectAsList();
    assertEquals(expected.size(), actual.size(), what);
    for (int i = 0; i < expected.size(); i++) {
      Vector a = (Vector) expected.get(i).get(1);
      Vector b = (Vector) actual.get(i).get(1);
      assertEquals(a.size(), b.size(), what);
      for (int k = 0; k < a.size(); k++) {
        assertEquals(a.apply(k), b.apply(k), 1e-9, what + " probability " + k + " of " + expected.get(i).get(0));
      }
    }
  }
}
