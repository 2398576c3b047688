package io.cxlake.metrics;

import java.util.Set;
import io.cxlake.core.ConfigCheck;
import io.cxlake.core.ConfigSection;

/** Gold KPI marts (dimensions, facts, KPI tables, customer_360). */
public record MetricsConfig(
    /* Period grains of the KPI tables: month and/or week (ISO weeks, starting Monday). */
    java.util.List<String> periodTypes,
    /* Slices besides "all"; see docs/metrics.md for the columns each one means. */
    java.util.List<String> slices,
    /* Effective responses below this flag a KPI row as low-confidence (never hidden). */
    Integer minResponses,
    /* inactivity: no completed order for churn_inactivity_days | subscription: churned renewals. */
    String churnBasis,
    /* Days without a completed order after which a customer counts as churned (inactivity basis). */
    Integer churnInactivityDays,
    /* A completed order in the same category within this many days of an earlier one is a category repurchase. */
    Integer repurchaseWindowDays,
    /* Window of customer_360's frequency and monetary features, in days before the as-of date. */
    Integer lookbackDays,
    /* Lifecycle stage rules of dim_customer and customer_360. */
    Lifecycle lifecycle) {

  /** The "metrics" section of conf/cxlake.yaml. */
  public static final ConfigSection<MetricsConfig> SECTION = new ConfigSection<>("metrics", MetricsConfig.class, MetricsConfig::validate);

  static void validate(MetricsConfig c, ConfigCheck check) {
    if (c.periodTypes() == null || c.periodTypes().isEmpty()
        || !Set.of("month", "week").containsAll(c.periodTypes())) {
      check.fail("metrics.period_types", "must list month and/or week, was " + c.periodTypes());
    }
    if (c.slices() == null || !SLICES.containsAll(c.slices())) {
      check.fail("metrics.slices", "must be a list of " + new java.util.TreeSet<>(SLICES) + ", was " + c.slices());
    }
    check.positive(c.minResponses(), "metrics.min_responses");
    if (!Set.of("inactivity", "subscription").contains(c.churnBasis())) {
      check.fail("metrics.churn_basis", "must be inactivity or subscription, was '" + c.churnBasis() + "'");
    }
    check.positive(c.churnInactivityDays(), "metrics.churn_inactivity_days");
    check.positive(c.repurchaseWindowDays(), "metrics.repurchase_window_days");
    check.positive(c.lookbackDays(), "metrics.lookback_days");
    if (c.lifecycle() == null) {
      check.fail("metrics.lifecycle", "section is missing");
    }
    check.positive(c.lifecycle().newDays(), "metrics.lifecycle.new_days");
    check.positive(c.lifecycle().atRiskDays(), "metrics.lifecycle.at_risk_days");
    check.positive(c.lifecycle().loyalMinTenureDays(), "metrics.lifecycle.loyal_min_tenure_days");
    check.positive(c.lifecycle().loyalMinOrders(), "metrics.lifecycle.loyal_min_orders");
  }

  /** Slices the KPI tables know; see docs/metrics.md. */
  public static final Set<String> SLICES = Set.of("region", "country", "acquisition_channel", "plan",
      "lifecycle_stage", "channel", "touchpoint", "journey_stage", "survey_type", "segment");

  /** Lifecycle stage rules, evaluated in order: new, churned, at_risk, loyal, else developing. */
  public record Lifecycle(
      /* Tenure below this many days: new. */
      Integer newDays,
      /* No completed order for this many days (or a detractor score as the latest NPS): at_risk. */
      Integer atRiskDays,
      /* Tenure of at least this many days ... */
      Integer loyalMinTenureDays,
      /* ... and at least this many completed orders in the lookback window: loyal. */
      Integer loyalMinOrders) {
    /** Every stage the rules can assign (contracts accept these; value weights need each). */
    public static final java.util.List<String> STAGES = java.util.List.of("new", "developing", "loyal", "at_risk", "churned");
  }
}
