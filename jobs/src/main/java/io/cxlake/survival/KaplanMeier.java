package io.cxlake.survival;

import java.util.ArrayList;
import java.util.List;

/**
 * The Kaplan–Meier estimate of one group from its weighted events and censorings per time (the
 * per-day aggregates Spark computes; no subject row is needed). Greenwood standard errors and
 * 95% intervals on the log(-log S) scale (R's survfit conf.type "log-log", lifelines' default),
 * the median lifetime and its interval (Brookmeyer–Crowley: the times where the band crosses 0.5).
 */
public final class KaplanMeier {
  private KaplanMeier() {}

  /** S just after {@code time}; bounds are null where S is 0 or 1 (log(-log S) undefined). */
  public record Step(double time, double atRisk, double events, double censored, double survival, double stdError,
      Double lower, Double upper) {}

  /** median null: S never reached 0.5; its bounds likewise. */
  public record Curve(List<Step> steps, double subjects, double events, Double median, Double medianLower,
      Double medianUpper) {}

  /**
   * @param times distinct times, ascending
   * @param events (weighted) events at each time
   * @param censored (weighted) censorings at each time; a subject censored at t was at risk at t
   * @param z the normal quantile of the interval (1.96 for 95%)
   */
  public static Curve fit(double[] times, double[] events, double[] censored, double z) {
    double subjects = 0;
    double totalEvents = 0;
    for (int i = 0; i < times.length; i++) {
      subjects += events[i] + censored[i];
      totalEvents += events[i];
    }
    List<Step> steps = new ArrayList<>();
    double atRisk = subjects;
    double survival = 1;
    double greenwood = 0;
    Double median = null;
    Double medianLower = null;
    Double medianUpper = null;
    for (int i = 0; i < times.length; i++) {
      double d = events[i];
      if (d > 0) {
        survival *= 1 - d / atRisk;
        // d = n (everyone left dies): S = 0 and the Greenwood term is infinite; the bounds are null then
        greenwood += atRisk > d ? d / (atRisk * (atRisk - d)) : 0;
      }
      double se = survival * Math.sqrt(greenwood);
      Double lower = null;
      Double upper = null;
      if (survival > 0 && survival < 1) {
        double sigma = Math.sqrt(greenwood) / Math.abs(Math.log(survival));
        lower = Math.pow(survival, Math.exp(z * sigma));
        upper = Math.pow(survival, Math.exp(-z * sigma));
      } else if (survival == 0) {
        lower = 0.0;
        upper = 0.0;
      }
      steps.add(new Step(times[i], atRisk, d, censored[i], survival, se, lower, upper));
      if (median == null && survival <= 0.5) {
        median = times[i];
      }
      // the median's interval: from where the lower band reaches 0.5 to where the upper one does
      if (medianLower == null && lower != null && lower <= 0.5) {
        medianLower = times[i];
      }
      if (medianUpper == null && upper != null && upper <= 0.5) {
        medianUpper = times[i];
      }
      atRisk -= d + censored[i];
    }
    return new Curve(steps, subjects, totalEvents, median, medianLower, medianUpper);
  }
}
