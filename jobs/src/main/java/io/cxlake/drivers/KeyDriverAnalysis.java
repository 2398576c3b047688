package io.cxlake.drivers;

import io.cxlake.drivers.DriverAggregates.LogitReplicate;
import io.cxlake.drivers.DriverAggregates.Logit;
import io.cxlake.drivers.DriverAggregates.Group;
import io.cxlake.drivers.DriverAggregates.Descriptive;
import io.cxlake.core.CxlakeConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;

/**
 * Turns the aggregated sums of one group (outcome × slice) into per-driver results: the model fit,
 * relative weights with bootstrap percentile intervals, the noise-probe test, performance,
 * quadrant and the Kano class. Pure Java: no Spark.
 */
public final class KeyDriverAnalysis {
  private KeyDriverAnalysis() {}

  /** One driver's result in one group. Null doubles are written as SQL nulls. */
  public record DriverResult(String outcome, String outcomeType, String model, String sliceType, String sliceValue,
      String driver, String status, String note, long responses, Double effectiveN, Double rSquared, Double coefficient,
      Double coefficientPerPoint, Double pValue, Double rawWeight, Double rawCiLow, Double rawCiHigh, Double rescaled, Double rescaledCiLow,
      Double rescaledCiHigh, Double noiseWeight, Double overNoiseCiLow, Boolean significant, Integer rank, Double performance,
      Double meanRating, Double top2Pct, Double poorPct, Double excellentPct, String quadrant, Double kanoPenalty,
      Double kanoReward, String kanoClass, Integer resamples) {}

  /** The fitted weights of one group before performance and quadrants are added. */
  record Fit(double r2, double[] coefficient, double[] perPoint, double[] pValue, double[] weights,
      double[][] replicateWeights) {}

  /** Linear (OLS) fit and bootstrap weights from moments per replicate (index 0 = full sample). */
  static Fit linear(Moments[] reps) {
    Moments full = reps[0];
    DriverStats.Ols ols = DriverStats.ols(full);
    int k = full.variables() - 1;
    double[] weights = linearWeights(full, k);
    List<double[]> boot = new ArrayList<>();
    for (int b = 1; b < reps.length; b++) {
      if (reps[b] == null) {
        continue;
      }
      try {
        boot.add(linearWeights(reps[b], k));
      } catch (DriverStats.Unfit e) {
        // a degenerate resample (a constant driver) carries no information about the weights
      }
    }
    return new Fit(ols.r2(), ols.standardized(), ols.coefficients(), ols.pValues(), weights, boot.toArray(double[][]::new));
  }

  private static double[] linearWeights(Moments m, int k) {
    int[] x = DriverStats.drivers(k);
    DriverStats.checkVariance(m, x);
    return DriverStats.relativeWeights(m.corr(x), m.corrWith(x, 1));
  }

  /**
   * Logistic fit: coefficients per standard deviation, Wald p-values (information scaled to Kish's
   * effective n), relative weights, and one-step bootstrap weights. A replicate's R_O² uses the
   * full-sample predictions under its weights (the refit would change them only to second order).
   */
  static Fit logistic(Logit fit, LogitReplicate[] reps) {
    Moments full = reps[0].moments();
    int k = full.variables() - 1;
    double[] std = perSd(fit.beta(), full, k);
    RealMatrix info = fit.information().scalarMultiply(full.effectiveN() / full.sumW());
    RealMatrix cov = DriverStats.inverse(info);
    double[] p = new double[k];
    for (int j = 0; j < k; j++) {
      p[j] = DriverStats.waldP(fit.beta()[j + 1], Math.sqrt(cov.getEntry(j + 1, j + 1)));
    }
    int[] x = DriverStats.drivers(k);
    double[] weights = DriverStats.logisticRelativeWeights(full.corr(x), std, reps[0].r2o());
    List<double[]> boot = new ArrayList<>();
    for (int b = 1; b < reps.length; b++) {
      double[] beta = oneStep(fit.beta(), reps[b]);
      if (beta == null || Double.isNaN(reps[b].r2o())) {
        continue;
      }
      try {
        DriverStats.checkVariance(reps[b].moments(), x);
        boot.add(DriverStats.logisticRelativeWeights(reps[b].moments().corr(x), perSd(beta, reps[b].moments(), k),
            reps[b].r2o()));
      } catch (DriverStats.Unfit e) {
        // degenerate resample: skipped
      }
    }
    return new Fit(reps[0].r2o(), std, java.util.Arrays.copyOfRange(fit.beta(), 1, k + 1), p, weights,
        boot.toArray(double[][]::new));
  }

