package io.cxlake.value;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Ordinary least squares with an intercept and heteroskedasticity-robust (HC1, White 1980 with
 * the n/(n−k) correction, as statsmodels' {@code cov_type="HC1"} and Stata's {@code robust})
 * standard errors, from sums computed by Spark: one pass for X'X and X'y, one for the
 * "meat" Σ e_i² x_i x_i'. No row leaves the executors; the k×k algebra runs on the driver.
 */
final class RobustOls {
  private RobustOls() {}

  /** Coefficients (index 0 = intercept, then the regressors in order), HC1 standard errors, two-sided p-values. */
  record Fit(double[] beta, double[] se, double[] pValue, long n, double df) {
    /** The confidence interval of coefficient j at {@code level}. */
    double[] interval(int j, double level) {
      double t = new TDistribution(df).inverseCumulativeProbability(0.5 + level / 2);
      return new double[] {beta[j] - t * se[j], beta[j] + t * se[j]};
    }
  }

  /** Thrown when the model cannot be fitted (too few rows, a regressor without variation). */
  static final class Unfit extends RuntimeException {
    Unfit(String message) {
      super(message);
    }
  }

  static Fit fit(Dataset<Row> rows, String y, List<String> regressors) {
    List<Column> x = new ArrayList<>();
    x.add(lit(1.0));
    regressors.forEach(r -> x.add(col(r).cast("double")));
    int k = x.size();
    Dataset<Row> complete = rows.where(col(y).isNotNull());
    List<Column> sums = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      for (int j = i; j < k; j++) {
        sums.add(sum(x.get(i).multiply(x.get(j))));
      }
      sums.add(sum(x.get(i).multiply(col(y).cast("double"))));
    }
    sums.add(count(lit(1)));
    Row s = complete.agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new)).first();
    long n = s.getLong(sums.size() - 1);
    if (n <= k) {
      throw new Unfit(n + " rows for " + k + " coefficients");
    }
    RealMatrix xtx = new Array2DRowRealMatrix(k, k);
    RealVector xty = new ArrayRealVector(k);
    int c = 0;
    for (int i = 0; i < k; i++) {
      for (int j = i; j < k; j++) {
        double v = s.getDouble(c++);
        xtx.setEntry(i, j, v);
        xtx.setEntry(j, i, v);
      }
      xty.setEntry(i, s.getDouble(c++));
    }
    LUDecomposition lu = new LUDecomposition(xtx, 1e-12);
    if (!lu.getSolver().isNonSingular()) {
      throw new Unfit("a regressor does not vary or repeats another");
    }
    RealMatrix bread = lu.getSolver().getInverse();
    double[] beta = bread.operate(xty).toArray();

    Column fitted = lit(0.0);
    for (int i = 0; i < k; i++) {
      fitted = fitted.plus(x.get(i).multiply(lit(beta[i])));
    }
    Column e2 = pow(col(y).cast("double").minus(fitted), 2);
    List<Column> meatSums = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      for (int j = i; j < k; j++) {
        meatSums.add(sum(e2.multiply(x.get(i)).multiply(x.get(j))));
      }
    }
    Row m = complete.agg(meatSums.get(0), meatSums.subList(1, meatSums.size()).toArray(Column[]::new)).first();
    RealMatrix meat = new Array2DRowRealMatrix(k, k);
    c = 0;
    for (int i = 0; i < k; i++) {
      for (int j = i; j < k; j++) {
        double v = m.getDouble(c++);
        meat.setEntry(i, j, v);
        meat.setEntry(j, i, v);
      }
    }
    double df = n - k;
    RealMatrix cov = bread.multiply(meat).multiply(bread).scalarMultiply(n / df);
    TDistribution t = new TDistribution(df);
    double[] se = new double[k];
    double[] p = new double[k];
    for (int i = 0; i < k; i++) {
      se[i] = Math.sqrt(Math.max(cov.getEntry(i, i), 0));
      p[i] = se[i] > 0 ? 2 * (1 - t.cumulativeProbability(Math.abs(beta[i] / se[i]))) : Double.NaN;
    }
    return new Fit(beta, se, p, n, df);
  }
}
