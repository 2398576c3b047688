package io.cxlake.survival;

import io.cxlake.contract.TableContract;
import java.util.List;

/** Contracts of the survival tables (docs/survival.md explains how to read them). */
public final class SurvivalContracts {
  private SurvivalContracts() {}

  /**
   * lifetime: from the first order; experience: from the first NPS answer (a landmark);
   * subscription: each subscription from its start; own: a table brought with --features.
   */
  public static final List<String> POPULATIONS = List.of("lifetime", "experience", "subscription", "own");

  private static final String POPULATION = "lifetime (customers followed from the first completed order), experience "
      + "(followed from the first NPS answer, the customers active then), subscription (each subscription from its start "
      + "to its end or a renewal decided as churned) or own (durations brought with cxlake survival --features)";

  public static final TableContract SURVIVAL_CURVE = TableContract.table("survival_curve",
          "one row per as-of date, population, dimension, group and time with an event or a censoring")
      .describe("Kaplan–Meier retention curves: the share of customers still buying after a number of days, per group, with Greenwood standard errors and log-log confidence bands (survival.confidence). A customer's lifetime ends at the last completed order before a gap of survival.inactivity_days; customers not churned are censored at as-of date − inactivity_days, the last day whose status is known. Between two rows the curve is flat. Rows of an as-of date are replaced when the stage reruns for it.")
      .column("as_of_date", "date", "As-of date").notNull()
      .column("population", "string", POPULATION).notNull().accepted(POPULATIONS.toArray(String[]::new))
      .column("dimension", "string", "all, cohort (month of the first order), region, acquisition_channel (lifetime), nps_group (experience), plan, billing_period, region (subscription), or a string column of the table brought (own)").notNull()
      .column("group_value", "string", "The group (all for the all row)").notNull()
      .column("time", "double", "Time since the start of follow-up: days (lifetime, experience) or the unit of the --duration column (own)").notNull().min(0)
      .column("at_risk", "double", "Customers followed at least this long (still at risk at this time)").notNull().min(0)
      .column("events", "double", "Customers whose lifetime ended at this time").notNull().min(0)
      .column("censored", "double", "Customers whose follow-up ended at this time without churning").notNull().min(0)
      .column("survival", "double", "Kaplan–Meier estimate of the share still a customer just after this time").notNull().range(0, 1)
      .column("std_error", "double", "Greenwood standard error of survival").notNull().min(0)
      .column("survival_lower", "double", "Lower end of the log-log confidence interval (null while survival is 1)").range(0, 1)
      .column("survival_upper", "double", "Upper end of the log-log confidence interval").range(0, 1)
      .invariant("band_ordered", "survival_lower IS NULL OR (survival_lower <= survival + 1e-12 AND survival <= survival_upper + 1e-12)",
          "the band contains the curve")
      .key("as_of_date", "population", "dimension", "group_value", "time").partitionBy("as_of_date")
      .build();

  public static final TableContract SURVIVAL_GROUP = TableContract.table("survival_group",
          "one row per as-of date, population, dimension and group")
      .describe("Per group of a retention curve: customers, churn events, median lifetime with its confidence interval (Brookmeyer–Crowley, from the log-log band), survival after 365 days, and the log-rank test that the dimension's groups share one curve (repeated on each group of the dimension).")
      .column("as_of_date", "date", "As-of date").notNull()
      .column("population", "string", POPULATION).notNull().accepted(POPULATIONS.toArray(String[]::new))
      .column("dimension", "string", "The dimension of the curve").notNull()
      .column("group_value", "string", "The group").notNull()
      .column("customers", "bigint", "Customers followed (subscriptions, for the subscription population)").notNull().min(0)
      .column("events", "bigint", "Of them, churned (lifetime ended)").notNull().min(0)
      .column("median_time", "double", "Median lifetime (days, or the unit of --duration): the first time survival is 0.5 or less (null: not reached)")
      .column("median_lower", "double", "Lower end of the median's confidence interval (null: not reached)")
      .column("median_upper", "double", "Upper end of the median's confidence interval (null: not reached within follow-up)")
      .column("survival_365", "double", "Survival after 365 days (null: followed less than that, or not in days: own)").range(0, 1)
      .column("logrank_chi2", "double", "Log-rank chi-squared of the dimension's groups (null for all, when fewer than two groups qualify, or when a group was never at risk at an event time)")
      .column("logrank_df", "int", "Degrees of freedom: qualifying groups − 1")
      .column("logrank_p_value", "double", "p-value of the log-rank test").range(0, 1)
      .column("note", "string", "Why a group has no curve (fewer than survival.min_group_customers), else null")
      .column("settings", "string", "What the analysis depends on: every survival setting but refit_days, and the cxlake version (null for own durations). A run less than survival.refit_days after it, with the same settings, leaves it standing")
      .invariant("events_within_customers", "events <= customers", "events ≤ customers")
      .key("as_of_date", "population", "dimension", "group_value").partitionBy("as_of_date")
      .build();

