package io.cxlake.value;

/**
 * Shares of promoters and detractors after every NPS answer moves by {@code delta} points.
 * An answer v is read as a latent score spread evenly over [v − 0.5, v + 0.5): moved by delta,
 * the part of that interval at or above 8.5 counts as promoter (9-10) and the part below 6.5
 * as detractor (0-6). With delta = 0 the shares are the observed ones; a fractional delta moves
 * that fraction of the answers next to a boundary across it.
 */
final class NpsShift {
  private NpsShift() {}

  /** {promoter share, detractor share} in 0..1 of the answers counted in {@code counts[0..10]}, shifted by delta. */
  static double[] shares(long[] counts, double delta) {
    double total = 0;
    double promoters = 0;
    double detractors = 0;
    for (int v = 0; v < counts.length; v++) {
      total += counts[v];
      promoters += counts[v] * clamp(v + 0.5 + delta - 8.5);
      detractors += counts[v] * clamp(6.5 - (v - 0.5 + delta));
    }
    return total == 0 ? new double[] {Double.NaN, Double.NaN} : new double[] {promoters / total, detractors / total};
  }

  private static double clamp(double x) {
    return Math.max(0, Math.min(1, x));
  }
}
