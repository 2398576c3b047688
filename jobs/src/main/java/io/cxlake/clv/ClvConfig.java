package io.cxlake.clv;

import io.cxlake.core.ConfigCheck;
import io.cxlake.core.ConfigSection;
import java.util.List;

/** Customer lifetime value (BG/NBD + Gamma-Gamma); docs/value.md. */
public record ClvConfig(
    /* Time unit of t_x, T, the horizon and the holdout: week | day. */
    String timeUnit,
    /* Expected purchases and CLV are over the next this many time units. */
    Integer horizon,
    /* Yearly discount rate of future spend in the CLV (0.1 = 10%), applied month by month. */
    Double annualDiscountRate,
    /* Calibration check: fit up to as-of − holdout units, compare predicted and actual repeat purchases in the holdout (0 = no check). */
    Integer holdout,
    /* Holdout buckets by calibration repeat purchases: 0 .. this − 1 and this or more. */
    Integer frequencyBuckets,
    /* Fewer customers with a completed order, or fewer repeat buyers than this, and the stage is skipped. */
    Integer minCustomers,
    /* A run within this many days after the latest fit scores with its parameters instead of fitting; 0 = fit every run. */
    Integer refitDays) {

  public static final List<String> TIME_UNITS = List.of("week", "day");

  /** The "clv" section of conf/cxlake.yaml. */
  public static final ConfigSection<ClvConfig> SECTION = new ConfigSection<>("clv", ClvConfig.class, ClvConfig::validate);

  static void validate(ClvConfig c, ConfigCheck check) {
    check.oneOf(c.timeUnit(), TIME_UNITS, "clv.time_unit");
    check.positive(c.horizon(), "clv.horizon");
    if (c.annualDiscountRate() == null || c.annualDiscountRate() < 0 || c.annualDiscountRate() >= 1) {
      check.fail("clv.annual_discount_rate", "must be a rate in [0, 1), was " + c.annualDiscountRate());
    }
    if (c.holdout() == null || c.holdout() < 0) {
      check.fail("clv.holdout", "must be 0 (no check) or a number of time units, was " + c.holdout());
    }
    check.positive(c.frequencyBuckets(), "clv.frequency_buckets");
    check.positive(c.minCustomers(), "clv.min_customers");
    if (c.refitDays() == null || c.refitDays() < 0) {
      check.fail("clv.refit_days", "must be 0 (fit on every run) or more, was " + c.refitDays());
    }
  }

  /** Days in one time unit. */
  public double unitDays() {
    return timeUnit().equals("week") ? 7.0 : 1.0;
  }
}
