package io.cxlake.survival;

import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * The log-rank (Mantel–Haenszel) test that G groups share one survival curve: observed minus
 * expected events per group summed over the pooled event times, with the hypergeometric
 * covariance, tested on the first G-1 groups as chi-squared with G-1 degrees of freedom (R's
 * survdiff with rho = 0).
 */
public final class LogRank {
  private LogRank() {}

  public record Result(double chiSquared, int degreesOfFreedom, double pValue, double[] observed, double[] expected) {}

  /**
   * @param events events[g][i]: group g's (weighted) events at pooled time i (ascending)
   * @param atRisk atRisk[g][i]: group g's subjects at risk at pooled time i
   * @return null with fewer than two groups, or when a group is never at risk at an event time
   */
  public static Result test(double[][] events, double[][] atRisk) {
    int groups = events.length;
    if (groups < 2) {
      return null;
    }
    int times = events[0].length;
    double[] observed = new double[groups];
    double[] expected = new double[groups];
    double[][] covariance = new double[groups][groups];
    for (int i = 0; i < times; i++) {
      double d = 0;
      double n = 0;
      for (int g = 0; g < groups; g++) {
        d += events[g][i];
        n += atRisk[g][i];
      }
      if (d == 0 || n <= 0) {
        continue;
      }
      double spread = n > 1 ? d * (n - d) / (n - 1) : 0;
      for (int g = 0; g < groups; g++) {
        observed[g] += events[g][i];
        expected[g] += d * atRisk[g][i] / n;
        for (int h = 0; h < groups; h++) {
          covariance[g][h] += spread * atRisk[g][i] / n * ((g == h ? 1 : 0) - atRisk[h][i] / n);
        }
      }
    }
    int df = groups - 1;
    RealMatrix v = new Array2DRowRealMatrix(df, df);
    double[] difference = new double[df];
    for (int g = 0; g < df; g++) {
      difference[g] = observed[g] - expected[g];
      for (int h = 0; h < df; h++) {
        v.setEntry(g, h, covariance[g][h]);
      }
    }
    double chi;
    try {
      chi = new ArrayRealVector(difference).dotProduct(
          new LUDecomposition(v).getSolver().solve(new ArrayRealVector(difference)));
    } catch (org.apache.commons.math3.linear.SingularMatrixException e) {
      // a group never at risk when an event happened (all its follow-ups ended before the first
      // event) leaves the covariance singular: the groups cannot be compared, so there is no test
      return null;
    }
    return new Result(chi, df, 1 - new ChiSquaredDistribution(df).cumulativeProbability(chi), observed, expected);
  }
}
