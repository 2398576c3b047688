package io.cxlake.survival;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * The Cox proportional hazards model fitted by Newton–Raphson from risk-set sums per stratum and
 * time (one Spark aggregation per iteration, see {@link CoxData}; no subject row reaches the
 * driver). Ties by Efron (default, as R's coxph) or Breslow; case weights and strata as in R's
 * coxph (Efron with weights uses the mean weight of the tied events, as R does).
 */
public final class Cox {
  private Cox() {}

  public enum Ties { EFRON, BRESLOW }

  /**
   * One stratum's sums at one β, times ascending. Per time i: events (count and weight), the
   * weighted covariate sums of the events, and of everyone whose time is i: Σ w·e^(xβ), Σ
   * w·e^(xβ)·x, Σ w·e^(xβ)·x·xᵀ (p×p row-major), the same over the events only (Efron).
   */
  public record StratumSums(double[] time, long[] events, double[] eventWeight, double[][] eventX, double[] riskW,
      double[][] riskX, double[][] riskXX, double[] eventRiskW, double[][] eventRiskX, double[][] eventRiskXX) {}

  /** Log partial likelihood, score and information at one β, and (when kept) each event time's share. */
  public record Evaluation(double logLikelihood, double[] score, double[][] information, List<double[]> timeScores,
      List<double[][]> timeInformation, List<double[]> eventTimes) {}

  public record Fit(double[] beta, double[][] covariance, double logLikelihood, double nullLogLikelihood,
      int iterations, boolean converged, Evaluation atEstimate) {
    public double[] stdErrors() {
      double[] se = new double[beta.length];
      for (int i = 0; i < se.length; i++) {
        se[i] = Math.sqrt(covariance[i][i]);
      }
      return se;
    }

    /** Two-sided Wald p-value of coefficient i. */
    public double waldP(int i) {
      return 2 * new NormalDistribution().cumulativeProbability(-Math.abs(beta[i] / stdErrors()[i]));
    }

    /** Likelihood-ratio chi-squared against the model without covariates. */
    public double likelihoodRatio() {
      return 2 * (logLikelihood - nullLogLikelihood);
    }

    public double likelihoodRatioP() {
      return 1 - new ChiSquaredDistribution(beta.length).cumulativeProbability(likelihoodRatio());
    }
  }

  /**
   * Log partial likelihood, score and observed information at β from the per-time sums.
   * {@code keepTimes} keeps each event time's score and information (for the PH test).
   */
  public static Evaluation evaluate(List<StratumSums> strata, double[] beta, Ties ties, boolean keepTimes) {
    int p = beta.length;
    double ll = 0;
    double[] u = new double[p];
    double[][] info = new double[p][p];
    List<double[]> timeScores = keepTimes ? new ArrayList<>() : null;
    List<double[][]> timeInfo = keepTimes ? new ArrayList<>() : null;
    List<double[]> eventTimes = keepTimes ? new ArrayList<>() : null;
    for (StratumSums s : strata) {
      double s0 = 0;
      double[] s1 = new double[p];
      double[] s2 = new double[p * p];
      for (int i = s.time().length - 1; i >= 0; i--) {
        s0 += s.riskW()[i];
        add(s1, s.riskX()[i], 1);
        add(s2, s.riskXX()[i], 1);
        long m = s.events()[i];
        if (m == 0) {
          continue;
        }
        double[] ut = s.eventX()[i].clone();
        double[][] it = new double[p][p];
        ll += dot(s.eventX()[i], beta);
        // Breslow: every tied event sees the whole risk set; Efron: the k-th of m tied events
        // sees it less k/m of the events' own weight (an approximation of the exact likelihood)
        long steps = ties == Ties.BRESLOW ? 1 : m;
        double share = ties == Ties.BRESLOW ? s.eventWeight()[i] : s.eventWeight()[i] / m;
        for (long k = 0; k < steps; k++) {
          double f = ties == Ties.BRESLOW ? 0 : (double) k / m;
          double den = s0 - f * s.eventRiskW()[i];
          ll -= share * Math.log(den);
          double[] a = new double[p];
          for (int j = 0; j < p; j++) {
            a[j] = (s1[j] - f * s.eventRiskX()[i][j]) / den;
            ut[j] -= share * a[j];
          }
          for (int j = 0; j < p; j++) {
            for (int l = 0; l < p; l++) {
              it[j][l] += share * ((s2[j * p + l] - f * s.eventRiskXX()[i][j * p + l]) / den - a[j] * a[l]);
            }
          }
        }
        add(u, ut, 1);
        for (int j = 0; j < p; j++) {
          add(info[j], it[j], 1);
        }
        if (keepTimes) {
          timeScores.add(ut);
          timeInfo.add(it);
          eventTimes.add(new double[] {s.time()[i], s.eventWeight()[i]});
        }
      }
    }
    return new Evaluation(ll, u, info, timeScores, timeInfo, eventTimes);
  }

  /**
   * Newton–Raphson from β = 0 with step halving (as R's coxph): stops when the log likelihood
   * changes by less than {@code tolerance} relative, or after {@code maxIterations}.
   */
  public static Fit fit(Function<double[], List<StratumSums>> sums, int p, Ties ties, int maxIterations,
      double tolerance) {
    double[] beta = new double[p];
    List<StratumSums> currentSums = sums.apply(beta);
    Evaluation current = evaluate(currentSums, beta, ties, false);
    double nullLl = current.logLikelihood();
    int iteration = 0;
    boolean converged = p == 0;
    while (!converged && iteration < maxIterations) {
      iteration++;
      double[] step = solve(current.information(), current.score());
      double[] next = new double[p];
      List<StratumSums> trialSums = null;
      Evaluation trial = null;
      for (int halving = 0; halving < 10; halving++) {
        for (int j = 0; j < p; j++) {
          next[j] = beta[j] + step[j];
        }
        trialSums = sums.apply(next);
        trial = evaluate(trialSums, next, ties, false);
        if (Double.isFinite(trial.logLikelihood()) && trial.logLikelihood() >= current.logLikelihood() - 1e-12) {
          break;
        }
        for (int j = 0; j < p; j++) {
          step[j] /= 2;
        }
      }
      converged = Math.abs(trial.logLikelihood() - current.logLikelihood())
          <= tolerance * Math.max(1, Math.abs(current.logLikelihood()));
      beta = next.clone();
      current = trial;
      currentSums = trialSums;
    }
    // the sums at the estimate are those of the last step: evaluated again, keeping each time's share
    Evaluation last = evaluate(currentSums, beta, ties, true);
    return new Fit(beta, inverse(last.information()), last.logLikelihood(), nullLl, iteration, converged, last);
  }

  /** The proportional-hazards test of one covariate (or all: "GLOBAL"): chi-squared, df and p. */
  public record PhTest(String covariate, double chiSquared, int degreesOfFreedom, double pValue) {}

  /**
   * Grambsch–Therneau: the score test, at the fitted β, for adding x·g(t) (R's cox.zph). g is the
   * Kaplan–Meier transform (1 − the pooled KM just before t, R's default), passed per event time
   * in the order of {@link Evaluation#eventTimes}. Per covariate (1 df) and all together (p df).
   */
  public static List<PhTest> phTests(Fit fit, double[] g, List<String> names) {
    Evaluation e = fit.atEstimate();
    int p = fit.beta().length;
    double[] uG = new double[p];
    double[][] iGG = new double[p][p];
    double[][] iGB = new double[p][p];
    for (int t = 0; t < g.length; t++) {
      double[] ut = e.timeScores().get(t);
      double[][] it = e.timeInformation().get(t);
      for (int j = 0; j < p; j++) {
        uG[j] += g[t] * ut[j];
        for (int l = 0; l < p; l++) {
          iGG[j][l] += g[t] * g[t] * it[j][l];
          iGB[j][l] += g[t] * it[j][l];
        }
      }
    }
    // the efficient information of γ: I_γγ − I_γβ I_ββ⁻¹ I_βγ
    RealMatrix gb = new Array2DRowRealMatrix(iGB);
    RealMatrix efficient = new Array2DRowRealMatrix(iGG)
        .subtract(gb.multiply(new Array2DRowRealMatrix(fit.covariance())).multiply(gb.transpose()));
    List<PhTest> out = new ArrayList<>();
    for (int j = 0; j < p; j++) {
      double chi = uG[j] * uG[j] / efficient.getEntry(j, j);
      out.add(new PhTest(names.get(j), chi, 1, 1 - new ChiSquaredDistribution(1).cumulativeProbability(chi)));
    }
    double global = new ArrayRealVector(uG).dotProduct(new LUDecomposition(efficient).getSolver()
        .solve(new ArrayRealVector(uG)));
    out.add(new PhTest("GLOBAL", global, p, 1 - new ChiSquaredDistribution(p).cumulativeProbability(global)));
    return out;
  }

  /** g(t) = 1 − S(t−) of the pooled Kaplan–Meier curve, at each event time of {@link Evaluation#eventTimes}. */
  public static double[] kmTransform(List<double[]> eventTimes, KaplanMeier.Curve pooled) {
    double[] g = new double[eventTimes.size()];
    for (int t = 0; t < g.length; t++) {
      double before = 1;
      for (KaplanMeier.Step s : pooled.steps()) {
        if (s.time() >= eventTimes.get(t)[0]) {
          break;
        }
        before = s.survival();
      }
      g[t] = 1 - before;
    }
    return g;
  }

  static double[] solve(double[][] a, double[] b) {
    return new LUDecomposition(new Array2DRowRealMatrix(a)).getSolver().solve(new ArrayRealVector(b)).toArray();
  }

  static double[][] inverse(double[][] a) {
    return new LUDecomposition(new Array2DRowRealMatrix(a)).getSolver().getInverse().getData();
  }

  private static void add(double[] into, double[] x, double factor) {
    for (int i = 0; i < into.length; i++) {
      into[i] += factor * x[i];
    }
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
