package io.cxlake.drivers;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/**
 * Poisson-bootstrap sums in one pass: for every row, every resample b = 0..B and every term t,
 * {@code S[g][b][t] += w·k_b·term_t}, where g is the row's group, w its weight and k_b its
 * Poisson(1) resampling count (k_0 = 1, the full sample). Each partition fills one array per
 * group it meets, and the arrays are added up per group across partitions: no row reaches the
 * driver, and neither memory nor what the driver receives grows with the partition count.
 * This replaces exploding every row into B+1 rows and a group-by, which cost about five times
 * more here (docs/drivers.md#performance).
 */
final class BootstrapSums {
  private BootstrapSums() {}

  /** Cumulative Poisson(1) probabilities P(K ≤ k), k = 0..11. */
  private static final double[] POISSON_CDF;

  static {
    POISSON_CDF = new double[12];
    double p = Math.exp(-1);
    double sum = 0;
    for (int k = 0; k < POISSON_CDF.length; k++) {
      sum += p;
      POISSON_CDF[k] = sum;
      p /= (k + 1);
    }
  }

  /**
   * The resampling count of a row in resample b: inversion of a uniform from a SplitMix64 hash of
   * (row hash, b). Deterministic: the same response gets the same count in every group and run.
   */
  static int poisson(long rowHash, int b) {
    if (b == 0) {
      return 1;
    }
    long z = rowHash + 0x9E3779B97F4A7C15L * (b + 1L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z = z ^ (z >>> 31);
    double u = (z >>> 11) * 0x1.0p-53;
    for (int k = 0; k < POISSON_CDF.length; k++) {
      if (u < POISSON_CDF[k]) {
        return k;
      }
    }
    return POISSON_CDF.length;
  }

  /** The sums of one pass: term sums, Σ(w·k)² and the count of rows with k > 0, per group and resample. */
  static final class Sums {
    private final int terms;
    private final GroupSums[] byGroup;

    Sums(int groups, int terms) {
      this.terms = terms;
      this.byGroup = new GroupSums[groups];
    }

    /** The term sums of group g in resample b (zeros when no row fell in the group). */
    double[] terms(int g, int b) {
      double[] out = new double[terms];
      if (byGroup[g] != null) {
        System.arraycopy(byGroup[g].sums, b * terms, out, 0, terms);
      }
      return out;
    }

    double sumW2(int g, int b) {
      return byGroup[g] == null ? 0 : byGroup[g].sumW2[b];
    }

    long n(int g, int b) {
      return byGroup[g] == null ? 0 : byGroup[g].n[b];
    }
  }

  /** One group's sums over all resamples: term sums (resample-major), Σ(w·k)², rows with k > 0. */
  static final class GroupSums implements Serializable {
    final double[] sums;
    final double[] sumW2;
    final long[] n;

    GroupSums(int resamples, int terms) {
      this.sums = new double[resamples * terms];
      this.sumW2 = new double[resamples];
      this.n = new long[resamples];
    }

    GroupSums add(GroupSums o) {
      for (int i = 0; i < sums.length; i++) {
        sums[i] += o.sums[i];
      }
      for (int i = 0; i < sumW2.length; i++) {
        sumW2[i] += o.sumW2[i];
        n[i] += o.n[i];
      }
      return this;
    }
  }

  /**
   * @param rows columns gid (int, 0..groups-1), row_hash (long), w (double), t (array of {@code terms} doubles)
   */
  static Sums compute(Dataset<Row> rows, int groups, int terms, int bootstrap) {
    int resamples = bootstrap + 1;
    JavaRDD<Row> input = rows.select("gid", "row_hash", "w", "t").javaRDD();
    // each partition holds buffers for the groups its rows fall in only; they are added up per
    // group on the executors, so the driver receives each group once (the result's size),
    // whatever the number of partitions
    int reducers = Math.max(1, Math.min(groups, input.getNumPartitions()));
    Sums out = new Sums(groups, terms);
    for (Tuple2<Integer, GroupSums> g : input.mapPartitionsToPair(new Accumulate(resamples, terms))
        .reduceByKey(GroupSums::add, reducers).collect()) {
      out.byGroup[g._1()] = g._2();
    }
    return out;
  }

  private static final class Accumulate implements PairFlatMapFunction<Iterator<Row>, Integer, GroupSums> {
    private final int resamples;
    private final int terms;

    Accumulate(int resamples, int terms) {
      this.resamples = resamples;
      this.terms = terms;
    }

    @Override
    public Iterator<Tuple2<Integer, GroupSums>> call(Iterator<Row> it) {
      Map<Integer, GroupSums> byGroup = new HashMap<>();
      double[] t = new double[terms];
      while (it.hasNext()) {
        Row r = it.next();
        GroupSums s = byGroup.computeIfAbsent(r.getInt(0), g -> new GroupSums(resamples, terms));
        long hash = r.getLong(1);
        double w = r.getDouble(2);
        List<Double> values = r.getList(3);
        for (int i = 0; i < terms; i++) {
          Double v = values.get(i);
          t[i] = v == null ? Double.NaN : v;
        }
        for (int b = 0; b < resamples; b++) {
          int k = poisson(hash, b);
          if (k == 0) {
            continue;
          }
          double wk = w * k;
          int base = b * terms;
          for (int i = 0; i < terms; i++) {
            s.sums[base + i] += wk * t[i];
          }
          s.sumW2[b] += wk * wk;
          s.n[b]++;
        }
      }
      List<Tuple2<Integer, GroupSums>> out = new ArrayList<>(byGroup.size());
      byGroup.forEach((g, s) -> out.add(new Tuple2<>(g, s)));
      return out.iterator();
    }
  }
}