  public static final TableContract SURVIVAL_MODEL = TableContract.table("survival_model",
          "one row per as-of date, model and covariate")
      .describe("Cox proportional hazards models: per covariate, the hazard ratio of churning with its confidence interval and Wald test, and the Grambsch–Therneau test of proportional hazards; the model's fit (customers, events, concordance, likelihood-ratio test) is repeated on each row. A hazard ratio of 2 means twice the rate of churning at any moment, the other covariates held equal. Associations, not causes. Rows of an as-of date are replaced when the stage reruns for it.")
      .column("as_of_date", "date", "As-of date").notNull()
      .column("model", "string", "experience (customers followed from their first NPS answer, covariates as known on that day), experience_over_time (lifetimes from the first order in monthly episodes, covariates as known the day before each month: the current NPS group and recent contacts, digital activity and orders) or own (a table brought with cxlake survival --features)").notNull()
      .column("covariate", "string", "Covariate (a level of a categorical one is named variable=level)").notNull()
      .column("reference", "string", "The level it is compared with (categorical), or null for a number")
      .column("coefficient", "double", "log hazard ratio").notNull()
      .column("std_error", "double", "Standard error of the coefficient (inverse observed information)").notNull().min(0)
      .column("hazard_ratio", "double", "exp(coefficient)").notNull().min(0)
      .column("hazard_ratio_lower", "double", "Lower end of its confidence interval").notNull().min(0)
      .column("hazard_ratio_upper", "double", "Upper end of its confidence interval").notNull().min(0)
      .column("z", "double", "Wald z = coefficient / std_error").notNull()
      .column("p_value", "double", "Two-sided Wald p-value").notNull().range(0, 1)
      .column("ph_chi2", "double", "Grambsch–Therneau score test that the hazard ratio is constant over time (g = 1 − KM, 1 df)").notNull().min(0)
      .column("ph_p_value", "double", "Its p-value: small values mean the ratio changes with time since the start").notNull().range(0, 1)
      .column("ph_global_p_value", "double", "The test over all covariates together").notNull().range(0, 1)
      .column("customers", "bigint", "Customers in the model (subjects, not episodes)").notNull().min(1)
      .column("events", "bigint", "Of them, churned").notNull().min(1)
      .column("ties", "string", "efron or breslow").notNull().accepted("efron", "breslow")
      .column("strata", "string", "Stratifying variables, comma-separated, or null")
      .column("concordance", "double", "Harrell's C of the model's risk scores (0.5 = no better than chance)").range(0, 1)
      .column("log_likelihood", "double", "Log partial likelihood at the estimate").notNull()
      .column("lr_chi2", "double", "Likelihood-ratio chi-squared against no covariates").notNull()
      .column("lr_p_value", "double", "Its p-value").notNull().range(0, 1)
      .column("iterations", "int", "Newton–Raphson iterations").notNull().min(0)
      .column("converged", "boolean", "Whether the log likelihood settled within survival.max_iterations").notNull()
      .key("as_of_date", "model", "covariate").partitionBy("as_of_date")
      .build();

  public static List<TableContract> all() {
    return List.of(SURVIVAL_CURVE, SURVIVAL_GROUP, SURVIVAL_MODEL);
  }
}
