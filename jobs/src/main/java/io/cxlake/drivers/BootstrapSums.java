package io.cxlake.drivers;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Poisson-bootstrap sums in one pass: for every row, every resample b = 0..B and every term t,
 * {@code S[g][b][t] += w·k_b·term_t}, where g is the row's group, w its weight and k_b its
 * Poisson(1) resampling count (k_0 = 1, the full sample). Each partition fills one dense array
 * and the arrays are added up by a tree reduction, as MLlib aggregates gradients: no row
 * reaches the driver. This replaces exploding every row into B+1 rows and a group-by, which
 * cost about five times more here (docs/drivers.md#performance).
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
  static final class Sums implements Serializable {
    final int groups;
    final int resamples;
    final int terms;
    final double[] sums;
    final double[] sumW2;
    final long[] n;

    Sums(int groups, int resamples, int terms) {
      this.groups = groups;
      this.resamples = resamples;
      this.terms = terms;
      this.sums = new double[groups * resamples * terms];
      this.sumW2 = new double[groups * resamples];
      this.n = new long[groups * resamples];
    }

    /** The term sums of group g in resample b. */
    double[] terms(int g, int b) {
      double[] out = new double[terms];
      System.arraycopy(sums, (g * resamples + b) * terms, out, 0, terms);
      return out;
    }

    double sumW2(int g, int b) {
      return sumW2[g * resamples + b];
    }

    long n(int g, int b) {
      return n[g * resamples + b];
    }

    Sums add(Sums o) {
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
    return rows.select("gid", "row_hash", "w", "t").javaRDD()
        .mapPartitions(new Accumulate(groups, resamples, terms))
        .treeReduce(new Merge());
  }

  private static final class Accumulate implements FlatMapFunction<Iterator<Row>, Sums> {
    private final int groups;
    private final int resamples;
    private final int terms;

    Accumulate(int groups, int resamples, int terms) {
      this.groups = groups;
      this.resamples = resamples;
      this.terms = terms;
    }

    @Override
    public Iterator<Sums> call(Iterator<Row> it) {
      Sums s = new Sums(groups, resamples, terms);
      double[] t = new double[terms];
      while (it.hasNext()) {
        Row r = it.next();
        int g = r.getInt(0);
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
          int cell = g * resamples + b;
          int base = cell * terms;
          for (int i = 0; i < terms; i++) {
            s.sums[base + i] += wk * t[i];
          }
          s.sumW2[cell] += wk * wk;
          s.n[cell]++;
        }
      }
      List<Sums> one = new ArrayList<>(1);
      one.add(s);
      return one.iterator();
    }
  }

  private static final class Merge implements Function2<Sums, Sums, Sums> {
    @Override
    public Sums call(Sums a, Sums b) {
      return a.add(b);
    }
  }
}
