package io.cxlake.clv;

import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Per-customer predictions of the fitted models as Spark columns over x, t_x and T. The
 * conditional expectation needs the hypergeometric function, which Spark has no built-in for:
 * it is a Java UDF.
 */
final class ClvPredictions {
  private ClvPredictions() {}

  /** P(alive | x, t_x, T). */
  static Column pAlive(double[] p) {
    Column x = col("x");
    Column odds = lit(p[2]).divide(lit(p[3]).plus(x).minus(1))
        .multiply(pow(lit(p[1]).plus(col("T")).divide(lit(p[1]).plus(col("t_x"))), lit(p[0]).plus(x)));
    return when(x.gt(0), lit(1).divide(odds.plus(1))).otherwise(lit(1.0));
  }

  /** E[Y(h) | x, t_x, T]. */
  static Column expectedPurchases(double[] p, double h) {
    UserDefinedFunction f = udf((UDF3<Double, Double, Double, Double>) (x, tx, t) ->
        BgNbd.expectedPurchases(p, h, x, tx, t), DataTypes.DoubleType);
    return f.apply(col("x"), col("t_x"), col("T"));
  }

  /**
   * Expected purchases over the horizon weighted by the discount factor of the month they fall
   * in: Σ_months (E[Y(t_k)] − E[Y(t_k−1)]) / (1 + d)^(t_k / year). Times CLV's expected spend
   * per purchase, it is the discounted expected spend.
   */
  static Column discountedPurchases(double[] p, double horizon, double unitsPerYear, double annualRate) {
    double month = unitsPerYear / 12;
    UserDefinedFunction f = udf((UDF3<Double, Double, Double, Double>) (x, tx, t) -> {
      double total = 0;
      double before = 0;
      for (double end = Math.min(month, horizon); ; end = Math.min(end + month, horizon)) {
        double upTo = BgNbd.expectedPurchases(p, end, x, tx, t);
        total += (upTo - before) / Math.pow(1 + annualRate, end / unitsPerYear);
        before = upTo;
        if (end >= horizon) {
          return total;
        }
      }
    }, DataTypes.DoubleType);
    return f.apply(col("x"), col("t_x"), col("T"));
  }

  /** E[M | x, m]: the population mean for customers without a repeat purchase. */
  static Column expectedSpend(double[] g) {
    Column px = lit(g[0]).multiply(col("x"));
    return lit(g[0]).multiply(lit(g[2]).plus(col("x").multiply(coalesce(col("m"), lit(0.0)))))
        .divide(px.plus(g[1]).minus(1));
  }
}
