package io.cxlake.clv;

import java.util.List;
import org.apache.spark.sql.Column;

/**
 * A model whose log-likelihood over customers is Σ_customers [perX(θ, x) + perRow(θ)]: the first
 * part depends on the customer only through the integer x (so it is summed over the histogram of
 * x on the driver, where lnΓ is at hand), the second is a Spark expression over the customer's
 * summary columns (logs and powers only), summed by Spark. The parameters come as columns, not
 * literals, so every evaluation runs the same compiled plan. The per-customer part has a driver
 * twin for small inputs ({@link SummaryFit}).
 */
public interface SummaryLikelihood {
  List<String> names();

  /** Starting values (all parameters are positive). */
  double[] start();

  double perX(double[] theta, double x);

  /** The per-customer part, with the parameters given as columns (θ_0, θ_1, ...). */
  Column perRow(Column[] theta);

  /** The summary columns {@link #perRow(Column[])} reads, in the order of {@link #perRow(double[], double[])}'s values. */
  List<String> columns();

  /** The same per-customer part on the driver, for one customer's {@link #columns()} values. */
  double perRow(double[] theta, double[] values);
}
