package io.cxlake.clv;

/**
 * The Gaussian hypergeometric function 2F1(a, b; c; z) by its power series, for 0 ≤ z < 1 (the
 * series converges for |z| < 1; BG/NBD needs z = t / (α + T + t) in [0, 1)). Terms are summed
 * until one no longer changes the sum in the 15th digit; a series that has not settled after
 * {@link #MAX_TERMS} terms (z very close to 1 with parameters that make the terms decay
 * slowly) is an error rather than a silent wrong value.
 */
public final class Hypergeometric {
  private Hypergeometric() {}

  public static final int MAX_TERMS = 1_000_000;

  public static double f21(double a, double b, double c, double z) {
    if (!(z >= 0 && z < 1)) {
      throw new IllegalArgumentException("2F1 series: z must lie in [0, 1), was " + z);
    }
    if (c <= 0 && c == Math.rint(c)) {
      throw new IllegalArgumentException("2F1: c must not be zero or a negative integer, was " + c);
    }
    double term = 1;
    double sum = 1;
    for (int k = 0; k < MAX_TERMS; k++) {
      term *= (a + k) * (b + k) / ((c + k) * (k + 1)) * z;
      double next = sum + term;
      if (term == 0 || (Math.abs(term) <= 1e-16 * Math.abs(next) && k > 2)) {
        return next;
      }
      sum = next;
    }
    throw new ArithmeticException("2F1(" + a + ", " + b + "; " + c + "; " + z + ") did not converge in "
        + MAX_TERMS + " terms");
  }
}
