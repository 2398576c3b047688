package io.cxlake.clv;

import static org.apache.spark.sql.functions.*;

import java.util.List;
import org.apache.commons.math3.special.Gamma;
import org.apache.spark.sql.Column;

/**
 * The BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005, "Counting your customers the
 * easy way", Marketing Science 24(2)): while alive a customer buys at a Poisson rate λ ~ Gamma(r,
 * α); after each purchase they drop out with probability p ~ Beta(a, b). A customer is summarised
 * by x (repeat purchases), t_x (time of the last one since the first purchase) and T (time since
 * the first purchase). Parameters in the order r, α, a, b.
 */
public final class BgNbd implements SummaryLikelihood {
  public static final BgNbd MODEL = new BgNbd();

  private BgNbd() {}

  @Override
  public List<String> names() {
    return List.of("r", "alpha", "a", "b");
  }

  @Override
  public double[] start() {
    return new double[] {1, 1, 1, 1};
  }

  /** ln L of one customer (equation 6 of the paper), for tests and the driver. */
  public static double logLikelihood(double[] p, double x, double tx, double t) {
    return MODEL.perX(p, x) + MODEL.perRow(p, new double[] {x, tx, t});
  }

  /** lnΓ(r+x) − lnΓ(r) + r ln α + ln B(a, b+x) − ln B(a, b): the part that depends on x alone. */
  @Override
  public double perX(double[] p, double x) {
    double r = p[0];
    double a = p[2];
    double b = p[3];
    return Gamma.logGamma(r + x) - Gamma.logGamma(r) + r * Math.log(p[1])
        + Gamma.logGamma(a + b) + Gamma.logGamma(b + x) - Gamma.logGamma(b) - Gamma.logGamma(a + b + x);
  }

  /** The rest, over columns x, t_x and T: ln[(α+T)^−(r+x) + δ(x>0) a/(b+x−1) (α+t_x)^−(r+x)]. */
  @Override
  public Column perRow(Column[] p) {
    Column x = col("x");
    Column rx = p[0].plus(x);
    Column a3 = rx.multiply(-1).multiply(log(p[1].plus(col("T"))));
    Column a4 = log(p[2]).minus(log(p[3].plus(x).minus(1))).minus(rx.multiply(log(p[1].plus(col("t_x")))));
    Column m = greatest(a3, a4);
    return when(x.gt(0), m.plus(log(exp(a3.minus(m)).plus(exp(a4.minus(m)))))).otherwise(a3);
  }

  @Override
  public List<String> columns() {
    return List.of("x", "t_x", "T");
  }

  /** {@link #perRow(Column[])} for one customer's x, t_x and T. */
  @Override
  public double perRow(double[] p, double[] v) {
    double x = v[0];
    double a3 = -(p[0] + x) * Math.log(p[1] + v[2]);
    if (x <= 0) {
      return a3;
    }
    double a4 = Math.log(p[2]) - Math.log(p[3] + x - 1) - (p[0] + x) * Math.log(p[1] + v[1]);
    double m = Math.max(a3, a4);
    return m + Math.log(Math.exp(a3 - m) + Math.exp(a4 - m));
  }

  /** δ(x>0) a/(b+x−1) ((α+T)/(α+t_x))^(r+x): the odds of having dropped out after the last purchase. */
  private static double dropOdds(double[] p, double x, double tx, double t) {
    return x > 0 ? p[2] / (p[3] + x - 1) * Math.pow((p[1] + t) / (p[1] + tx), p[0] + x) : 0;
  }

  /** P(alive | x, t_x, T) (equation 11). */
  public static double pAlive(double[] p, double x, double tx, double t) {
    return 1 / (1 + dropOdds(p, x, tx, t));
  }

  /**
   * E[Y(h) | x, t_x, T]: expected purchases in the next h time units (equation 10). The
   * hypergeometric term is taken through Euler's transformation, (1−z)^(r+x) 2F1(r+x, b+x;
   * a+b+x−1; z) = (1−z)^(a−1) 2F1(a+b−1−r, a−1; a+b+x−1; z), whose series has small parameters
   * and no huge intermediate terms for heavy buyers.
   */
  public static double expectedPurchases(double[] p, double h, double x, double tx, double t) {
    double r = p[0];
    double alpha = p[1];
    double a = p[2];
    double b = p[3];
    double z = h / (alpha + t + h);
    double scaled = Math.pow(1 - z, a - 1) * Hypergeometric.f21(a + b - 1 - r, a - 1, a + b + x - 1, z);
    return (a + b + x - 1) / (a - 1) * (1 - scaled) / (1 + dropOdds(p, x, tx, t));
  }
}
