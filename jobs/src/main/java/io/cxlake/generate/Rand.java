package io.cxlake.generate;

import java.util.SplittableRandom;

/**
 * Random draws on a {@link SplittableRandom} whose algorithms are fixed by its spec, so a
 * seed gives the same data on every JDK (the normal uses our own Box–Muller for that reason).
 */
final class Rand {
  private final SplittableRandom r;

  Rand(SplittableRandom r) {
    this.r = r;
  }

  Rand split() {
    return new Rand(r.split());
  }

  double uniform() {
    return r.nextDouble();
  }

  double uniform(double lo, double hi) {
    return lo + (hi - lo) * r.nextDouble();
  }

  int nextInt(int bound) {
    return r.nextInt(bound);
  }

  boolean chance(double p) {
    return r.nextDouble() < p;
  }

  double normal() {
    double u1 = 1.0 - r.nextDouble();
    double u2 = r.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  double normal(double mean, double sd) {
    return mean + sd * normal();
  }

  double logNormal(double mu, double sigma) {
    return Math.exp(normal(mu, sigma));
  }

  /** Poisson by inversion (Knuth); the rates here are small. */
  int poisson(double lambda) {
    if (lambda <= 0) {
      return 0;
    }
    double l = Math.exp(-lambda);
    int k = 0;
    double p = 1.0;
    do {
      k++;
      p *= r.nextDouble();
    } while (p > l);
    return k - 1;
  }

  <T> T pick(T[] values) {
    return values[r.nextInt(values.length)];
  }

  /** Index drawn with the given (unnormalised) weights. */
  int weighted(double[] weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double x = r.nextDouble() * total;
    for (int i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }
}