  /** β + H_b⁻¹·g_b: the replicate's coefficients one Newton step from the full-sample fit; null if singular. */
  static double[] oneStep(double[] beta, LogitReplicate rep) {
    if (rep == null) {
      return null;
    }
    try {
      RealVector step = DriverStats.inverse(rep.information()).operate(rep.score());
      double[] out = beta.clone();
      for (int j = 0; j < out.length; j++) {
        out[j] += step.getEntry(j);
      }
      return out;
    } catch (DriverStats.Unfit | org.apache.commons.math3.linear.SingularMatrixException e) {
      return null;
    }
  }

  /** Log-odds coefficients (without intercept) times each regressor's standard deviation. */
  private static double[] perSd(double[] beta, Moments m, int k) {
    double[] s = new double[k];
    for (int j = 0; j < k; j++) {
      s[j] = beta[j + 1] * m.sd(j + 2);
    }
    return s;
  }

  /** What the analysis needs from the configuration. */
  record Settings(List<String> drivers, DriversConfig.Outcome outcome, int minResponses, double confidence,
      String performance, DriversConfig.Quadrant quadrant, DriversConfig.Kano kano) {}

  /** Rows of a group below the minimum, or one whose model cannot be fitted: one row per driver, with the reason. */
  static List<DriverResult> notAnalysed(Settings s, Group g, String status, String note, long n, Double effectiveN) {
    List<DriverResult> out = new ArrayList<>();
    for (String d : s.drivers()) {
      out.add(new DriverResult(g.outcome(), s.outcome().type(), model(s), g.sliceType(), g.sliceValue(), d, status, note,
          n, effectiveN, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
          null, null, null, null, null, null, null, null));
    }
    return out;
  }

  static String model(Settings s) {
    return s.outcome().binary() ? "logistic" : "ols";
  }

  /** Per-driver rows of an analysed group: weights with intervals, significance, rank, performance, quadrant, Kano. */
  static List<DriverResult> results(Settings s, Group g, Fit fit, Descriptive d) {
    int p = s.drivers().size();
    double alpha = 1 - s.confidence();
    double noise = fit.weights()[p];
    double driverSum = 0;
    for (int j = 0; j < p; j++) {
      driverSum += fit.weights()[j];
    }
    double[][] rescaledBoot = new double[fit.replicateWeights().length][];
    for (int b = 0; b < rescaledBoot.length; b++) {
      double[] w = fit.replicateWeights()[b];
      double sum = 0;
      for (int j = 0; j < p; j++) {
        sum += w[j];
      }
      rescaledBoot[b] = new double[p];
      for (int j = 0; j < p; j++) {
        rescaledBoot[b][j] = sum > 0 ? 100 * w[j] / sum : Double.NaN;
      }
    }
    double[] performance = new double[p];
    for (int j = 0; j < p; j++) {
      performance[j] = s.performance().equals("top2") ? 100 * d.top2Share()[j] : (d.meanRating()[j] - 1) / 4 * 100;
    }
    double[] rescaled = new double[p];
    for (int j = 0; j < p; j++) {
      rescaled[j] = driverSum > 0 ? 100 * fit.weights()[j] / driverSum : Double.NaN;
    }
    double impCut = threshold(s.quadrant().importance(), rescaled);
    double perfCut = threshold(s.quadrant().performance(), performance);
    Integer[] order = new Integer[p];
    for (int j = 0; j < p; j++) {
      order[j] = j;
    }
    Arrays.sort(order, Comparator.comparingDouble((Integer j) -> -fit.weights()[j]));
    int[] rank = new int[p];
    for (int r = 0; r < p; r++) {
      rank[order[r]] = r + 1;
    }
    DriverStats.PenaltyReward pr = DriverStats.penaltyReward(d.contrasts(), p);
    double unit = s.outcome().binary() ? 100 : 1;
    Moments m = d.contrasts();
    List<DriverResult> out = new ArrayList<>();
    for (int j = 0; j < p; j++) {
      double[] col = column(fit.replicateWeights(), j);
      final int jj = j;
      double[] overNoise = Arrays.stream(fit.replicateWeights()).mapToDouble(w -> w[jj] - w[p])
          .filter(Double::isFinite).sorted().toArray();
      double overNoiseLow = DriverStats.percentile(overNoise, alpha / 2);
      double[] rcol = column(rescaledBoot, j);
      double low = DriverStats.percentile(col, alpha / 2);
      double high = DriverStats.percentile(col, 1 - alpha / 2);
      String quadrant = rescaled[j] >= impCut
          ? (performance[j] < perfCut ? "fix first" : "maintain")
          : (performance[j] < perfCut ? "low priority" : "monitor");
      out.add(new DriverResult(g.outcome(), s.outcome().type(), model(s), g.sliceType(), g.sliceValue(), s.drivers().get(j),
          "ok", null, m.n(), m.effectiveN(), fit.r2(), fit.coefficient()[j], fit.perPoint()[j], fit.pValue()[j], fit.weights()[j],
          nan(low), nan(high), nan(rescaled[j]), nan(DriverStats.percentile(rcol, alpha / 2)),
          nan(DriverStats.percentile(rcol, 1 - alpha / 2)), noise, nan(overNoiseLow),
          !Double.isNaN(overNoiseLow) && overNoiseLow > 0 && low > noise, rank[j],
          performance[j], d.meanRating()[j], 100 * d.top2Share()[j], 100 * d.poorShare()[j], 100 * d.excellentShare()[j],
          quadrant, nan(pr.penalty()[j] * unit), nan(pr.reward()[j] * unit),
          DriverStats.kanoClass(pr.penalty()[j], pr.reward()[j], s.kano().dominance()), col.length));
    }
    return out;
  }

