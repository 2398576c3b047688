package io.cxlake.value;

import io.cxlake.contract.TableContract;
import io.cxlake.metrics.GoldContracts;
import java.util.List;

/** Contracts of the value tables (docs/value.md explains how to read them). */
public final class ValueContracts {
  private ValueContracts() {}

  /** The groups of customers by their latest NPS answer. */
  public static final List<String> NPS_GROUPS = List.of("promoter", "passive", "detractor", "not surveyed");

  /** The dimensions value at risk is rolled up by. */
  public static final List<String> DIMENSIONS = List.of("all", "nps_group", "rfm_segment", "cluster", "region");

  public static final TableContract CUSTOMER_VALUE_AT_RISK = TableContract.table("customer_value_at_risk",
          "one row per as-of date and customer with a CLV (customer_clv)")
      .describe("Value at risk per customer: the CLV (customer_clv) times the calibrated probability of churning within the churn horizon (churn_score), with the groups it is rolled up by in value_at_risk. Rows of an as-of date are replaced when the stage reruns for it.")
      .column("as_of_date", "date", "As-of date of the CLV and the churn score").notNull()
      .column("customer_key", "string", GoldContracts.KEY).notNull()
      .column("clv", "double", "Expected discounted spend over clv.horizon (customer_clv)").notNull()
      .column("p_alive", "double", "P(alive), BG/NBD (customer_clv)").notNull().range(0, 1)
      .column("churn_probability", "double", "Calibrated probability of churning within churn.horizon_days (churn_score; null: not scored, i.e. not an active customer at the as-of date)").range(0, 1)
      .column("value_at_risk", "double", "churn_probability × clv: the expected value lost to churn (null when not scored)")
      .column("nps_group", "string", "Group of the customer's latest NPS answer up to the as-of date, or not surveyed").notNull()
      .accepted(NPS_GROUPS.toArray(String[]::new))
      .column("rfm_segment", "string", "RFM segment at the as-of date (customer_rfm), or unknown").notNull()
      .column("cluster", "string", "Cluster label at the as-of date (customer_cluster), or unknown").notNull()
      .column("region", "string", "Region (customer_360), or unknown").notNull()
      .invariant("risk_within_value", "value_at_risk IS NULL OR abs(value_at_risk) <= abs(clv) + 1e-9",
          "value at risk is a share of the CLV")
      .key("as_of_date", "customer_key").partitionBy("as_of_date").zorderBy("value_at_risk")
      .build();

  public static final TableContract VALUE_AT_RISK = TableContract.table("value_at_risk",
          "one row per as-of date, dimension (all, nps_group, rfm_segment, cluster, region) and group")
      .describe("Value at risk rolled up: per group of customers, the CLV and the value at risk (CLV × churn probability) in total and per customer, with bootstrap confidence intervals of the per-customer means (value.confidence, value.bootstrap_resamples). The groups of a dimension add up to its all row. The intervals say how precisely a group's mean is known from its customers; the uncertainty of the fitted CLV and churn models is not in them.")
      .column("as_of_date", "date", "As-of date").notNull()
      .column("dimension", "string", "all, nps_group, rfm_segment, cluster or region").notNull()
      .accepted(DIMENSIONS.toArray(String[]::new))
      .column("group_value", "string", "The group (all for the all row)").notNull()
      .column("customers", "bigint", "Customers with a CLV").notNull().min(1)
      .column("scored_customers", "bigint", "Of them, scored by churn (active at the as-of date)").notNull().min(0)
      .column("clv_total", "double", "Sum of CLV").notNull()
      .column("clv_mean", "double", "CLV per customer").notNull()
      .column("clv_mean_ci_low", "double", "Lower end of the bootstrap interval of clv_mean (null: fewer than value.min_group_customers)")
      .column("clv_mean_ci_high", "double", "Upper end of the bootstrap interval of clv_mean")
      .column("value_at_risk_total", "double", "Sum of value at risk over the scored customers")
      .column("value_at_risk_mean", "double", "Value at risk per scored customer")
      .column("value_at_risk_mean_ci_low", "double", "Lower end of the bootstrap interval of value_at_risk_mean")
      .column("value_at_risk_mean_ci_high", "double", "Upper end of the bootstrap interval of value_at_risk_mean")
      .column("share_at_risk", "double", "value_at_risk_total / the CLV of the scored customers: the share of their value expected to be lost").range(0, 1)
      .column("share_at_risk_ci_low", "double", "Lower end of the bootstrap interval of share_at_risk").range(0, 1)
      .column("share_at_risk_ci_high", "double", "Upper end of the bootstrap interval of share_at_risk").range(0, 1)
      .column("bootstrap_resamples", "int", "Resamples behind the intervals (0: none computed)").notNull().min(0)
      .invariant("ci_ordered", "clv_mean_ci_low IS NULL OR clv_mean_ci_low <= clv_mean_ci_high", "the interval's ends are ordered")
      .key("as_of_date", "dimension", "group_value").partitionBy("as_of_date")
      .build();

