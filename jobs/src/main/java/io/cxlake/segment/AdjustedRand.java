package io.cxlake.segment;

import static org.apache.spark.sql.functions.*;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Adjusted Rand index (Hubert & Arabie 1985) of two labelings of the same items: 1 for
 * identical partitions (up to renaming), about 0 for chance agreement. Spark computes the
 * contingency table (at most k₁ × k₂ rows); the formula runs on the driver.
 */
public final class AdjustedRand {
  private AdjustedRand() {}

  /** ARI of columns {@code a} and {@code b} of {@code rows} (rows with a null label are left out). */
  public static double of(Dataset<Row> rows, String a, String b) {
    List<Row> cells = rows.where(col(a).isNotNull().and(col(b).isNotNull())).groupBy(a, b).count().collectAsList();
    Map<Object, Long> rowSums = new HashMap<>();
    Map<Object, Long> colSums = new HashMap<>();
    long[] counts = new long[cells.size()];
    for (int i = 0; i < cells.size(); i++) {
      Row r = cells.get(i);
      counts[i] = r.getLong(2);
      rowSums.merge(r.get(0), counts[i], Long::sum);
      colSums.merge(r.get(1), counts[i], Long::sum);
    }
    return fromCounts(counts, rowSums.values().stream().mapToLong(Long::longValue).toArray(),
        colSums.values().stream().mapToLong(Long::longValue).toArray());
  }

  /** ARI from the contingency cells n_ij and the marginals a_i, b_j. */
  static double fromCounts(long[] cells, long[] rowSums, long[] colSums) {
    long n = 0;
    for (long a : rowSums) {
      n += a;
    }
    double index = 0;
    for (long c : cells) {
      index += pairs(c);
    }
    double sumA = 0;
    for (long a : rowSums) {
      sumA += pairs(a);
    }
    double sumB = 0;
    for (long b : colSums) {
      sumB += pairs(b);
    }
    double expected = sumA * sumB / pairs(n);
    double max = (sumA + sumB) / 2;
    if (max == expected) {
      return 1.0; // both partitions trivial (one cluster, or all singletons): identical
    }
    return (index - expected) / (max - expected);
  }

  private static double pairs(long n) {
    return n * (n - 1) / 2.0;
  }
}
