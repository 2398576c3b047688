package io.cxlake.curate;

import io.cxlake.core.ConfigCheck;
import io.cxlake.core.ConfigSection;

/** Curate (bronze to silver). */
public record CurateConfig(
    /* A timestamp later than now + this many hours is quarantined as future_ts. */
    Integer futureToleranceHours) {

  /** The "curate" section of conf/cxlake.yaml. */
  public static final ConfigSection<CurateConfig> SECTION = new ConfigSection<>("curate", CurateConfig.class, CurateConfig::validate);

  static void validate(CurateConfig c, ConfigCheck check) {
    Integer tol = c.futureToleranceHours();
    if (tol == null || tol < 0) {
      check.fail("curate.future_tolerance_hours", "must be 0 or more, was " + tol);
    }
  }
}
