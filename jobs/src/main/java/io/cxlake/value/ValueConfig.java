package io.cxlake.value;

import io.cxlake.core.ConfigCheck;
import io.cxlake.core.ConfigSection;

/** Value at risk and what experience is worth; docs/value.md. */
public record ValueConfig(
    /* Bootstrap resamples behind the confidence intervals of the group means. */
    Integer bootstrapResamples,
    /* Confidence level of every interval (0.95 = 95%). */
    Double confidence,
    /* Retention by NPS group: the NPS group known this many months before the as-of date, retained = a completed order after it. */
    Integer retentionMonths,
    /* A group with fewer customers gets no interval and no adjusted difference (too few to say). */
    Integer minGroupCustomers,
    /* Seed of the bootstrap: equal inputs give equal intervals. */
    Long seed) {

  /** The "value" section of conf/cxlake.yaml. */
  public static final ConfigSection<ValueConfig> SECTION = new ConfigSection<>("value", ValueConfig.class, ValueConfig::validate);

  static void validate(ValueConfig c, ConfigCheck check) {
    check.positive(c.bootstrapResamples(), "value.bootstrap_resamples");
    if (c.confidence() == null || c.confidence() <= 0 || c.confidence() >= 1) {
      check.fail("value.confidence", "must be in (0, 1), e.g. 0.95; was " + c.confidence());
    }
    check.positive(c.retentionMonths(), "value.retention_months");
    check.positive(c.minGroupCustomers(), "value.min_group_customers");
    if (c.seed() == null) {
      check.fail("value.seed", "must be a whole number");
    }
  }
}
