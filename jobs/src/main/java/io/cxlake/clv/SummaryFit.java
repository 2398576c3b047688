package io.cxlake.clv;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Maximum likelihood for a {@link SummaryLikelihood} over a dataset of customer summaries, at
 * Spark scale: no customer row leaves the executors (up to {@link #DRIVER_SUMMARIES} distinct
 * summaries, their counts are fitted on the driver instead). Each iteration evaluates the log-likelihood
 * at a batch of parameter points in one Spark aggregation (every line-search candidate with its
 * central-difference gradient; at the end the Hessian stencil), since a Spark job costs a fixed
 * few tenths of a second; the optimiser, BFGS on the logs of the
 * parameters (which keeps them positive), runs on the driver. The x-only part of the
 * likelihood is summed over the histogram of x, collected once (its size is the number of
 * distinct repeat counts, not of customers).
 */
public final class SummaryFit {
  private SummaryFit() {}

  /**
   * @param theta          the estimates
   * @param standardErrors from the inverse of the observed information (numerical Hessian)
   * @param logLikelihood  at the estimates
   * @param customers      rows fitted
   * @param iterations     BFGS iterations
   * @param distinctX      size of the x histogram
   */
  public record Fit(double[] theta, double[] standardErrors, double logLikelihood, long customers, int iterations,
      int distinctX) {}

  private static final double GRADIENT_STEP = 1e-5;
  private static final double HESSIAN_STEP = 1e-3;
  private static final int MAX_ITERATIONS = 300;
  private static final int LINE_SEARCH_STEPS = 10;

  /**
   * At most this many distinct customer summaries are fitted on the driver: the summaries are
   * collected with their counts, and each step is a loop over them instead of a Spark job (a fit
   * takes some hundred steps, and a job costs a few tenths of a second). Bounded, so the
   * collection does not grow with the customers; above it the fit runs in Spark.
   */
  static final int DRIVER_SUMMARIES = 20_000;

  /** ln L at many points at once. */
  private interface Evaluator {
    double[] logLikelihood(List<double[]> thetas);
  }

  /**
   * In Spark, one job per call: the points are a small broadcast table joined to every customer
   * row, so the plan (and its generated code) is the same on every call. The x-only part is
   * summed over the histogram of x on the driver.
   */
  private record SparkEvaluator(Dataset<Row> rows, SummaryLikelihood model, double[] xs, double[] counts)
      implements Evaluator {
    @Override
    public double[] logLikelihood(List<double[]> thetas) {
      int p = thetas.get(0).length;
      StructType schema = new StructType().add("_point", DataTypes.IntegerType);
      Column[] theta = new Column[p];
      for (int i = 0; i < p; i++) {
        schema = schema.add("_theta_" + i, DataTypes.DoubleType);
        theta[i] = col("_theta_" + i);
      }
      List<Row> points = new ArrayList<>();
      for (int k = 0; k < thetas.size(); k++) {
        Object[] v = new Object[p + 1];
        v[0] = k;
        for (int i = 0; i < p; i++) {
          v[i + 1] = thetas.get(k)[i];
        }
        points.add(RowFactory.create(v));
      }
      Dataset<Row> grid = rows.sparkSession().createDataFrame(points, schema);
      double[] out = new double[thetas.size()];
      for (Row r : rows.crossJoin(broadcast(grid)).groupBy("_point").agg(sum(model.perRow(theta))).collectAsList()) {
        out[r.getInt(0)] = r.isNullAt(1) ? Double.NaN : r.getDouble(1);
      }
      for (int k = 0; k < out.length; k++) {
        double ll = out[k];
        for (int i = 0; i < xs.length; i++) {
          ll += counts[i] * model.perX(thetas.get(k), xs[i]);
        }
        out[k] = finite(ll);
      }
      return out;
    }
  }

  /** On the driver, over the distinct summaries (in the model's columns, x first) and their counts. */
  private record DriverEvaluator(SummaryLikelihood model, double[][] values, double[] counts) implements Evaluator {
    @Override
    public double[] logLikelihood(List<double[]> thetas) {
      double[] out = new double[thetas.size()];
      for (int k = 0; k < out.length; k++) {
        double[] theta = thetas.get(k);
        java.util.Map<Double, Double> perX = new java.util.HashMap<>();
        double ll = 0;
        for (int i = 0; i < values.length; i++) {
          ll += counts[i] * (perX.computeIfAbsent(values[i][0], x -> model.perX(theta, x)) + model.perRow(theta, values[i]));
        }
        out[k] = finite(ll);
      }
      return out;
    }
  }

  private static double finite(double ll) {
    return Double.isFinite(ll) ? ll : Double.NEGATIVE_INFINITY;
  }

  /**
   * Fits the model to {@code rows} (one row per customer with the model's columns, e.g. x, t_x
   * and T; cache it first: it is read once per step).
   */
  public static Fit fit(Dataset<Row> rows, SummaryLikelihood model) {
    return fit(rows, model, DRIVER_SUMMARIES);
  }

  /** As {@link #fit(Dataset, SummaryLikelihood)}; on the driver when at most {@code driverSummaries} summaries differ. */
  static Fit fit(Dataset<Row> rows, SummaryLikelihood model, int driverSummaries) {
    Column[] columns = model.columns().stream().map(c -> col(c).cast("double").as(c)).toArray(Column[]::new);
    List<Row> summaries = driverSummaries <= 0 ? List.of()
        : rows.groupBy(columns).count().limit(driverSummaries + 1).collectAsList();
    Evaluator eval;
    long n = 0;
    java.util.Set<Double> distinctX = new java.util.HashSet<>();
    // (a null summary value, which the Spark sum would skip, leaves the fit to Spark)
    if (!summaries.isEmpty() && summaries.size() <= driverSummaries && summaries.stream().noneMatch(Row::anyNull)) {
      double[][] values = new double[summaries.size()][columns.length];
      double[] counts = new double[summaries.size()];
      for (int i = 0; i < values.length; i++) {
        for (int c = 0; c < columns.length; c++) {
          values[i][c] = summaries.get(i).getDouble(c);
        }
        counts[i] = summaries.get(i).getLong(columns.length);
        n += summaries.get(i).getLong(columns.length);
        distinctX.add(values[i][0]);
      }
      eval = new DriverEvaluator(model, values, counts);
      io.cxlake.core.Progress.info("{}: {} distinct summaries of {} customers, fitted on the driver", model.names(),
          values.length, n);
    } else {
      List<Row> histogram = rows.groupBy("x").count().orderBy("x").collectAsList();
      double[] xs = new double[histogram.size()];
      double[] counts = new double[histogram.size()];
      for (int i = 0; i < xs.length; i++) {
        xs[i] = ((Number) histogram.get(i).get(0)).doubleValue();
        counts[i] = histogram.get(i).getLong(1);
        n += histogram.get(i).getLong(1);
        distinctX.add(xs[i]);
      }
      eval = new SparkEvaluator(rows, model, xs, counts);
    }
    if (n == 0) {
      throw new IllegalArgumentException("no customers to fit " + model.names() + " on");
    }
    int p = model.start().length;
    double[] phi = log(model.start());
    double scale = 1.0 / n; // the mean log-likelihood per customer: tolerances do not depend on n

    double[][] inverseHessian = identity(p);
    Step here = steps(eval, List.of(phi), scale).get(0);
    int iteration = 0;
    while (iteration < MAX_ITERATIONS && maxAbs(here.grad) > 1e-9) {
      iteration++;
      double[] d = times(inverseHessian, here.grad); // ascent direction (maximising)
      double slope = dot(here.grad, d);
      if (slope <= 0) { // lost curvature information: restart from the gradient
        inverseHessian = identity(p);
        d = here.grad.clone();
        slope = dot(here.grad, d);
      }
      // Every step length of the line search, each with its gradient, in one evaluation (one Spark job).
      List<double[]> candidates = new ArrayList<>();
      for (int k = 0; k < LINE_SEARCH_STEPS; k++) {
        candidates.add(clamp(add(phi, d, Math.pow(0.5, k))));
      }
      List<Step> evaluated = steps(eval, candidates, scale);
      int chosen = -1;
      for (int k = 0; k < LINE_SEARCH_STEPS && chosen < 0; k++) {
        if (evaluated.get(k).value >= here.value + 1e-4 * Math.pow(0.5, k) * slope) {
          chosen = k;
        }
      }
      if (chosen < 0) {
        break; // no step improves: at the optimum to working precision
      }
      double[] next = candidates.get(chosen);
      Step there = evaluated.get(chosen);
      double[] s = sub(next, phi);
      double[] y = sub(here.grad, there.grad); // gradient of the negative log-likelihood changes by −Δg
      double sy = dot(s, y);
      if (sy > 1e-18) {
        inverseHessian = bfgsUpdate(inverseHessian, s, y, sy);
      }
      boolean settled = Math.abs(there.value - here.value) < 1e-14;
      phi = next;
      here = there;
      if (settled) {
        break;
      }
    }
    double[] theta = exp(phi);
    return new Fit(theta, standardErrors(eval, phi), here.value / scale, n, iteration, distinctX.size());
  }

  private record Step(double value, double[] grad) {}

  /** Mean log-likelihood and its central-difference gradient in φ = ln θ at each point: one evaluation. */
  private static List<Step> steps(Evaluator eval, List<double[]> centres, double scale) {
    int p = centres.get(0).length;
    List<double[]> points = new ArrayList<>();
    for (double[] phi : centres) {
      points.add(phi);
      for (int i = 0; i < p; i++) {
        points.add(shift(phi, i, GRADIENT_STEP));
        points.add(shift(phi, i, -GRADIENT_STEP));
      }
    }
    double[] v = eval.logLikelihood(exp(points));
    List<Step> out = new ArrayList<>();
    for (int c = 0; c < centres.size(); c++) {
      int at = c * (2 * p + 1);
      double[] g = new double[p];
      for (int i = 0; i < p; i++) {
        g[i] = (v[at + 1 + 2 * i] - v[at + 2 + 2 * i]) * scale / (2 * GRADIENT_STEP);
      }
      out.add(new Step(v[at] * scale, g));
    }
    return out;
  }

  /**
   * Standard errors of θ from the observed information. The Hessian is taken in φ = ln θ (one
   * evaluation of the stencil); at the maximum, ∂²/∂θ_i∂θ_j = H_φ,ij / (θ_i θ_j).
   */
  private static double[] standardErrors(Evaluator eval, double[] phi) {
    int p = phi.length;
    double h = HESSIAN_STEP;
    List<double[]> points = new ArrayList<>();
    points.add(phi);
    for (int i = 0; i < p; i++) {
      points.add(shift(phi, i, h));
      points.add(shift(phi, i, -h));
    }
    for (int i = 0; i < p; i++) {
      for (int j = i + 1; j < p; j++) {
        points.add(shift(shift(phi, i, h), j, h));
        points.add(shift(shift(phi, i, h), j, -h));
        points.add(shift(shift(phi, i, -h), j, h));
        points.add(shift(shift(phi, i, -h), j, -h));
      }
    }
    double[] v = eval.logLikelihood(exp(points));
    double[][] hess = new double[p][p];
    int k = 1 + 2 * p;
    for (int i = 0; i < p; i++) {
      hess[i][i] = (v[1 + 2 * i] - 2 * v[0] + v[2 + 2 * i]) / (h * h);
      for (int j = i + 1; j < p; j++) {
        hess[i][j] = (v[k] - v[k + 1] - v[k + 2] + v[k + 3]) / (4 * h * h);
        hess[j][i] = hess[i][j];
        k += 4;
      }
    }
    double[] theta = exp(phi);
    RealMatrix information = new Array2DRowRealMatrix(p, p);
    for (int i = 0; i < p; i++) {
      for (int j = 0; j < p; j++) {
        information.setEntry(i, j, -hess[i][j] / (theta[i] * theta[j]));
      }
    }
    double[] se = new double[p];
    try {
      RealMatrix cov = new LUDecomposition(information).getSolver().getInverse();
      for (int i = 0; i < p; i++) {
        se[i] = cov.getEntry(i, i) > 0 ? Math.sqrt(cov.getEntry(i, i)) : Double.NaN;
      }
    } catch (org.apache.commons.math3.linear.SingularMatrixException e) {
      java.util.Arrays.fill(se, Double.NaN); // not identified: the estimates stand, without errors
    }
    return se;
  }

  private static double[][] bfgsUpdate(double[][] hInv, double[] s, double[] y, double sy) {
    int p = s.length;
    double[] hy = times(hInv, y);
    double yhy = dot(y, hy);
    double[][] out = new double[p][p];
    for (int i = 0; i < p; i++) {
      for (int j = 0; j < p; j++) {
        out[i][j] = hInv[i][j] + (sy + yhy) * s[i] * s[j] / (sy * sy) - (hy[i] * s[j] + s[i] * hy[j]) / sy;
      }
    }
    return out;
  }

  // Parameters are kept within e^±30: beyond it the likelihood is flat and the arithmetic overflows.
  private static double[] clamp(double[] phi) {
    double[] out = phi.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.max(-30, Math.min(30, out[i]));
    }
    return out;
  }

  private static double[][] identity(int p) {
    double[][] m = new double[p][p];
    for (int i = 0; i < p; i++) {
      m[i][i] = 1;
    }
    return m;
  }

  private static double[] times(double[][] m, double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = dot(m[i], v);
    }
    return out;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double[] add(double[] a, double[] d, double step) {
    double[] out = a.clone();
    for (int i = 0; i < a.length; i++) {
      out[i] += step * d[i];
    }
    return out;
  }

  private static double[] sub(double[] a, double[] b) {
    return add(a, b, -1);
  }

  private static double[] shift(double[] a, int i, double h) {
    double[] out = a.clone();
    out[i] += h;
    return out;
  }

  private static double maxAbs(double[] v) {
    double m = 0;
    for (double x : v) {
      m = Math.max(m, Math.abs(x));
    }
    return m;
  }

  private static double[] log(double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = Math.log(v[i]);
    }
    return out;
  }

  private static List<double[]> exp(List<double[]> phis) {
    return phis.stream().map(SummaryFit::exp).toList();
  }

  private static double[] exp(double[] phi) {
    double[] out = new double[phi.length];
    for (int i = 0; i < phi.length; i++) {
      out[i] = Math.exp(phi[i]);
    }
    return out;
  }
}
