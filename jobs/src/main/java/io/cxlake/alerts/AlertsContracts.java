package io.cxlake.alerts;

import static io.cxlake.metrics.GoldContracts.PERIOD_TYPE;
import static io.cxlake.metrics.GoldContracts.PERIOD_START;
import static io.cxlake.metrics.GoldContracts.SLICE;
import static io.cxlake.metrics.GoldContracts.SLICE_VALUE;
import static io.cxlake.metrics.GoldContracts.KEY;

import io.cxlake.contract.TableContract;
import java.util.List;

/** The gold tables of the alerts stage. */
public final class AlertsContracts {
  private AlertsContracts() {}

  public static final TableContract CX_ALERT = TableContract.table("cx_alert",
          "one row per period, KPI, slice and alert kind (change or threshold)")
      .describe("KPI alerts: significant adverse changes against a trailing (and, with two seasons of history, same-period-last-year) baseline, and threshold breaches (SPEC §8.8).")
      .column("period_type", "string", PERIOD_TYPE).notNull().accepted("month", "week")
      .column("period_start", "date", PERIOD_START).notNull()
      .column("kpi", "string", "KPI: nps, csat_top2_pct, ces_mean, cx_index, renewal_rate, churn_rate, repurchase_rate").notNull()
      .column("slice", "string", SLICE).notNull()
      .column("slice_value", "string", SLICE_VALUE).notNull()
      .column("alert_kind", "string", "change (significant adverse change) or threshold (limit breached)").notNull()
      .accepted("change", "threshold")
      .column("severity", "string", "critical, high, medium or low (docs/metrics.md#alerts)").notNull()
      .accepted("critical", "high", "medium", "low")
      .column("value", "double", "KPI value in the period").notNull()
      .column("n", "double", "Effective responses (or cases) behind the value").notNull().min(0)
      .column("baseline_value", "double", "Pooled value of the trailing baseline periods")
      .column("baseline_n", "double", "Effective responses (or cases) of the baseline")
      .column("baseline_kind", "string", "trailing_N, or trailing_N+last_year when last year's same period and its trailing baseline had enough data to check for seasonality")
      .column("last_year_value", "double", "Value in the same period one year earlier (null without that history)")
      .column("last_year_change", "double", "Last year's same period minus its own trailing baseline: a similar adverse change there marks the drop as seasonal (no change alert)")
      .column("change", "double", "value − baseline_value")
      .column("z", "double", "Test statistic of the change (Wald for NPS, two-proportion for rates, z for means)")
      .column("p_value", "double", "Two-sided p-value of the change").range(0, 1)
      .column("method", "string", "wald, adjusted_wald (small samples), two_proportion, z_mean, or threshold").notNull()
      .column("threshold", "double", "The limit breached (threshold alerts)")
      .column("message", "string", "One-line description for people").notNull()
      .column("as_of", "date", "As-of date of the run").notNull()
      .column("run_id", "string", "Run that raised the alert").notNull()
      .key("period_type", "period_start", "kpi", "slice", "slice_value", "alert_kind").zorderBy("period_start", "kpi")
      .build();

  public static final TableContract DETRACTOR_FOLLOWUP = TableContract.table("detractor_followup",
          "one row per detractor response (NPS 0-6) in the follow-up window before the as-of date")
      .describe("Close-the-loop list: customers who just answered 0-6, with touchpoint and PII-redacted verbatim; authorised staff find the customer through silver (survey_responses by response_id, or customer_key by customer_key).")
      .column("response_id", "string", "Survey response").notNull()
      .column("customer_key", "string", KEY).notNull()
      .column("responded_ts", "timestamp", "Response time (UTC)").notNull()
      .column("nps", "int", "NPS answer 0-6").notNull().range(0, 6)
      .column("csat", "int", "CSAT answer 1-5").range(1, 5)
      .column("touchpoint", "string", "Touchpoint surveyed").notNull()
      .column("journey_stage", "string", "Journey stage surveyed").notNull()
      .column("channel", "string", "Channel of the experience").notNull()
      .column("region", "string", "Customer's region")
      .column("lifecycle_stage", "string", "Customer's lifecycle stage at the as-of date")
      .column("verbatim_redacted", "string", "Comment with e-mails, phones, card and IBAN numbers and the customer's name replaced by [EMAIL], [PHONE], [CARD], [IBAN], [NAME]")
      .column("days_since_response", "int", "Days from the response to the as-of date").notNull().min(0)
      .column("as_of", "date", "As-of date of the list").notNull()
      .key("response_id")
      .build();

  /** Every gold table of this module, in build order. */

  public static List<TableContract> all() {
    return List.of(CX_ALERT, DETRACTOR_FOLLOWUP);
  }
}
