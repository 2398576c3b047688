package io.cxlake.clv;

import static org.apache.spark.sql.functions.*;

import java.util.List;
import org.apache.commons.math3.special.Gamma;
import org.apache.spark.sql.Column;

/**
 * The Gamma-Gamma model of spend per purchase (Fader & Hardie 2013, "The Gamma-Gamma model of
 * monetary value"; Colombo & Jiang 1999): a customer's purchases are Gamma(p, ν) with ν ~
 * Gamma(q, γ) across customers. Fitted on repeat buyers from x (repeat purchases) and m (their
 * mean spend). Assumes spend independent of frequency: the stage reports their correlation.
 * Parameters in the order p, q, γ.
 */
public final class GammaGamma implements SummaryLikelihood {
  public static final GammaGamma MODEL = new GammaGamma();

  private GammaGamma() {}

  @Override
  public List<String> names() {
    return List.of("p", "q", "gamma");
  }

  @Override
  public double[] start() {
    return new double[] {1, 1, 1};
  }

  /** ln f(m | p, q, γ, x) of one repeat buyer. */
  public static double logLikelihood(double[] p, double x, double m) {
    return MODEL.perX(p, x) + MODEL.perRow(p, new double[] {x, m});
  }

  /** lnΓ(px+q) − lnΓ(px) − lnΓ(q) + q ln γ + px ln x. */
  @Override
  public double perX(double[] p, double x) {
    double px = p[0] * x;
    return Gamma.logGamma(px + p[1]) - Gamma.logGamma(px) - Gamma.logGamma(p[1]) + p[1] * Math.log(p[2])
        + px * Math.log(x);
  }

  /** (px − 1) ln m − (px + q) ln(γ + m x), over columns x and m. */
  @Override
  public Column perRow(Column[] p) {
    Column px = p[0].multiply(col("x"));
    return px.minus(1).multiply(log(col("m"))).minus(px.plus(p[1]).multiply(log(p[2].plus(col("m").multiply(col("x"))))));
  }

  @Override
  public List<String> columns() {
    return List.of("x", "m");
  }

  /** {@link #perRow(Column[])} for one repeat buyer's x and m. */
  @Override
  public double perRow(double[] p, double[] v) {
    double px = p[0] * v[0];
    return (px - 1) * Math.log(v[1]) - (px + p[1]) * Math.log(p[2] + v[1] * v[0]);
  }

  /** E[M | x, m]: expected spend per purchase, a weighted mean of the population mean pγ/(q−1) and the customer's own. */
  public static double expectedSpend(double[] p, double x, double m) {
    return p[0] * (p[2] + x * m) / (p[0] * x + p[1] - 1);
  }
}
