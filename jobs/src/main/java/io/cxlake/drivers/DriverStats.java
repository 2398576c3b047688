package io.cxlake.drivers;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;

/**
 * The small algebra of the key-driver analysis, on the driver from aggregated {@link Moments}:
 * OLS with standardized coefficients and p-values, Johnson's relative weights (linear and the
 * logistic extension of Tonidandel and LeBreton), and the penalty/reward contrasts. docs/drivers.md
 * gives every formula.
 */
public final class DriverStats {
  private DriverStats() {}

  /** Eigenvalues below this (on a correlation matrix) mean the drivers are collinear. */
  static final double SINGULAR = 1e-10;

  /** A model the data cannot support (a constant driver, collinear drivers, too few rows). */
  public static final class Unfit extends RuntimeException {
    public Unfit(String reason) {
      super(reason);
    }
  }

  /**
   * OLS of y (variable 1) on the drivers (variables 2..): R², standardized coefficients,
   * raw coefficients and two-sided p-values. With respondent weights the residual variance and
   * the degrees of freedom use Kish's effective n (equal to n when all weights are 1).
   */
  public record Ols(double r2, double[] standardized, double[] coefficients, double[] pValues, double df) {}

  public static Ols ols(Moments m) {
    int p = m.variables() - 1;
    int[] x = drivers(p);
    checkVariance(m, x);
    if (m.sd(1) <= 0) {
      throw new Unfit("the outcome does not vary");
    }
    double ne = m.effectiveN();
    double df = ne - p - 1;
    if (df <= 0) {
      throw new Unfit("fewer responses than drivers");
    }
    RealMatrix r = new Array2DRowRealMatrix(m.corr(x));
    RealMatrix rInv = inverse(r);
    RealVector rxy = new ArrayRealVector(m.corrWith(x, 1));
    RealVector beta = rInv.operate(rxy);
    double r2 = rxy.dotProduct(beta);
    RealMatrix sxxInv = inverse(new Array2DRowRealMatrix(m.cov(x)));
    double[] b = new double[p];
    double[] pv = new double[p];
    double sigma2 = m.cov(1, 1) * (1 - r2) * ne / df;
    TDistribution t = new TDistribution(df);
    for (int j = 0; j < p; j++) {
      b[j] = beta.getEntry(j) * m.sd(1) / m.sd(x[j]);
      double se = Math.sqrt(sigma2 / ne * sxxInv.getEntry(j, j));
      pv[j] = se > 0 ? 2 * (1 - t.cumulativeProbability(Math.abs(b[j] / se))) : Double.NaN;
    }
    return new Ols(r2, beta.toArray(), b, pv, df);
  }

  /**
   * Johnson's (2000) relative weights for a linear model: with R = corr(X) = VΛV' and
   * Λ* = R^½, the orthogonal counterparts Z of the drivers get β_Z = R^-½·r_xy, and driver j's
   * raw weight is Σ_k Λ*_jk²·β_Zk². The raw weights sum to R².
   */
  public static double[] relativeWeights(double[][] rxx, double[] rxy) {
    RealMatrix half = sqrtSym(new Array2DRowRealMatrix(rxx), false);
    RealMatrix invHalf = sqrtSym(new Array2DRowRealMatrix(rxx), true);
    RealVector betaZ = invHalf.operate(new ArrayRealVector(rxy));
    return weights(half, betaZ);
  }

  /**
   * Relative weights of a logistic model (Tonidandel and LeBreton 2010): {@code betaStd} are the
   * log-odds coefficients per standard deviation of each driver; on the orthogonal Z = X·R^-½ they
   * are b_Z = R^½·betaStd, standardized as b_Z·R_O / sd(logit ŷ) where R_O² is the squared
   * correlation of y with the predicted probability. The raw weights sum to R_O².
   */
  public static double[] logisticRelativeWeights(double[][] rxx, double[] betaStd, double r2o) {
    RealMatrix r = new Array2DRowRealMatrix(rxx);
    RealMatrix half = sqrtSym(r, false);
    RealVector b = new ArrayRealVector(betaStd);
    RealVector bz = half.operate(b);
    double sdLogit = Math.sqrt(b.dotProduct(r.operate(b)));
    if (sdLogit <= 0) {
      throw new Unfit("the model predicts the same probability for everyone");
    }
    return weights(half, bz.mapMultiply(Math.sqrt(Math.max(r2o, 0)) / sdLogit));
  }

  private static double[] weights(RealMatrix half, RealVector betaZ) {
    int p = betaZ.getDimension();
    double[] eps = new double[p];
    for (int j = 0; j < p; j++) {
      double s = 0;
      for (int k = 0; k < p; k++) {
        double l = half.getEntry(j, k);
        s += l * l * betaZ.getEntry(k) * betaZ.getEntry(k);
      }
      eps[j] = s;
    }
    return eps;
  }

