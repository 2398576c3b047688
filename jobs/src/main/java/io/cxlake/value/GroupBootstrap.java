package io.cxlake.value;

import io.cxlake.drivers.DriverStats;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Percentile bootstrap intervals of ratios of sums (a mean, a share) for one group of customers,
 * from per-bucket sums: Spark hashes each customer into one of {@link #BUCKETS} buckets and sums
 * per group and bucket, so only those sums reach the driver. Each resample gives every bucket a
 * Poisson(1) weight (the Poisson bootstrap, Hanley & MacGibbon 2006; Chamandy et al. 2012).
 * A group of up to about a thousand customers has about one per bucket, so this is the ordinary
 * customer-level bootstrap; a larger group is resampled in random groups of its customers, which
 * estimates the variance of a sum without bias (the random-group method, Wolter 2007, ch. 2).
 * All statistics of a group share the resamples' weights, so their intervals are paired.
 */
final class GroupBootstrap {
  private GroupBootstrap() {}

  static final int BUCKETS = 1000;

  private static final double E_TO_MINUS_1 = Math.exp(-1);

  /**
   * Interval [low, high] of Σ num / Σ den for each statistic, at {@code confidence}.
   *
   * @param num per statistic, the bucket sums of its numerator
   * @param den per statistic, the bucket sums of its denominator
   */
  static double[][] intervals(double[][] num, double[][] den, int resamples, double confidence, long seed) {
    int stats = num.length;
    int buckets = num[0].length;
    double[][] replicate = new double[stats][resamples];
    SplittableRandom random = new SplittableRandom(seed);
    double[] w = new double[buckets];
    for (int b = 0; b < resamples; b++) {
      for (int k = 0; k < buckets; k++) {
        w[k] = poisson1(random);
      }
      for (int s = 0; s < stats; s++) {
        double n = 0;
        double d = 0;
        for (int k = 0; k < buckets; k++) {
          n += w[k] * num[s][k];
          d += w[k] * den[s][k];
        }
        replicate[s][b] = d > 0 ? n / d : Double.NaN;
      }
    }
    double[][] out = new double[stats][];
    double alpha = 1 - confidence;
    for (int s = 0; s < stats; s++) {
      double[] r = Arrays.stream(replicate[s]).filter(Double::isFinite).sorted().toArray();
      out[s] = new double[] {DriverStats.percentile(r, alpha / 2), DriverStats.percentile(r, 1 - alpha / 2)};
    }
    return out;
  }

  /** A Poisson(1) draw (Knuth's product of uniforms; the mean is 1, so a few draws). */
  static int poisson1(SplittableRandom random) {
    double product = random.nextDouble();
    int k = 0;
    while (product > E_TO_MINUS_1) {
      product *= random.nextDouble();
      k++;
    }
    return k;
  }
}
