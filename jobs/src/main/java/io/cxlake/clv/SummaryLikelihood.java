package io.cxlake.clv;

import java.util.List;
import org.apache.spark.sql.Column;

/**
 * A model whose log-likelihood over customers is Σ_customers [perX(θ, x) + perRow(θ)]: the first
 * part depends on the customer only through the integer x (so it is summed over the histogram of
 * x on the driver, where lnΓ is at hand), the second is a Spark expression over the customer's
 * summary columns (logs and powers only), summed by Spark. The parameters come as columns, not
 * literals, so every evaluation runs the same compiled plan.
 */
public interface SummaryLikelihood {
  List<String> names();

  /** Starting values (all parameters are positive). */
  double[] start();

  double perX(double[] theta, double x);

  /** The per-customer part, with the parameters given as columns (θ_0, θ_1, ...). */
  Column perRow(Column[] theta);
}
