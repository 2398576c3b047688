package io.cxlake.core;

import static io.cxlake.core.ConfigLoader.fail;
import static io.cxlake.core.ConfigLoader.positive;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Validates the drivers and journey sections; every error names the key and the file. */
public final class DriversValidation {
  private DriversValidation() {}

  static void validate(CxlakeConfig.Drivers d, CxlakeConfig.Journey j, JsonNode t, String f) {
    if (d.attributes() == null) {
      fail(t, f, "drivers.attributes", "must be a list ([] = every rated attribute)");
    }
    if (Set.copyOf(d.attributes()).size() != d.attributes().size()) {
      fail(t, f, "drivers.attributes", "lists an attribute twice");
    }
    List<CxlakeConfig.Outcome> outcomes = d.outcomes() == null ? List.of() : d.outcomes();
    if (outcomes.isEmpty()) {
      fail(t, f, "drivers.outcomes", "must list at least one outcome");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < outcomes.size(); i++) {
      CxlakeConfig.Outcome o = outcomes.get(i);
      String key = "drivers.outcomes[" + i + "]";
      if (o.name() == null || !o.name().matches("[a-z][a-z0-9_]*")) {
        fail(t, f, key + ".name", "must be lower-case letters, digits and _, was '" + o.name() + "'");
      }
      if (!names.add(o.name())) {
        fail(t, f, key + ".name", "'" + o.name() + "' is listed twice");
      }
      if (o.type() == null || !CxlakeConfig.Drivers.OUTCOME_TYPES.contains(o.type())) {
        fail(t, f, key + ".type", "must be one of " + CxlakeConfig.Drivers.OUTCOME_TYPES + ", was '" + o.type() + "'");
      }
      if (o.binary()) {
        positive(o.windowDays(), key + ".window_days", t, f);
      } else if (o.windowDays() != null) {
        fail(t, f, key + ".window_days", "applies only to repurchase and renewal outcomes");
      }
    }
    List<String> slices = d.slices() == null ? List.of() : d.slices();
    for (int i = 0; i < slices.size(); i++) {
      if (!CxlakeConfig.Drivers.SLICES.contains(slices.get(i))) {
        fail(t, f, "drivers.slices[" + i + "]", "unknown slice '" + slices.get(i) + "' (known: "
            + CxlakeConfig.Drivers.SLICES + ")");
      }
    }
    if (Set.copyOf(slices).size() != slices.size()) {
      fail(t, f, "drivers.slices", "lists a slice twice");
    }
    positive(d.minResponses(), "drivers.min_responses", t, f);
    positive(d.lookbackDays(), "drivers.lookback_days", t, f);
    if (d.bootstrap() == null || d.bootstrap() < 20 || d.bootstrap() > 10_000) {
      fail(t, f, "drivers.bootstrap", "must be between 20 and 10000 resamples, was " + d.bootstrap());
    }
    if (d.confidence() == null || d.confidence() <= 0.5 || d.confidence() >= 1) {
      fail(t, f, "drivers.confidence", "must be between 0.5 and 1, was " + d.confidence());
    }
    if (!Set.of("mean", "top2").contains(d.performance())) {
      fail(t, f, "drivers.performance", "must be mean or top2, was '" + d.performance() + "'");
    }
    if (d.quadrant() == null) {
      fail(t, f, "drivers.quadrant", "section is missing");
    }
    threshold(d.quadrant().importance(), "drivers.quadrant.importance", t, f);
    threshold(d.quadrant().performance(), "drivers.quadrant.performance", t, f);
    CxlakeConfig.Kano k = d.kano();
    if (k == null || k.poorMax() == null || k.excellentMin() == null || k.poorMax() < 1 || k.excellentMin() > 5
        || k.poorMax() + 1 >= k.excellentMin()) {
      fail(t, f, "drivers.kano", "needs 1 <= poor_max and poor_max + 1 < excellent_min <= 5 (a middle band to compare with), was "
          + k);
    }
    if (k.dominance() == null || k.dominance() <= 0.5 || k.dominance() >= 1) {
      fail(t, f, "drivers.kano.dominance", "must be between 0.5 and 1, was " + k.dominance());
    }
    if (d.seed() == null) {
      fail(t, f, "drivers.seed", "must be set");
    }
    if (!Set.of("month", "week").contains(j.periodType())) {
      fail(t, f, "journey.period_type", "must be month or week, was '" + j.periodType() + "'");
    }
    if (outcomes.stream().noneMatch(o -> o.name().equals(j.driverOutcome()))) {
      fail(t, f, "journey.driver_outcome", "must name one of drivers.outcomes, was '" + j.driverOutcome() + "'");
    }
    CxlakeConfig.PainWeights w = j.painWeights();
    if (w == null) {
      fail(t, f, "journey.pain_weights", "section is missing");
    }
    Double[] parts = {w.detractors(), w.dissatisfied(), w.hardEffort(), w.complaints()};
    double sum = 0;
    for (Double p : parts) {
      if (p == null || p < 0) {
        fail(t, f, "journey.pain_weights", "needs detractors, dissatisfied, hard_effort and complaints, each 0 or more, was " + w);
      }
      sum += p;
    }
    if (sum <= 0) {
      fail(t, f, "journey.pain_weights", "must not all be 0");
    }
    positive(j.minResponses(), "journey.min_responses", t, f);
  }

  private static void threshold(String v, String key, JsonNode t, String f) {
    if (v == null || !(v.equals("mean") || v.equals("median") || v.matches("-?[0-9]+(\\.[0-9]+)?"))) {
      fail(t, f, key, "must be mean, median or a number, was '" + v + "'");
    }
  }
}
