package io.cxlake.drivers;

import java.util.List;
import java.util.Set;
import io.cxlake.core.ConfigCheck;
import io.cxlake.core.ConfigSection;

/** Touchpoint journey (SPEC §8.7); docs/drivers.md#journey. */
public record JourneyConfig(
    /* month | week. */
    String periodType,
    /* key_driver outcome whose touchpoint slices give each touchpoint's top driver. */
    String driverOutcome,
    /* Weights of the negativity components in the pain index (normalised over those with data). */
    PainWeights painWeights,
    /* Touchpoint-periods with fewer survey responses are flagged low_confidence. */
    Integer minResponses) {

  /** The "journey" section of conf/cxlake.yaml. */
  public static final ConfigSection<JourneyConfig> SECTION = new ConfigSection<>("journey", JourneyConfig.class, JourneyConfig::validate);

  static void validate(JourneyConfig c, ConfigCheck check) {    List<DriversConfig.Outcome> outcomes = check.section(DriversConfig.SECTION).outcomes();
    if (!Set.of("month", "week").contains(c.periodType())) {
      check.fail("journey.period_type", "must be month or week, was '" + c.periodType() + "'");
    }
    if (outcomes.stream().noneMatch(o -> o.name().equals(c.driverOutcome()))) {
      check.fail("journey.driver_outcome", "must name one of drivers.outcomes, was '" + c.driverOutcome() + "'");
    }
    JourneyConfig.PainWeights w = c.painWeights();
    if (w == null) {
      check.fail("journey.pain_weights", "section is missing");
    }
    Double[] parts = {w.detractors(), w.dissatisfied(), w.hardEffort(), w.complaints()};
    double sum = 0;
    for (Double p : parts) {
      if (p == null || p < 0) {
        check.fail("journey.pain_weights", "needs detractors, dissatisfied, hard_effort and complaints, each 0 or more, was " + w);
      }
      sum += p;
    }
    if (sum <= 0) {
      check.fail("journey.pain_weights", "must not all be 0");
    }
    check.positive(c.minResponses(), "journey.min_responses");
  }

  /** Weights of the pain index's negativity components. */
  public record PainWeights(Double detractors, Double dissatisfied, Double hardEffort, Double complaints) {}
}
