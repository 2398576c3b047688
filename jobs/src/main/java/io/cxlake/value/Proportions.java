package io.cxlake.value;

import org.apache.commons.math3.distribution.NormalDistribution;

/** Intervals of a proportion. */
final class Proportions {
  private Proportions() {}

  /** Wilson score interval of k successes in n (Wilson 1927; Agresti & Coull 1998), as [low, high] in 0..1. */
  static double[] wilson(long k, long n, double confidence) {
    if (n == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double z = new NormalDistribution().inverseCumulativeProbability(0.5 + confidence / 2);
    double p = (double) k / n;
    double z2n = z * z / n;
    double centre = (p + z2n / 2) / (1 + z2n);
    double half = z / (1 + z2n) * Math.sqrt(p * (1 - p) / n + z2n / (4 * n));
    return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
  }
}
