package io.cxlake.churn;

import io.cxlake.core.Tier;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import io.cxlake.core.ConfigCheck;
import io.cxlake.core.ConfigSection;

/** Churn prediction (SPEC §8.4); docs/churn.md. */
public record ChurnConfig(
    /* inactivity: no completed order within horizon_days after the cutoff | subscription: a churned renewal or a cancellation. */
    String label,
    /* Days after the cutoff the label looks ahead. */
    Integer horizonDays,
    /* Inactivity label: a customer with a completed order in the last this many days before the cutoff is active (the others have churned already). */
    Integer activeDays,
    /* Monthly cutoffs the models train on, before the validation cutoff. */
    Integer trainingCutoffs,
    /* Candidate models: logistic_regression and/or gbt; the best PR-AUC on validation wins. */
    java.util.List<String> models,
    /* Regularisation strengths tried for logistic regression. */
    java.util.List<Double> regParams,
    /* Elastic-net mix of logistic regression: 0 = ridge (L2), 1 = lasso (L1). */
    Double elasticNet,
    /* Tree depths tried for the gradient-boosted trees. */
    java.util.List<Integer> gbtDepths,
    /* Boosting iterations (trees). */
    Integer gbtIterations,
    /* Tuning fits use at most this many training rows (a sample): candidates compare fairly at a fraction of the cost. */
    Integer tuningSample,
    /* Fewer training rows than this: a small search, one candidate per model family (the middle reg_params value, the smallest gbt_depths value); 0 always searches the whole grid. */
    Integer smallDataRows,
    /* balanced: churners and stayers weigh the same in training | none. */
    String classWeights,
    /* Risk bands on the calibrated probability, highest first: a probability at or above min gets the band. */
    java.util.List<Tier> riskBands,
    /* Features of the native mode (docs/churn.md#features lists them all). */
    java.util.List<String> features,
    /* Bring-your-own-features mode: share of rows (per class) held out for evaluation. */
    Double holdoutFraction,
    /* Seed of splits and models. */
    Integer seed,
    /* A pipeline run less than this many days after a training with the same settings scores with its model; 0 = train every run. */
    Integer refitDays) {
  /** Candidate model names (churn.models). */
  public static final java.util.List<String> MODELS = java.util.List.of("logistic_regression", "gbt");

  /** The "churn" section of conf/cxlake.yaml. */
  public static final ConfigSection<ChurnConfig> SECTION = new ConfigSection<>("churn", ChurnConfig.class, ChurnConfig::validate);

  /**
   * The search for this many training rows: the configured grid, or below small_data_rows one
   * candidate per family — on a few thousand rows the grid's differences are within noise and
   * each fit costs mostly fixed Spark overhead.
   */
  public ChurnConfig searchFor(long trainingRows) {
    if (trainingRows >= smallDataRows) {
      return this;
    }
    List<Double> regs = regParams.stream().sorted().toList();
    List<Integer> depths = gbtDepths.stream().sorted().toList();
    return new ChurnConfig(label, horizonDays, activeDays, trainingCutoffs, models, List.of(regs.get(regs.size() / 2)),
        elasticNet, List.of(depths.get(0)), gbtIterations, tuningSample, smallDataRows, classWeights, riskBands, features,
        holdoutFraction, seed, refitDays);
  }

  /**
   * What a training depends on besides its rows: every churn setting but refit_days, the
   * features the inputs offer ({@code available}: sentiment_180d joins once voice has run), and
   * the cxlake version.
   */
  public String settings(List<String> available) {
    return io.cxlake.core.FitSettings.of(this, "refitDays") + " available=" + available;
  }

  static void validate(ChurnConfig c, ConfigCheck check) {
    if (!Set.of("inactivity", "subscription").contains(c.label())) {
      check.fail("churn.label", "must be inactivity or subscription, was '" + c.label() + "'");
    }
    check.positive(c.horizonDays(), "churn.horizon_days");
    check.positive(c.activeDays(), "churn.active_days");
    check.positive(c.trainingCutoffs(), "churn.training_cutoffs");
    if (c.trainingCutoffs() < 2) {
      check.fail("churn.training_cutoffs", "must be 2 or more (the latest one tunes the models), was " + c.trainingCutoffs());
    }
    List<String> models = c.models() == null ? List.of() : c.models();
    if (models.isEmpty() || !ChurnConfig.MODELS.containsAll(models)) {
      check.fail("churn.models", "must list one or more of " + ChurnConfig.MODELS + ", was " + c.models());
    }
    if (c.regParams() == null || c.regParams().isEmpty() || c.regParams().stream().anyMatch(r -> r == null || r < 0)) {
      check.fail("churn.reg_params", "must list one or more values of 0 or more, was " + c.regParams());
    }
    if (c.elasticNet() == null || c.elasticNet() < 0 || c.elasticNet() > 1) {
      check.fail("churn.elastic_net", "must be between 0 and 1, was " + c.elasticNet());
    }
    if (c.gbtDepths() == null || c.gbtDepths().isEmpty()
        || c.gbtDepths().stream().anyMatch(d -> d == null || d < 1 || d > 30)) {
      check.fail("churn.gbt_depths", "must list one or more depths between 1 and 30, was " + c.gbtDepths());
    }
    check.positive(c.gbtIterations(), "churn.gbt_iterations");
    check.positive(c.tuningSample(), "churn.tuning_sample");
    if (c.smallDataRows() == null || c.smallDataRows() < 0) {
      check.fail("churn.small_data_rows", "must be 0 or more, was " + c.smallDataRows());
    }
    if (!Set.of("balanced", "none").contains(c.classWeights())) {
      check.fail("churn.class_weights", "must be balanced or none, was '" + c.classWeights() + "'");
    }
    Tier.validate(c.riskBands(), "churn.risk_bands", 1, check);
    List<String> features = c.features() == null ? List.of() : c.features();
    if (features.isEmpty()) {
      check.fail("churn.features", "must list at least one feature");
    }
    for (int i = 0; i < features.size(); i++) {
      if (!ChurnFeatures.CATALOGUE.keySet().contains(features.get(i))) {
        check.fail("churn.features[" + i + "]", "unknown feature '" + features.get(i) + "' (known: "
            + new TreeSet<>(ChurnFeatures.CATALOGUE.keySet()) + ")");
      }
    }
    if (Set.copyOf(features).size() != features.size()) {
      check.fail("churn.features", "lists a feature twice");
    }
    if (c.holdoutFraction() == null || c.holdoutFraction() <= 0 || c.holdoutFraction() >= 1) {
      check.fail("churn.holdout_fraction", "must be between 0 and 1, was " + c.holdoutFraction());
    }
    if (c.seed() == null) {
      check.fail("churn.seed", "must be set");
    }
    if (c.refitDays() == null || c.refitDays() < 0) {
      check.fail("churn.refit_days", "must be 0 (train on every run) or more days, was " + c.refitDays());
    }
  }
}
