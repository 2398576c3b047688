package io.cxlake.drivers;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import io.cxlake.core.ConfigCheck;
import io.cxlake.core.ConfigSection;

/** Key-driver analysis (SPEC §8.5); docs/drivers.md. */
public record DriversConfig(
    /* Rated attributes used as drivers; empty = every attribute found in fact_survey_rating. */
    java.util.List<String> attributes,
    /* Outcomes to explain (nps, csat, ces, repurchase, renewal). */
    java.util.List<Outcome> outcomes,
    /* Slices analysed besides "all": region, channel, touchpoint, journey_stage, survey_type, segment. */
    java.util.List<String> slices,
    /* Slices with fewer complete responses are reported as skipped. */
    Integer minResponses,
    /* Responses of the last this many days up to the as-of date are analysed. */
    Integer lookbackDays,
    /* Poisson bootstrap resamples for the confidence intervals of the relative weights. */
    Integer bootstrap,
    /* Confidence level of the bootstrap intervals. */
    Double confidence,
    /* Performance of a driver: mean (mean rating rescaled to 0-100) | top2 (% rating 4-5). */
    String performance,
    /* Quadrant thresholds: mean or median of the slice's drivers, or a fixed number. */
    Quadrant quadrant,
    /* Penalty/reward (Kano) split. */
    Kano kano,
    /* Seed of the bootstrap weights and the noise probe. */
    Integer seed,
    /* A run less than this many days after the latest analysis with these settings leaves it standing (0 = analyse every run). */
    Integer refitDays) {
  /** Slice dimensions the stage knows. */
  public static final java.util.List<String> SLICES = java.util.List.of("region", "channel", "touchpoint",
      "journey_stage", "survey_type", "segment");
  /** Outcome types: continuous ones get OLS, binary ones logistic regression. */
  public static final java.util.List<String> OUTCOME_TYPES = java.util.List.of("nps", "csat", "ces", "repurchase",
      "renewal");

  /**
   * What an analysis depends on: every drivers setting but refit_days, and the cxlake version.
   * An analysis recorded with other settings is not left standing.
   */
  public String settings() {
    return io.cxlake.core.FitSettings.of(this, "refitDays");
  }

  /** The "drivers" section of conf/cxlake.yaml. */
  public static final ConfigSection<DriversConfig> SECTION = new ConfigSection<>("drivers", DriversConfig.class, DriversConfig::validate);

  static void validate(DriversConfig d, ConfigCheck check) {
    if (d.attributes() == null) {
      check.fail("drivers.attributes", "must be a list ([] = every rated attribute)");
    }
    if (Set.copyOf(d.attributes()).size() != d.attributes().size()) {
      check.fail("drivers.attributes", "lists an attribute twice");
    }
    List<DriversConfig.Outcome> outcomes = d.outcomes() == null ? List.of() : d.outcomes();
    if (outcomes.isEmpty()) {
      check.fail("drivers.outcomes", "must list at least one outcome");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < outcomes.size(); i++) {
      DriversConfig.Outcome o = outcomes.get(i);
      String key = "drivers.outcomes[" + i + "]";
      if (o.name() == null || !o.name().matches("[a-z][a-z0-9_]*")) {
        check.fail(key + ".name", "must be lower-case letters, digits and _, was '" + o.name() + "'");
      }
      if (!names.add(o.name())) {
        check.fail(key + ".name", "'" + o.name() + "' is listed twice");
      }
      if (o.type() == null || !DriversConfig.OUTCOME_TYPES.contains(o.type())) {
        check.fail(key + ".type", "must be one of " + DriversConfig.OUTCOME_TYPES + ", was '" + o.type() + "'");
      }
      if (o.binary()) {
        check.positive(o.windowDays(), key + ".window_days");
      } else if (o.windowDays() != null) {
        check.fail(key + ".window_days", "applies only to repurchase and renewal outcomes");
      }
    }
    List<String> slices = d.slices() == null ? List.of() : d.slices();
    for (int i = 0; i < slices.size(); i++) {
      if (!DriversConfig.SLICES.contains(slices.get(i))) {
        check.fail("drivers.slices[" + i + "]", "unknown slice '" + slices.get(i) + "' (known: "
            + DriversConfig.SLICES + ")");
      }
    }
    if (Set.copyOf(slices).size() != slices.size()) {
      check.fail("drivers.slices", "lists a slice twice");
    }
    check.positive(d.minResponses(), "drivers.min_responses");
    if (d.refitDays() == null || d.refitDays() < 0) {
      check.fail("drivers.refit_days", "must be 0 (analyse on every run) or more, was " + d.refitDays());
    }
    check.positive(d.lookbackDays(), "drivers.lookback_days");
    if (d.bootstrap() == null || d.bootstrap() < 20 || d.bootstrap() > 10_000) {
      check.fail("drivers.bootstrap", "must be between 20 and 10000 resamples, was " + d.bootstrap());
    }
    if (d.confidence() == null || d.confidence() <= 0.5 || d.confidence() >= 1) {
      check.fail("drivers.confidence", "must be between 0.5 and 1, was " + d.confidence());
    }
    if (!Set.of("mean", "top2").contains(d.performance())) {
      check.fail("drivers.performance", "must be mean or top2, was '" + d.performance() + "'");
    }
    if (d.quadrant() == null) {
      check.fail("drivers.quadrant", "section is missing");
    }
    threshold(d.quadrant().importance(), "drivers.quadrant.importance", check);
    threshold(d.quadrant().performance(), "drivers.quadrant.performance", check);
    DriversConfig.Kano k = d.kano();
    if (k == null || k.poorMax() == null || k.excellentMin() == null || k.poorMax() < 1 || k.excellentMin() > 5
        || k.poorMax() + 1 >= k.excellentMin()) {
      check.fail("drivers.kano", "needs 1 <= poor_max and poor_max + 1 < excellent_min <= 5 (a middle band to compare with), was "
          + k);
    }
    if (k.dominance() == null || k.dominance() <= 0.5 || k.dominance() >= 1) {
      check.fail("drivers.kano.dominance", "must be between 0.5 and 1, was " + k.dominance());
    }
    if (d.seed() == null) {
      check.fail("drivers.seed", "must be set");
    }
  }
  private static void threshold(String v, String key, ConfigCheck check) {
    if (v == null || !(v.equals("mean") || v.equals("median") || v.matches("-?[0-9]+(\\.[0-9]+)?"))) {
      check.fail(key, "must be mean, median or a number, was '" + v + "'");
    }
  }

  /**
   * One outcome of the key-driver analysis. {@code windowDays}: repurchase = a completed order within this
   * many days after the response; renewal = the next renewal decided within this many days.
   */
  public record Outcome(String name, String type, Integer windowDays) {
    public boolean binary() {
      return type.equals("repurchase") || type.equals("renewal");
    }
  }

  /** Importance-performance thresholds: "mean", "median" or a number (importance in %, performance 0-100). */
  public record Quadrant(String importance, String performance) {}

  /**
   * Kano-style penalty/reward: ratings at or below poorMax are poor, at or above excellentMin excellent;
   * a penalty share of at least dominance makes a dissatisfier, a reward share of at least dominance a delighter.
   */
  public record Kano(Integer poorMax, Integer excellentMin, Double dominance) {}
}