  public static final TableContract EXPERIENCE_VALUE = TableContract.table("experience_value",
          "one row per as-of date and NPS group (promoter, passive, detractor, not surveyed)")
      .describe("What experience is worth: CLV and 12-month retention by NPS group with confidence intervals, and each group's difference from passives adjusted for tenure and past spend (OLS with heteroskedasticity-robust HC1 standard errors; retention as a linear probability model, in percentage points). An association in observational data, not proof that changing a customer's NPS changes their value (docs/value.md).")
      .column("as_of_date", "date", "As-of date").notNull()
      .column("nps_group", "string", "promoter, passive, detractor or not surveyed (latest NPS answer up to the date the row's measure uses)").notNull()
      .accepted(NPS_GROUPS.toArray(String[]::new))
      .column("customers", "bigint", "Customers with a CLV in the group (NPS group as of the as-of date)").notNull().min(0)
      .column("clv_mean", "double", "CLV per customer")
      .column("clv_mean_ci_low", "double", "Lower end of the bootstrap interval of clv_mean")
      .column("clv_mean_ci_high", "double", "Upper end of the bootstrap interval of clv_mean")
      .column("clv_difference", "double", "CLV per customer minus passives', adjusted for tenure (years) and log(1 + spend of metrics.lookback_days); 0 for passives, the reference")
      .column("clv_difference_ci_low", "double", "Lower end of its confidence interval (HC1 standard error)")
      .column("clv_difference_ci_high", "double", "Upper end of its confidence interval")
      .column("clv_difference_p_value", "double", "Two-sided p-value of the difference (t-test, HC1)").range(0, 1)
      .column("retention_base_date", "date", "The base date: as-of date minus value.retention_months; NPS group, tenure and past spend of the retention rows are as of it").notNull()
      .column("retention_customers", "bigint", "Customers with a completed order by the base date, in the group by their latest NPS answer up to it").notNull().min(0)
      .column("retained_pct", "double", "% of them with a completed order after the base date, up to the as-of date").range(0, 100)
      .column("retained_pct_ci_low", "double", "Lower end of the Wilson score interval of retained_pct").range(0, 100)
      .column("retained_pct_ci_high", "double", "Upper end of the Wilson score interval").range(0, 100)
      .column("retention_difference_pp", "double", "retained_pct minus passives', in percentage points, adjusted for tenure and log(1 + spend of the year before the base date); 0 for passives")
      .column("retention_difference_ci_low", "double", "Lower end of its confidence interval (HC1)")
      .column("retention_difference_ci_high", "double", "Upper end of its confidence interval")
      .column("retention_difference_p_value", "double", "Two-sided p-value of the difference").range(0, 1)
      .column("note", "string", "reference group; why a figure is missing (too few customers, no base-date data)")
      .key("as_of_date", "nps_group").partitionBy("as_of_date")
      .build();

  public static final TableContract DRIVER_VALUE = TableContract.table("driver_value",
          "one row per as-of date and NPS key driver (key_driver, slice all)")
      .describe("The value of one more rating point on each NPS key driver, as a chain of stated assumptions: the driver model's change in the 0-10 NPS answer per rating point (key_driver.coefficient_per_point) moves every surveyed customer's latest answer by that much; the shares of promoters and detractors change accordingly (answers read as a latent score spread evenly over ±0.5 around each whole number); each customer who changes group gains the adjusted CLV difference of experience_value. An estimate of what an improvement could be worth, resting on associations, not a measured effect.")
      .column("as_of_date", "date", "As-of date").notNull()
      .column("driver", "string", "Rated attribute").notNull()
      .column("driver_as_of_date", "date", "As-of date of the key_driver rows used (the latest up to the as-of date)").notNull()
      .column("importance_pct", "double", "Relative importance of the driver for NPS (key_driver)").range(0, 100)
      .column("significant", "boolean", "The driver beats the noise probe (key_driver)")
      .column("coefficient_per_point", "double", "Change in the 0-10 NPS answer per rating point (1-5 scale), the other drivers held equal (key_driver)")
      .column("coefficient_p_value", "double", "Its p-value (key_driver)").range(0, 1)
      .column("surveyed_customers", "bigint", "Customers with a CLV and an NPS answer: the population the change is applied to").notNull().min(0)
      .column("promoters_pct", "double", "% promoters among them today").range(0, 100)
      .column("detractors_pct", "double", "% detractors among them today").range(0, 100)
      .column("promoters_change_pp", "double", "Change in % promoters after one more rating point")
      .column("detractors_change_pp", "double", "Change in % detractors after one more rating point")
      .column("nps_change", "double", "Change in NPS (% promoters − % detractors)")
      .column("promoter_value", "double", "Adjusted CLV difference promoter − passive (experience_value)")
      .column("detractor_value", "double", "Adjusted CLV difference detractor − passive (experience_value)")
      .column("value_change", "double", "Change in the surveyed customers' total CLV: customers × (Δ promoter share × promoter_value + Δ detractor share × detractor_value); null when a difference is missing")
      .column("note", "string", "Why value_change is missing")
      .key("as_of_date", "driver").partitionBy("as_of_date")
      .build();

  public static List<TableContract> all() {
    return List.of(CUSTOMER_VALUE_AT_RISK, VALUE_AT_RISK, EXPERIENCE_VALUE, DRIVER_VALUE);
  }
}
