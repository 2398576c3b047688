package io.cxlake.alerts;

import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Column;

/**
 * Significance tests of alerts as Spark column expressions (no UDF):
 * <ul>
 *   <li>Wald test of an NPS difference: z = (NPS₁ − NPS₂) / sqrt(SE₁² + SE₂²)</li>
 *   <li>adjusted Wald for small samples: add 0.75 promoters, 1.5 passives and 0.75 detractors
 *       to each sample (n + 3) before computing NPS and SE</li>
 *   <li>two-proportion z-test with the pooled proportion</li>
 *   <li>z-test of two means: z = (m₁ − m₂) / sqrt(SE₁² + SE₂²)</li>
 * </ul>
 * Two-sided p-values use erfc by Abramowitz &amp; Stegun 7.1.26 (absolute error below 1.5e-7).
 */
public final class AlertTests {
  private AlertTests() {}

  /** NPS (−100..100) from promoter and detractor shares. */
  public static Column nps(Column pP, Column pD) {
    return pP.minus(pD).multiply(100);
  }

  /** Standard error of NPS in points: 100·sqrt((pP + pD − (pP − pD)²) / n). */
  public static Column npsSe(Column pP, Column pD, Column n) {
    return sqrt(greatest(pP.plus(pD).minus(pow(pP.minus(pD), 2)), lit(0.0)).divide(n)).multiply(100);
  }

  /** Adjusted-Wald promoter (or detractor) share: (n·p + 0.75) / (n + 3). */
  public static Column adjustedShare(Column p, Column n) {
    return p.multiply(n).plus(0.75).divide(n.plus(3));
  }

  /** z of a difference of two estimates with independent standard errors. */
  public static Column waldZ(Column v1, Column se1, Column v2, Column se2) {
    Column se = sqrt(pow(se1, 2).plus(pow(se2, 2)));
    return when(se.gt(0), v1.minus(v2).divide(se));
  }

  /** Two-proportion z with the pooled proportion; x successes of n (n may be effective n). */
  public static Column twoProportionZ(Column x1, Column n1, Column x2, Column n2) {
    Column p1 = x1.divide(n1);
    Column p2 = x2.divide(n2);
    Column p = x1.plus(x2).divide(n1.plus(n2));
    Column se = sqrt(p.multiply(lit(1.0).minus(p)).multiply(lit(1.0).divide(n1).plus(lit(1.0).divide(n2))));
    return when(se.gt(0), p1.minus(p2).divide(se));
  }

  /** Two-sided p-value of a standard normal statistic: erfc(|z| / √2). */
  public static Column twoSidedP(Column z) {
    Column x = abs(z).divide(Math.sqrt(2));
    Column t = lit(1.0).divide(lit(1.0).plus(x.multiply(0.3275911)));
    Column poly = t.multiply(lit(0.254829592).plus(t.multiply(lit(-0.284496736).plus(t.multiply(lit(1.421413741)
        .plus(t.multiply(lit(-1.453152027).plus(t.multiply(1.061405429)))))))));
    return least(lit(1.0), greatest(lit(0.0), poly.multiply(exp(x.multiply(x).multiply(-1)))));
  }
}
