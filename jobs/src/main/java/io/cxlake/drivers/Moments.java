package io.cxlake.drivers;

/**
 * Weighted cross-products of one group of rows, the sufficient statistics of a linear model:
 * {@code g[i][j] = Σ w·v_i·v_j} over the vector v = (1, y, x_1 .. x_p), plus Σw² (Kish's effective
 * n) and the row count. Spark aggregates these in one pass; everything else is k×k algebra here.
 */
public record Moments(double[][] g, double sumW2, long n) {

  /** From the upper triangle (row-major, i ≤ j) as the aggregation returns it. */
  public static Moments fromTriangle(double[] upper, int size, double sumW2, long n) {
    double[][] g = new double[size][size];
    int k = 0;
    for (int i = 0; i < size; i++) {
      for (int j = i; j < size; j++) {
        g[i][j] = upper[k];
        g[j][i] = upper[k];
        k++;
      }
    }
    return new Moments(g, sumW2, n);
  }

  /** Number of variables besides the constant. */
  public int variables() {
    return g.length - 1;
  }

  public double sumW() {
    return g[0][0];
  }

  /** Kish's effective sample size (Σw)² / Σw²; n when all weights are 1. */
  public double effectiveN() {
    return sumW2 <= 0 ? 0 : sumW() * sumW() / sumW2;
  }

  /** Weighted mean of variable {@code i} (1-based: 1 = y, 2.. = drivers). */
  public double mean(int i) {
    return g[0][i] / g[0][0];
  }

  /** Weighted (population) covariance of variables i and j. */
  public double cov(int i, int j) {
    return g[i][j] / g[0][0] - mean(i) * mean(j);
  }

  public double sd(int i) {
    return Math.sqrt(Math.max(cov(i, i), 0));
  }

  /** Correlation matrix of variables {@code idx} (1-based indices into v). */
  public double[][] corr(int[] idx) {
    double[][] r = new double[idx.length][idx.length];
    for (int a = 0; a < idx.length; a++) {
      for (int b = 0; b < idx.length; b++) {
        r[a][b] = a == b ? 1.0 : cov(idx[a], idx[b]) / (sd(idx[a]) * sd(idx[b]));
      }
    }
    return r;
  }

  /** Correlations of variables {@code idx} with variable {@code y}. */
  public double[] corrWith(int[] idx, int y) {
    double[] r = new double[idx.length];
    for (int a = 0; a < idx.length; a++) {
      r[a] = cov(idx[a], y) / (sd(idx[a]) * sd(y));
    }
    return r;
  }

  /** Covariance matrix of variables {@code idx}. */
  public double[][] cov(int[] idx) {
    double[][] c = new double[idx.length][idx.length];
    for (int a = 0; a < idx.length; a++) {
      for (int b = 0; b < idx.length; b++) {
        c[a][b] = cov(idx[a], idx[b]);
      }
    }
    return c;
  }
}
