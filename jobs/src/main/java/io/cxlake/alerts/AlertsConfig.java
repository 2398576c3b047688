package io.cxlake.alerts;

import java.util.Map;
import java.util.Set;
import io.cxlake.core.ConfigCheck;
import io.cxlake.core.ConfigSection;

/** KPI alerts (SPEC §8.8). */
public record AlertsConfig(
    /* Period grain the alerts compare: month or week. */
    String periodType,
    /* Trailing periods pooled into the baseline. */
    Integer baselinePeriods,
    /* A slice-period with fewer (effective) responses or cases than this raises no change alert. */
    Integer minResponses,
    /* Significance level of the change tests (two-sided; only adverse changes alert). */
    Double alpha,
    /* Smallest adverse change worth an alert, per KPI, in the KPI's units. */
    java.util.Map<String, Double> minChange,
    /* Fixed limits per KPI: min and/or max. */
    java.util.Map<String, Threshold> thresholds,
    /* The printed summary covers this many latest periods. */
    Integer recentPeriods,
    /* The detractor follow-up list covers responses of the last this many days. */
    Integer followupDays) {

  /** The "alerts" section of conf/cxlake.yaml. */
  public static final ConfigSection<AlertsConfig> SECTION = new ConfigSection<>("alerts", AlertsConfig.class, AlertsConfig::validate);

  static void validate(AlertsConfig c, ConfigCheck check) {
    if (!Set.of("month", "week").contains(c.periodType())) {
      check.fail("alerts.period_type", "must be month or week, was '" + c.periodType() + "'");
    }
    check.positive(c.baselinePeriods(), "alerts.baseline_periods");
    check.positive(c.minResponses(), "alerts.min_responses");
    if (c.alpha() == null || c.alpha() <= 0 || c.alpha() >= 0.5) {
      check.fail("alerts.alpha", "must be between 0 and 0.5, was " + c.alpha());
    }
    for (String kpi : c.minChange() == null ? Set.<String>of() : c.minChange().keySet()) {
      if (!AlertsStage.HIGHER_IS_BETTER.keySet().contains(kpi)) {
        check.fail("alerts.min_change." + kpi, "unknown KPI (known: " + new java.util.TreeSet<>(AlertsStage.HIGHER_IS_BETTER.keySet()) + ")");
      }
      if (c.minChange().get(kpi) == null || c.minChange().get(kpi) < 0) {
        check.fail("alerts.min_change." + kpi, "must be 0 or more");
      }
    }
    for (Map.Entry<String, AlertsConfig.Threshold> e
        : (c.thresholds() == null ? Map.<String, AlertsConfig.Threshold>of() : c.thresholds()).entrySet()) {
      if (!AlertsStage.HIGHER_IS_BETTER.keySet().contains(e.getKey())) {
        check.fail("alerts.thresholds." + e.getKey(), "unknown KPI (known: " + new java.util.TreeSet<>(AlertsStage.HIGHER_IS_BETTER.keySet()) + ")");
      }
      if (e.getValue() == null || (e.getValue().min() == null && e.getValue().max() == null)) {
        check.fail("alerts.thresholds." + e.getKey(), "needs min and/or max");
      }
    }
    check.positive(c.recentPeriods(), "alerts.recent_periods");
    check.positive(c.followupDays(), "alerts.followup_days");
  }

  /** A fixed limit on a KPI. */
  public record Threshold(Double min, Double max) {}
}
