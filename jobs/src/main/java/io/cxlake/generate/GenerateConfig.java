package io.cxlake.generate;

import io.cxlake.core.ConfigCheck;
import io.cxlake.core.ConfigSection;

/** Synthetic data generator defaults. */
public record GenerateConfig(
    /* Last day of generated history (fixed so output depends on the seed only). */
    String endDate,
    /* Months of history. */
    Integer months,
    /* Share of extra dirty rows planted per clean row. */
    Double dirtyRate) {
  public java.time.LocalDate endDateValue() {
    return java.time.LocalDate.parse(endDate);
  }

  /** The "generate" section of conf/cxlake.yaml. */
  public static final ConfigSection<GenerateConfig> SECTION = new ConfigSection<>("generate", GenerateConfig.class, GenerateConfig::validate);

  static void validate(GenerateConfig c, ConfigCheck check) {
    try {
      java.time.LocalDate.parse(String.valueOf(c.endDate()));
    } catch (java.time.format.DateTimeParseException e) {
      check.fail("generate.end_date", "must be a date YYYY-MM-DD, was '" + c.endDate() + "'");
    }
    if (c.months() == null || c.months() < 1 || c.months() > 120) {
      check.fail("generate.months", "must be between 1 and 120, was " + c.months());
    }
    if (c.dirtyRate() == null || c.dirtyRate() < 0 || c.dirtyRate() > 0.5) {
      check.fail("generate.dirty_rate", "must be between 0 and 0.5, was " + c.dirtyRate());
    }
  }
}
