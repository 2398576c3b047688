package io.cxlake.core;

import static io.cxlake.core.ConfigLoader.fail;
import static io.cxlake.core.ConfigLoader.positive;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Validates the churn section; every error names the key and the file. */
public final class ChurnValidation {
  private ChurnValidation() {}

  /** Features the native mode can build (docs/churn.md#features describes each). */
  public static final Set<String> FEATURES = Set.of("recency_days", "frequency_365", "monetary_365", "aov_365",
      "orders_90", "order_rate", "overdue_ratio", "spend_trend", "last_activity_days", "tenure_days", "has_subscription", "renewals", "latest_nps", "nps_trend",
      "detractor_180d", "latest_csat", "complaints_90d", "contacts_90d", "first_response_hours_90d",
      "resolution_hours_90d", "slow_resolutions_90d", "open_contacts", "sessions_30d", "digital_trend",
      "sentiment_180d");

  static void validate(CxlakeConfig.Churn c, JsonNode t, String f) {
    if (!Set.of("inactivity", "subscription").contains(c.label())) {
      fail(t, f, "churn.label", "must be inactivity or subscription, was '" + c.label() + "'");
    }
    positive(c.horizonDays(), "churn.horizon_days", t, f);
    positive(c.activeDays(), "churn.active_days", t, f);
    positive(c.trainingCutoffs(), "churn.training_cutoffs", t, f);
    if (c.trainingCutoffs() < 2) {
      fail(t, f, "churn.training_cutoffs", "must be 2 or more (the latest one tunes the models), was " + c.trainingCutoffs());
    }
    List<String> models = c.models() == null ? List.of() : c.models();
    if (models.isEmpty() || !CxlakeConfig.Churn.MODELS.containsAll(models)) {
      fail(t, f, "churn.models", "must list one or more of " + CxlakeConfig.Churn.MODELS + ", was " + c.models());
    }
    if (c.regParams() == null || c.regParams().isEmpty() || c.regParams().stream().anyMatch(r -> r == null || r < 0)) {
      fail(t, f, "churn.reg_params", "must list one or more values of 0 or more, was " + c.regParams());
    }
    if (c.elasticNet() == null || c.elasticNet() < 0 || c.elasticNet() > 1) {
      fail(t, f, "churn.elastic_net", "must be between 0 and 1, was " + c.elasticNet());
    }
    if (c.gbtDepths() == null || c.gbtDepths().isEmpty()
        || c.gbtDepths().stream().anyMatch(d -> d == null || d < 1 || d > 30)) {
      fail(t, f, "churn.gbt_depths", "must list one or more depths between 1 and 30, was " + c.gbtDepths());
    }
    positive(c.gbtIterations(), "churn.gbt_iterations", t, f);
    positive(c.tuningSample(), "churn.tuning_sample", t, f);
    if (!Set.of("balanced", "none").contains(c.classWeights())) {
      fail(t, f, "churn.class_weights", "must be balanced or none, was '" + c.classWeights() + "'");
    }
    SegmentationValidation.tiers(c.riskBands(), "churn.risk_bands", 1, t, f);
    List<String> features = c.features() == null ? List.of() : c.features();
    if (features.isEmpty()) {
      fail(t, f, "churn.features", "must list at least one feature");
    }
    for (int i = 0; i < features.size(); i++) {
      if (!FEATURES.contains(features.get(i))) {
        fail(t, f, "churn.features[" + i + "]", "unknown feature '" + features.get(i) + "' (known: "
            + new TreeSet<>(FEATURES) + ")");
      }
    }
    if (Set.copyOf(features).size() != features.size()) {
      fail(t, f, "churn.features", "lists a feature twice");
    }
    if (c.holdoutFraction() == null || c.holdoutFraction() <= 0 || c.holdoutFraction() >= 1) {
      fail(t, f, "churn.holdout_fraction", "must be between 0 and 1, was " + c.holdoutFraction());
    }
    if (c.seed() == null) {
      fail(t, f, "churn.seed", "must be set");
    }
  }
}