  /** "mean", "median" or a fixed number. */
  static double threshold(String rule, double[] values) {
    double[] v = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
    return switch (rule) {
      case "mean" -> Arrays.stream(v).average().orElse(Double.NaN);
      case "median" -> DriverStats.percentile(v, 0.5);
      default -> Double.parseDouble(rule);
    };
  }

  /** Sorted column j of the replicate weights. */
  private static double[] column(double[][] rows, int j) {
    return Arrays.stream(rows).mapToDouble(r -> r[j]).filter(Double::isFinite).sorted().toArray();
  }

  private static Double nan(double v) {
    return Double.isFinite(v) ? v : null;
  }

  /** Every group's rows from the aggregates; groups below the minimum are reported as skipped. */
  static List<DriverResult> analyse(List<Settings> outcomes, Map<Group, Moments[]> linear, Map<Group, Descriptive> desc,
      Map<Group, Logit> logits, Map<Group, LogitReplicate[]> logitReps) {
    List<DriverResult> out = new ArrayList<>();
    List<Group> groups = new ArrayList<>(desc.keySet());
    groups.sort(Comparator.comparing(Group::outcome).thenComparing(Group::sliceType).thenComparing(Group::sliceValue));
    for (Group g : groups) {
      Settings s = outcomes.stream().filter(o -> o.outcome().name().equals(g.outcome())).findFirst().orElseThrow();
      Descriptive d = desc.get(g);
      long n = d.contrasts().n();
      if (n < s.minResponses()) {
        out.addAll(notAnalysed(s, g, "skipped", n + " complete responses, fewer than drivers.min_responses ("
            + s.minResponses() + ")", n, d.contrasts().effectiveN()));
        continue;
      }
      try {
        Fit fit;
        if (s.outcome().binary()) {
          Logit l = logits.get(g);
          if (l == null || !l.converged()) {
            throw new DriverStats.Unfit("the logistic regression did not converge (the outcome may be (almost) perfectly "
                + "predicted, or always the same)");
          }
          fit = logistic(l, logitReps.get(g));
        } else {
          fit = linear(linear.get(g));
        }
        out.addAll(results(s, g, fit, d));
      } catch (DriverStats.Unfit e) {
        out.addAll(notAnalysed(s, g, "unfit", e.getMessage(), n, d.contrasts().effectiveN()));
      }
    }
    return out;
  }
}
