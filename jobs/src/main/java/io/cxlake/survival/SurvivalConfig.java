package io.cxlake.survival;

import io.cxlake.core.ConfigCheck;
import io.cxlake.core.ConfigSection;
import java.util.List;
import java.util.Set;

/** Survival: retention curves and hazard ratios of experience (SPEC §8.10); docs/survival.md. */
public record SurvivalConfig(
    /* A customer has churned once this many days pass without a completed order; the lifetime ends at the last order before that gap. */
    Integer inactivityDays,
    /* Ties in the Cox model: efron (as R's coxph) or breslow. */
    String ties,
    /* Cox strata (own baseline hazard per value): some of region, acquisition_channel; [] = none. */
    List<String> strata,
    /* Covariate: complaints in this many days up to the first survey (experience model) or up to each month (experience_over_time). */
    Integer complaintDays,
    /* experience_over_time: an NPS answer stays the customer's current one for this many days. */
    Integer recentAnswerDays,
    /* Groups with fewer customers get no curve and stay out of the log-rank test; rarer covariate levels join "other". */
    Integer minGroupCustomers,
    /* Confidence level of every interval (0.95 = 95%). */
    Double confidence,
    /* Newton-Raphson iterations of the Cox fit at most (each is one pass over the customers). */
    Integer maxIterations,
    /* Concordance groups risk scores exactly up to this many distinct values, else into this many quantile bins. */
    Integer concordanceBins,
    /* A run less than this many days after an analysis with the same settings leaves it standing; 0 = analyse every run. */
    Integer refitDays) {

  /** The covariates that may stratify the Cox model. */
  public static final List<String> STRATA = List.of("region", "acquisition_channel");

  /** The "survival" section of conf/cxlake.yaml. */
  public static final ConfigSection<SurvivalConfig> SECTION =
      new ConfigSection<>("survival", SurvivalConfig.class, SurvivalConfig::validate);

  /** What an analysis depends on: every survival setting but refit_days, and the cxlake version. */
  public String settings() {
    return io.cxlake.core.FitSettings.of(this, "refitDays");
  }

  public Cox.Ties tieMethod() {
    return Cox.Ties.valueOf(ties.toUpperCase(java.util.Locale.ROOT));
  }

  static void validate(SurvivalConfig c, ConfigCheck check) {
    check.positive(c.inactivityDays(), "survival.inactivity_days");
    if (!Set.of("efron", "breslow").contains(c.ties())) {
      check.fail("survival.ties", "must be efron or breslow, was '" + c.ties() + "'");
    }
    if (c.strata() == null || !STRATA.containsAll(c.strata())) {
      check.fail("survival.strata", "must list some of " + STRATA + ", was " + c.strata());
    }
    check.positive(c.complaintDays(), "survival.complaint_days");
    check.positive(c.recentAnswerDays(), "survival.recent_answer_days");
    check.positive(c.minGroupCustomers(), "survival.min_group_customers");
    if (c.confidence() == null || c.confidence() <= 0 || c.confidence() >= 1) {
      check.fail("survival.confidence", "must be in (0, 1), e.g. 0.95; was " + c.confidence());
    }
    check.positive(c.maxIterations(), "survival.max_iterations");
    if (c.refitDays() == null || c.refitDays() < 0) {
      check.fail("survival.refit_days", "must be 0 (analyse every run) or more days, was " + c.refitDays());
    }
    if (c.concordanceBins() == null || c.concordanceBins() < 2) {
      check.fail("survival.concordance_bins", "must be 2 or more, was " + c.concordanceBins());
    }
  }
}