  /**
   * Penalty/reward contrasts from an OLS of y on the dummies (poor_1..poor_p, excellent_1..excellent_p)
   * against the middle band: penalty_j = −coefficient of poor_j, reward_j = coefficient of excellent_j.
   * A dummy that never occurs in the group gets NaN (no evidence either way).
   */
  public record PenaltyReward(double[] penalty, double[] reward) {}

  public static PenaltyReward penaltyReward(Moments m, int p) {
    java.util.List<Integer> present = new java.util.ArrayList<>();
    for (int i = 2; i < 2 + 2 * p; i++) {
      if (m.cov(i, i) > 1e-12) {
        present.add(i);
      }
    }
    double[] penalty = new double[p];
    double[] reward = new double[p];
    java.util.Arrays.fill(penalty, Double.NaN);
    java.util.Arrays.fill(reward, Double.NaN);
    if (present.isEmpty()) {
      return new PenaltyReward(penalty, reward);
    }
    int[] idx = present.stream().mapToInt(Integer::intValue).toArray();
    RealMatrix sxx = new Array2DRowRealMatrix(m.cov(idx));
    RealVector sxy = new ArrayRealVector(idx.length);
    for (int a = 0; a < idx.length; a++) {
      sxy.setEntry(a, m.cov(idx[a], 1));
    }
    RealVector b = pseudoInverse(sxx).operate(sxy);
    for (int a = 0; a < idx.length; a++) {
      int d = idx[a] - 2;
      if (d < p) {
        penalty[d] = -b.getEntry(a);
      } else {
        reward[d - p] = b.getEntry(a);
      }
    }
    return new PenaltyReward(penalty, reward);
  }

  /** Dissatisfier, delighter or performance attribute from its penalty and reward (negatives count as 0). */
  public static String kanoClass(double penalty, double reward, double dominance) {
    if (Double.isNaN(penalty) || Double.isNaN(reward)) {
      return null;
    }
    double pen = Math.max(penalty, 0);
    double rew = Math.max(reward, 0);
    if (pen + rew <= 0) {
      return "indifferent";
    }
    double share = pen / (pen + rew);
    return share >= dominance ? "dissatisfier" : share <= 1 - dominance ? "delighter" : "performance";
  }

  /** Two-sided p-value of a Wald z statistic. */
  public static double waldP(double estimate, double se) {
    return se > 0 ? 2 * (1 - new NormalDistribution().cumulativeProbability(Math.abs(estimate / se))) : Double.NaN;
  }

  /** Percentile (linear interpolation between order statistics, as R's type 7) of sorted values. */
  public static double percentile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double h = (sorted.length - 1) * q;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  static int[] drivers(int p) {
    int[] x = new int[p];
    for (int j = 0; j < p; j++) {
      x[j] = j + 2;
    }
    return x;
  }

  static void checkVariance(Moments m, int[] x) {
    for (int i : x) {
      if (m.cov(i, i) <= 1e-12) {
        throw new Unfit("driver " + (i - 1) + " does not vary");
      }
    }
  }

  /** R^½ or R^-½ of a symmetric positive definite matrix by its eigen-decomposition. */
  static RealMatrix sqrtSym(RealMatrix r, boolean inverse) {
    EigenDecomposition e = new EigenDecomposition(r);
    double[] ev = e.getRealEigenvalues();
    RealMatrix v = e.getV();
    int n = ev.length;
    RealMatrix d = new Array2DRowRealMatrix(n, n);
    for (int i = 0; i < n; i++) {
      if (ev[i] < SINGULAR) {
        throw new Unfit("the drivers are collinear");
      }
      d.setEntry(i, i, inverse ? 1 / Math.sqrt(ev[i]) : Math.sqrt(ev[i]));
    }
    return v.multiply(d).multiply(v.transpose());
  }

  static RealMatrix inverse(RealMatrix m) {
    EigenDecomposition e = new EigenDecomposition(m);
    double[] ev = e.getRealEigenvalues();
    double max = java.util.Arrays.stream(ev).map(Math::abs).max().orElse(0);
    for (double v : ev) {
      if (Math.abs(v) < SINGULAR * Math.max(max, 1)) {
        throw new Unfit("the drivers are collinear");
      }
    }
    return e.getSolver().getInverse();
  }

  static RealMatrix pseudoInverse(RealMatrix m) {
    return new org.apache.commons.math3.linear.SingularValueDecomposition(m).getSolver().getInverse();
  }
}
