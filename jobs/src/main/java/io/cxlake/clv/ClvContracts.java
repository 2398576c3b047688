package io.cxlake.clv;

import io.cxlake.contract.TableContract;
import io.cxlake.metrics.GoldContracts;
import java.util.List;

/** Contracts of the customer lifetime value tables (docs/value.md explains how to read them). */
public final class ClvContracts {
  private ClvContracts() {}

  private static final String KEY = GoldContracts.KEY;

  public static final TableContract CUSTOMER_CLV = TableContract.table("customer_clv",
          "one row per as-of date and customer with a completed order by then")
      .describe("Customer lifetime value: the BG/NBD purchase summary of each customer (repeat purchase days x, t_x, T), P(alive), expected purchases and expected spend per purchase (Gamma-Gamma) over clv.horizon, and their discounted product, the CLV. Rows of an as-of date are replaced when the stage reruns for it. The parameters are fitted at most every clv.refit_days days: a run in between scores with the latest fit's (fit_as_of_date).")
      .column("as_of_date", "date", "As-of date: completed orders up to and including this day").notNull()
      .column("customer_key", "string", KEY).notNull()
      .column("first_purchase_date", "date", "Day of the customer's first completed order").notNull()
      .column("repeat_purchases", "double", "x: distinct purchase days after the first").notNull().min(0)
      .column("last_purchase_age", "double", "t_x: time from the first to the last purchase day, in time_unit").notNull().min(0)
      .column("customer_age", "double", "T: time from the first purchase day to the as-of date, in time_unit").notNull().min(0)
      .column("mean_repeat_spend", "double", "m: mean net spend of the repeat purchase days (null without one)")
      .column("time_unit", "string", "Unit of t_x, T and the horizon (clv.time_unit)").notNull().accepted("week", "day")
      .column("p_alive", "double", "P(alive | x, t_x, T) under the fitted BG/NBD").notNull().range(0, 1)
      .column("expected_purchases", "double", "Expected purchase days in the next horizon time units (BG/NBD conditional expectation)").notNull().min(0)
      .column("expected_spend", "double", "Expected spend per purchase (Gamma-Gamma: the customer's mean shrunk toward the population's)").notNull()
      .column("horizon", "int", "Horizon of expected_purchases and clv, in time_unit (clv.horizon)").notNull().min(1)
      .column("clv", "double", "Expected spend over the horizon, discounted month by month at clv.annual_discount_rate").notNull()
      .column("fit_as_of_date", "date", "As-of date of the fit (clv_model, fit full) whose parameters scored the row: this as-of date, or an earlier one within clv.refit_days").notNull()
      .invariant("summary_consistent", "last_purchase_age <= customer_age AND (repeat_purchases = 0) = (last_purchase_age = 0 AND mean_repeat_spend IS NULL)",
          "t_x lies within T; a customer without repeat purchases has t_x 0 and no repeat spend")
      .key("as_of_date", "customer_key").partitionBy("as_of_date").zorderBy("customer_key")
      .build();

  public static final TableContract CLV_MODEL = TableContract.table("clv_model",
          "one row per as-of date, fit (full or calibration), model and parameter")
      .describe("Model card of the CLV models: maximum-likelihood estimates of BG/NBD (r, alpha, a, b) and Gamma-Gamma (p, q, gamma) with standard errors from the observed information, the log-likelihood, the customers fitted and the data window. The full fit scores customer_clv; the calibration fit (data up to as-of − clv.holdout) is checked in clv_holdout. Only the runs that fit write rows: a run within clv.refit_days of a fit scores with it and adds none.")
      .column("as_of_date", "date", "As-of date of the run").notNull()
      .column("fit", "string", "full (orders up to the as-of date) or calibration (up to calibration_end)").notNull().accepted("full", "calibration")
      .column("model", "string", "bg_nbd (purchase frequency and dropout) or gamma_gamma (spend per purchase)").notNull().accepted("bg_nbd", "gamma_gamma")
      .column("parameter", "string", "r, alpha, a, b (BG/NBD) or p, q, gamma (Gamma-Gamma); alpha and gamma are in time_unit and currency").notNull()
      .column("estimate", "double", "Maximum-likelihood estimate").notNull().min(0)
      .column("std_error", "double", "Standard error from the inverse observed information (null when not identified)").min(0)
      .column("log_likelihood", "double", "Log-likelihood at the estimates").notNull()
      .column("customers", "bigint", "Customers fitted (Gamma-Gamma: repeat buyers with positive spend)").notNull().min(1)
      .column("iterations", "int", "Optimiser (BFGS) iterations").notNull().min(0)
      .column("data_end", "date", "Last order day the fit used").notNull()
      .column("time_unit", "string", "clv.time_unit").notNull()
      .column("frequency_spend_correlation", "double", "Gamma-Gamma only: correlation of repeat purchases and mean repeat spend among repeat buyers (the model assumes none)").range(-1, 1)
      .key("as_of_date", "fit", "model", "parameter").partitionBy("as_of_date")
      .build();

  public static final TableContract CLV_HOLDOUT = TableContract.table("clv_holdout",
          "one row per as-of date and calibration frequency bucket, plus one for all customers")
      .describe("Calibration check of BG/NBD: fitted on orders up to calibration_end = as-of − clv.holdout, the expected repeat purchases in the holdout (calibration_end, as-of] against the actual ones, per bucket of calibration repeat purchases (the classic plot of Fader, Hardie & Lee 2005, figure 4). Written by the runs that fit (clv_model).")
      .column("as_of_date", "date", "As-of date of the run").notNull()
      .column("calibration_end", "date", "Last order day of the calibration data").notNull()
      .column("bucket", "string", "Repeat purchases in calibration: 0, 1, ..., 'N+' (clv.frequency_buckets), or all").notNull()
      .column("bucket_order", "int", "Sort order of the bucket (all last)").notNull()
      .column("customers", "bigint", "Customers with a first purchase by calibration_end in the bucket").notNull().min(1)
      .column("predicted_mean", "double", "Mean expected repeat purchase days in the holdout").notNull().min(0)
      .column("actual_mean", "double", "Mean actual repeat purchase days in the holdout").notNull().min(0)
      .column("predicted_total", "double", "Sum of expected repeat purchase days in the holdout").notNull().min(0)
      .column("actual_total", "double", "Sum of actual repeat purchase days in the holdout").notNull().min(0)
      .key("as_of_date", "bucket").partitionBy("as_of_date")
      .build();

  public static List<TableContract> all() {
    return List.of(CUSTOMER_CLV, CLV_MODEL, CLV_HOLDOUT);
  }
}
