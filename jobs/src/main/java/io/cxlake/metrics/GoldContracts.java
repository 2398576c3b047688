package io.cxlake.metrics;

import io.cxlake.contract.TableContract;
import io.cxlake.platform.Customer360Enrichment;
import io.cxlake.core.CxlakeConfig;
import java.util.ArrayList;
import java.util.List;

/** Contracts of the gold tables built by the metrics and alerts stages. */
public final class GoldContracts {
  private GoldContracts() {}

  public static final String PERIOD_TYPE = "Period grain: month or week (ISO week, Monday start)";
  public static final String PERIOD_START = "First day of the period";
  private static final String PERIOD_END = "First day after the period (exclusive end)";
  private static final String IS_COMPLETE = "Whether the period ended on or before the as-of date (false: partial period)";
  public static final String SLICE = "Slice dimension: all, region, channel, touchpoint, journey_stage, ... (docs/metrics.md)";
  public static final String SLICE_VALUE = "Value of the slice dimension (all for the all slice; unknown when missing)";
  private static final String RUN_ID = "Run that computed this row (unchanged rows keep the run that last computed them)";
  public static final String KEY = "Pseudonymous customer key: first 16 hex digits of HMAC-SHA256(secret, customer_id)";

  /** period_type, period_start, period_end, is_complete: the period key of the KPI tables. */
  private static TableContract.Builder period(TableContract.Builder b) {
    return b.column("period_type", "string", PERIOD_TYPE).notNull().accepted("month", "week")
        .column("period_start", "date", PERIOD_START).notNull()
        .column("period_end", "date", PERIOD_END).notNull()
        .column("is_complete", "boolean", IS_COMPLETE).notNull();
  }

  /** The period key plus slice and slice_value. */
  private static TableContract.Builder periodAndSlice(TableContract.Builder b) {
    return period(b).column("slice", "string", SLICE).notNull()
        .column("slice_value", "string", SLICE_VALUE).notNull();
  }

  public static final TableContract DIM_CUSTOMER = TableContract.table("dim_customer",
          "one row per customer who signed up by the as-of date")
      .describe("Customer dimension: attributes and lifecycle stage at the as-of date, without PII (no id, e-mail, phone, birth year).")
      .column("customer_key", "string", KEY).notNull()
      .column("region", "string", "Sales region").notNull()
      .column("country", "string", "ISO 3166-1 alpha-2 country code")
      .column("acquisition_channel", "string", "Channel that acquired the customer")
      .column("plan", "string", "Current subscription plan, null when none")
      .column("age_band", "string", "Age band at the as-of year from the birth year (<25, 25-34, ..., 65+, unknown)")
      .accepted("<25", "25-34", "35-44", "45-54", "55-64", "65+", "unknown")
      .column("signup_date", "date", "Date the customer signed up").notNull()
      .column("tenure_days", "int", "Days from sign-up to the as-of date").notNull().min(0)
      .column("lifecycle_stage", "string", "new, developing, loyal, at_risk or churned (rules: metrics.lifecycle)").notNull()
      .accepted(MetricsConfig.Lifecycle.STAGES.toArray(String[]::new))
      .column("has_active_subscription", "boolean", "Whether a subscription is active at the as-of date").notNull()
      .column("first_order_date", "date", "Date of the first completed order, null when none")
      .column("last_order_date", "date", "Date of the latest completed order up to the as-of date, null when none")
      .column("snapshot_date", "date", "As-of date the attributes describe").notNull()
      .key("customer_key").zorderBy("region")
      .build();

  public static final TableContract DIM_DATE = TableContract.table("dim_date",
          "one row per calendar day from the earliest sign-up or event to the as-of date")
      .describe("Date dimension with month and ISO-week attributes for joining facts by day.")
      .column("date", "date", "Calendar day").notNull()
      .column("year", "int", "Calendar year").notNull()
      .column("quarter", "int", "Calendar quarter 1-4").notNull().range(1, 4)
      .column("month", "int", "Month number 1-12").notNull().range(1, 12)
      .column("month_start", "date", "First day of the month").notNull()
      .column("month_name", "string", "Month name in English").notNull()
      .column("iso_year", "int", "ISO week-numbering year").notNull()
      .column("iso_week", "int", "ISO week number 1-53").notNull().range(1, 53)
      .column("week_start", "date", "Monday of the ISO week").notNull()
      .column("day_of_week", "int", "ISO day of week, 1 = Monday ... 7 = Sunday").notNull().range(1, 7)
      .column("is_weekend", "boolean", "Saturday or Sunday").notNull()
      .key("date")
      .build();

  public static final TableContract DIM_TOUCHPOINT = TableContract.table("dim_touchpoint",
          "one row per touchpoint seen in survey responses or support contacts")
      .describe("Touchpoint dimension: the journey stage each touchpoint belongs to and its volumes up to the as-of date.")
      .column("touchpoint", "string", "Touchpoint name as in the source data").notNull()
      .column("journey_stage", "string", "Most frequent journey stage of the touchpoint's survey responses (ties: alphabetically last); null when never surveyed")
      .column("journey_stages", "bigint", "Number of distinct journey stages the touchpoint was surveyed in").notNull().min(0)
      .column("responses", "bigint", "Survey responses about the touchpoint").notNull().min(0)
      .column("contacts", "bigint", "Support contacts about the touchpoint").notNull().min(0)
      .column("complaints", "bigint", "Support contacts about the touchpoint marked as complaints").notNull().min(0)
      .invariant("complaints_within_contacts", "complaints <= contacts", "complaints ≤ contacts")
      .key("touchpoint")
      .build();

  public static final TableContract FACT_ORDER = TableContract.table("fact_order",
          "one row per order placed up to the as-of date")
      // incremental runs merge it; their change feed says which KPI periods the merge touched
      .changeFeed()
      .describe("Orders (their lines summed) with net amount and repurchase flags; guest orders have no customer_key.")
      .column("order_id", "string", "Order (or credit note) identifier").notNull()
      .column("customer_key", "string", KEY + "; null for a guest order")
      .column("order_ts", "timestamp", "Order time (UTC)").notNull()
      .column("order_date", "date", "Order day (UTC)").notNull()
      .column("product_id", "string", "Product identifier").notNull()
      .column("category", "string", "Product category").notNull()
      .column("channel", "string", "Sales channel").notNull()
      .column("status", "string", "completed, returned, cancelled, or credit (a credit note or return)").notNull()
      .accepted("completed", "returned", "cancelled", "credit")
      .column("lines", "int", "Order lines summed into this row (1 when the source is at order grain)").notNull().min(1)
      .column("quantity", "int", "Units ordered (returned, for a credit)").notNull().min(1)
      .column("amount", "decimal(18,2)", "Order amount before discount (credited, for a credit)").notNull().min(0)
      .column("discount", "decimal(18,2)", "Discount granted").notNull().min(0)
      .column("net_amount", "decimal(18,2)", "amount − discount; negative for a credit").notNull()
      .invariant("net_is_amount_minus_discount",
          "net_amount = CASE WHEN status = 'credit' THEN discount - amount ELSE amount - discount END",
          "net_amount = amount − discount (its negative for a credit)")
      .column("is_completed", "boolean", "status = completed (only completed orders count as revenue)").notNull()
      .column("order_seq", "int", "1 for the customer's first completed order, 2 for the second, ...; null unless completed").min(1)
      .column("is_repurchase", "boolean", "A completed order by a customer with an earlier completed order").notNull()
      .column("is_category_repurchase", "boolean",
          "A completed order in the same category within metrics.repurchase_window_days of the previous one").notNull()
      .invariant("repurchase_needs_completed", "NOT is_repurchase OR is_completed", "a repurchase is a completed order")
      .key("order_id").zorderBy("order_date")
      .build();

  public static final TableContract FACT_RENEWAL = TableContract.table("fact_renewal",
          "one row per renewal due up to the as-of date")
      .changeFeed()
      .describe("Subscription renewals with their outcome as known at the as-of date.")
      .column("renewal_id", "string", "Renewal identifier").notNull()
      .column("subscription_id", "string", "Subscription up for renewal").notNull()
      .column("customer_key", "string", KEY).notNull()
      .column("plan", "string", "Plan of the subscription")
      .column("billing_period", "string", "monthly or annual").accepted("monthly", "annual")
      .column("mrr", "decimal(18,2)", "Monthly recurring revenue of the subscription").min(0)
      .column("due_date", "date", "Date the renewal was due").notNull()
      .column("decided_date", "date", "Date the outcome was decided; null while pending at the as-of date")
      .column("outcome", "string", "renewed, churned, or pending (undecided at the as-of date)").notNull()
      .accepted("renewed", "churned", "pending")
      .column("is_decided", "boolean", "Outcome decided on or before the as-of date").notNull()
      .column("is_renewed", "boolean", "Decided and renewed").notNull()
      .invariant("decided_has_date", "is_decided = (decided_date IS NOT NULL)", "decided rows carry a decided date")
      .key("renewal_id")
      .build();

  public static final TableContract FACT_INTERACTION = TableContract.table("fact_interaction",
          "one row per support contact opened up to the as-of date")
      .changeFeed()
      .describe("Support contacts with first-response and resolution times in hours.")
      .column("interaction_id", "string", "Support contact identifier").notNull()
      .column("customer_key", "string", KEY).notNull()
      .column("opened_ts", "timestamp", "Time the contact was opened (UTC)").notNull()
      .column("opened_date", "date", "Day the contact was opened (UTC)").notNull()
      .column("channel", "string", "Contact channel").notNull()
      .column("touchpoint", "string", "Touchpoint the contact is about").notNull()
      .column("category", "string", "Contact reason").notNull()
      .column("is_complaint", "boolean", "Whether the contact is a complaint").notNull()
      .column("reopened", "int", "Times the contact was reopened").notNull().min(0)
      .column("first_response_hours", "double", "Hours from opening to the first response; null when none by the as-of date")
      .column("resolution_hours", "double", "Hours from opening to resolution; null when unresolved at the as-of date")
      .column("is_resolved", "boolean", "Resolved on or before the as-of date").notNull()
      .expect("first_response_not_before_opening", "first_response_hours IS NULL OR first_response_hours >= 0",
          "a first response does not precede the opening")
      .expect("resolution_not_before_opening", "resolution_hours IS NULL OR resolution_hours >= 0",
          "a resolution does not precede the opening")
      .key("interaction_id").zorderBy("opened_date")
      .build();

  public static final TableContract FACT_SURVEY_RESPONSE = TableContract.table("fact_survey_response",
          "one row per survey response given up to the as-of date")
      .changeFeed()
      .describe("Survey responses with scores, NPS group, CSAT top-2-box, the response's CX index and respondent weight. Verbatim text is not here (see voice_response).")
      .column("response_id", "string", "Survey response identifier").notNull()
      .column("customer_key", "string", KEY).notNull()
      .column("survey_type", "string", "relationship or transactional").notNull().accepted("relationship", "transactional")
      .column("touchpoint", "string", "Touchpoint surveyed").notNull()
      .column("journey_stage", "string", "Journey stage surveyed").notNull()
      .column("channel", "string", "Channel of the experience").notNull()
      .column("responded_ts", "timestamp", "Response time (UTC)").notNull()
      .column("response_date", "date", "Response day (UTC)").notNull()
      .column("nps", "int", "Likelihood to recommend 0-10").range(0, 10)
      .column("nps_group", "string", "promoter (9-10), passive (7-8), detractor (0-6); null without an NPS answer")
      .accepted("promoter", "passive", "detractor")
      .invariant("nps_group_matches_score",
          "(nps IS NULL AND nps_group IS NULL) OR (nps >= 9 AND nps_group = 'promoter') OR (nps BETWEEN 7 AND 8 AND nps_group = 'passive') OR (nps <= 6 AND nps_group = 'detractor')",
          "nps_group follows the score")
      .column("csat", "int", "Satisfaction 1-5").range(1, 5)
      .column("csat_top2", "boolean", "csat is 4 or 5; null without a CSAT answer")
      .column("ces", "int", "Customer effort 1-7 (7 = very easy)").range(1, 7)
      .column("cx_needs_met", "int", "Needs met 1-5").range(1, 5)
      .column("cx_ease", "int", "Ease 1-5").range(1, 5)
      .column("cx_emotion", "int", "Emotion 1-5").range(1, 5)
      .column("cx_index", "double", "Mean of the answered needs-met, ease and emotion items, each rescaled to 0-100").range(0, 100)
      .column("has_verbatim", "boolean", "Whether the response has a free-text comment").notNull()
      .column("language", "string", "ISO 639-1 language of the verbatim, when given")
      .column("weight", "double", "Respondent weight (1 when the source gives none)").notNull().min(0)
      .key("response_id").zorderBy("response_date", "touchpoint")
      .build();

  public static final TableContract FACT_SURVEY_RATING = TableContract.table("fact_survey_rating",
          "one row per survey response and rated attribute")
      .changeFeed()
      .describe("Attribute ratings of survey responses (RATER dimensions and touchpoint attributes).")
      .column("response_id", "string", "Survey response").notNull()
      .column("attribute", "string", "Rated attribute").notNull()
      .column("customer_key", "string", KEY).notNull()
      .column("response_date", "date", "Response day (UTC)").notNull()
      .column("touchpoint", "string", "Touchpoint of the response").notNull()
      .column("score", "int", "Rating on the attribute's scale (scale_min..scale_max)").notNull()
      .column("scale_min", "int", "Lowest rating of the attribute's scale (1 unless sources.yaml declares a scale)").notNull()
      .column("scale_max", "int", "Highest rating of the attribute's scale (5 unless sources.yaml declares a scale)").notNull()
      .column("score_100", "double", "Rating rescaled to 0-100: (score − scale_min) / (scale_max − scale_min) × 100")
          .notNull().range(0, 100)
      .column("weight", "double", "Respondent weight of the response").notNull().min(0)
      .invariant("score_on_scale", "scale_min < scale_max AND score BETWEEN scale_min AND scale_max",
          "the score lies on its scale")
      .key("response_id", "attribute").zorderBy("response_date", "attribute")
      .build();

  public static final TableContract KPI_EXPERIENCE = TableContract.table("kpi_experience",
          "one row per period (month, ISO week) and slice (all, region, channel, touchpoint, journey_stage, ...)")
      .describe("Experience KPIs: NPS with 95% CI, CSAT, CES, CX index and RATER, weighted by respondent weight (docs/metrics.md).")
      .with(GoldContracts::periodAndSlice)
      .column("responses", "bigint", "Survey responses in the period and slice").notNull().min(1)
      .column("nps_responses", "bigint", "Responses with an NPS answer").notNull().min(0)
      .column("effective_n", "double", "Kish effective sample size of the NPS answers: (Σw)² / Σw²").min(0)
      .column("nps", "double", "Net Promoter Score = %promoters − %detractors (−100..100)").range(-100, 100)
      .column("nps_se", "double", "Standard error of NPS: 100·sqrt((pP + pD − (pP − pD)²) / effective_n)").min(0)
      .column("nps_ci_low", "double", "Lower end of the 95% CI of NPS (nps − 1.96·se, not below −100)").range(-100, 100)
      .column("nps_ci_high", "double", "Upper end of the 95% CI of NPS (nps + 1.96·se, not above 100)").range(-100, 100)
      .column("promoters_pct", "double", "Weighted % of NPS answers 9-10").range(0, 100)
      .column("passives_pct", "double", "Weighted % of NPS answers 7-8").range(0, 100)
      .column("detractors_pct", "double", "Weighted % of NPS answers 0-6").range(0, 100)
      .invariant("nps_split_sums_to_100",
          "nps_responses = 0 OR abs(promoters_pct + passives_pct + detractors_pct - 100) < 0.001",
          "promoters_pct + passives_pct + detractors_pct = 100")
      .invariant("nps_is_promoters_minus_detractors",
          "nps_responses = 0 OR abs(nps - (promoters_pct - detractors_pct)) < 0.001", "nps = promoters_pct − detractors_pct")
      .invariant("nps_inside_ci", "nps IS NULL OR (nps_ci_low <= nps AND nps <= nps_ci_high)", "the CI contains the NPS")
      .column("csat_responses", "bigint", "Responses with a CSAT answer").notNull().min(0)
      .column("csat_top2_pct", "double", "CSAT top-2-box: weighted % of CSAT answers 4-5").range(0, 100)
      .column("csat_top2_se", "double", "Standard error of csat_top2_pct (Kish effective n)").min(0)
      .column("csat_mean", "double", "Weighted mean CSAT 1-5").range(1, 5)
      .column("ces_responses", "bigint", "Responses with a CES answer").notNull().min(0)
      .column("ces_mean", "double", "Weighted mean CES 1-7 (7 = very easy)").range(1, 7)
      .column("ces_se", "double", "Standard error of ces_mean").min(0)
      .column("cx_index", "double", "CX index: weighted mean of the responses' CX index (needs met, ease, emotion on 0-100)").range(0, 100)
      .column("cx_index_se", "double", "Standard error of cx_index").min(0)
      .column("rater_reliability", "double", "RATER reliability: weighted mean rating rescaled to 0-100").range(0, 100)
      .column("rater_assurance", "double", "RATER assurance, 0-100").range(0, 100)
      .column("rater_tangibles", "double", "RATER tangibles, 0-100").range(0, 100)
      .column("rater_empathy", "double", "RATER empathy, 0-100").range(0, 100)
      .column("rater_responsiveness", "double", "RATER responsiveness, 0-100").range(0, 100)
      .column("rater_index", "double", "Mean of the five RATER dimensions (null when one is missing)").range(0, 100)
      .column("low_confidence", "boolean", "effective_n below metrics.min_responses: read with care (never hidden)").notNull()
      .column("run_id", "string", RUN_ID).notNull()
      .key("period_type", "period_start", "slice", "slice_value").zorderBy("period_start", "slice")
      .build();

  public static final TableContract KPI_OPERATIONS = TableContract.table("kpi_operations",
          "one row per period (month, ISO week) and slice (all, customer attributes, channel, touchpoint)")
      .describe("Operational KPIs: revenue, orders, active customers, AOV, frequency, repurchase, renewal, churn, complaints and response times (docs/metrics.md). Metrics a slice does not carry are null.")
      .with(GoldContracts::periodAndSlice)
      .column("revenue", "decimal(18,2)", "Σ(amount − discount) of completed orders, guest orders included, less credit notes").notNull()
      .column("orders", "bigint", "Completed orders, guest orders included").notNull().min(0)
      .column("guest_orders", "bigint", "Completed orders without a customer (guest checkouts): in revenue and orders, in no customer count").notNull().min(0)
      .column("active_customers", "bigint", "Customers with at least one completed order in the period").min(0)
      .column("aov", "decimal(18,2)", "Average order value: revenue / orders")
      .column("purchase_frequency", "double", "Completed customer (non-guest) orders per active customer").min(1)
      .column("repurchasers", "bigint", "Customers with at least two completed orders in the period").min(0)
      .column("repurchase_rate", "double", "% of active customers with at least two completed orders in the period").range(0, 100)
      .column("renewals_decided", "bigint", "Renewals decided (renewed or churned) in the period").min(0)
      .column("renewals_renewed", "bigint", "Renewals decided as renewed in the period").min(0)
      .column("renewal_rate", "double", "% renewed of the renewals decided in the period").range(0, 100)
      .column("active_at_start", "bigint", "Customers active at the period start (metrics.churn_basis)").min(0)
      .column("churned_customers", "bigint", "Customers who churned in the period (metrics.churn_basis)").min(0)
      .column("churn_rate", "double", "% churned of those active at the period start").range(0, 100)
      .column("contacts", "bigint", "Support contacts opened in the period").notNull().min(0)
      .column("complaints", "bigint", "Complaints opened in the period").notNull().min(0)
      .invariant("complaints_within_contacts", "complaints <= contacts", "complaints ≤ contacts")
      .column("complaint_rate_per_1000", "double", "Complaints per 1,000 active customers (touchpoint slices: per 1,000 of all active customers)").min(0)
      .column("first_response_hours_median", "double", "Median hours to first response of contacts opened in the period").min(0)
      .column("first_response_hours_p90", "double", "90th percentile of hours to first response").min(0)
      .column("resolution_hours_median", "double", "Median hours to resolution of contacts opened in the period").min(0)
      .column("resolution_hours_p90", "double", "90th percentile of hours to resolution").min(0)
      .column("run_id", "string", RUN_ID).notNull()
      .key("period_type", "period_start", "slice", "slice_value").zorderBy("period_start", "slice")
      .build();

  public static final TableContract KPI_HEART = TableContract.table("kpi_heart",
          "one row per period (month, ISO week) and digital feature")
      .describe("HEART metrics of digital features: Happiness, Engagement, Adoption, Retention, Task success (SPEC §7.5, docs/metrics.md).")
      .with(GoldContracts::period)
      .column("feature", "string", "Digital feature").notNull()
      .column("active_users", "bigint", "Customers with any digital event in the period").notNull().min(0)
      .column("feature_users", "bigint", "Customers with events of the feature in the period").notNull().min(0)
      .invariant("feature_users_within_active", "feature_users <= active_users", "feature users ≤ active users")
      .column("feature_events", "bigint", "Feature events (feature_use, task_*) in the period").notNull().min(0)
      .column("happiness_responses", "bigint", "Survey responses the feature's users gave in the period").min(0)
      .column("happiness_csat_mean", "double", "Happiness: mean CSAT of those responses").range(1, 5)
      .column("happiness_nps", "double", "Happiness: NPS of those responses").range(-100, 100)
      .column("events_per_user", "double", "Engagement: feature events per feature user").min(0)
      .column("median_session_minutes", "double", "Engagement: median minutes (first to last event) of sessions that used the feature").min(0)
      .column("new_users", "bigint", "Customers using the feature for the first time ever in the period").notNull().min(0)
      .column("adoption_pct", "double", "Adoption: new_users / active_users, %").range(0, 100)
      .column("previous_users", "bigint", "Feature users of the previous period").notNull().min(0)
      .column("retained_users", "bigint", "Of those, customers who used the feature again in this period").notNull().min(0)
      .column("retention_pct", "double", "Retention: retained_users / previous_users, %").range(0, 100)
      .column("task_successes", "bigint", "task_success events").notNull().min(0)
      .column("task_failures", "bigint", "task_fail events").notNull().min(0)
      .column("task_success_pct", "double", "Task success: successes / (successes + failures), %").range(0, 100)
      .column("median_task_seconds", "double", "Median duration of successful tasks, seconds").min(0)
      .column("run_id", "string", RUN_ID).notNull()
      .key("period_type", "period_start", "feature").zorderBy("period_start", "feature")
      .build();

  /**
   * customer_360 as the metrics stage writes it; the registry adds the columns other stages
   * contribute (io.cxlake.platform.CustomerColumn), which the metrics stage leaves empty.
   */
  public static final TableContract CUSTOMER_360 = TableContract.table(Customer360Enrichment.TARGET,
          "one row per snapshot (as-of) date and customer")
      .describe("Customer 360: operational (O) and experience (X) features per customer, each computed only from data up to the snapshot date. Later stages add their scores.")
      .column("snapshot_date", "date", "As-of date of the snapshot").notNull()
      .column("customer_key", "string", KEY).notNull()
      .column("region", "string", "Sales region").notNull()
      .column("country", "string", "ISO 3166-1 alpha-2 country code")
      .column("acquisition_channel", "string", "Channel that acquired the customer")
      .column("plan", "string", "Current subscription plan")
      .column("age_band", "string", "Age band (see dim_customer)")
      .column("signup_date", "date", "Sign-up date").notNull()
      .column("tenure_days", "int", "Days since sign-up").notNull().min(0)
      .column("lifecycle_stage", "string", "new, developing, loyal, at_risk or churned (metrics.lifecycle)").notNull()
      .accepted(MetricsConfig.Lifecycle.STAGES.toArray(String[]::new))
      .column("first_order_date", "date", "First completed order")
      .column("last_order_date", "date", "Latest completed order")
      .column("recency_days", "int", "O: days since the latest completed order (null: never ordered)").min(0)
      .column("orders_total", "bigint", "O: completed orders ever").notNull().min(0)
      .column("frequency", "bigint", "O: completed orders in the lookback window (metrics.lookback_days)").notNull().min(0)
      .column("monetary", "decimal(18,2)", "O: net amount of completed orders in the lookback window").notNull()
      .column("aov", "decimal(18,2)", "O: monetary / frequency")
      .column("spend_trend", "double", "O: net spend of the last 90 days / the 90 days before (null when nothing before)").min(0)
      .column("has_active_subscription", "boolean", "O: a subscription is active at the snapshot date").notNull()
      .column("renewals", "bigint", "O: renewals decided as renewed").notNull().min(0)
      .column("renewals_churned", "bigint", "O: renewals decided as churned").notNull().min(0)
      .column("contacts_90d", "bigint", "O: support contacts in the last 90 days").notNull().min(0)
      .column("complaints_90d", "bigint", "O: complaints in the last 90 days").notNull().min(0)
      .column("first_response_hours_median", "double", "O: median hours to first response over the customer's contacts")
      .column("resolution_hours_median", "double", "O: median hours to resolution over the customer's contacts")
      .column("sessions_30d", "bigint", "O: digital sessions in the last 30 days").notNull().min(0)
      .column("active_days_30d", "bigint", "O: days with digital activity in the last 30 days").notNull().range(0, 30)
      .column("digital_trend", "double", "O: sessions of the last 30 days / the 30 days before (null when none before)").min(0)
      .column("last_digital_date", "date", "O: latest day with digital activity")
      .column("responses", "bigint", "X: survey responses given").notNull().min(0)
      .column("latest_response_date", "date", "X: day of the latest response")
      .column("latest_nps", "int", "X: the latest NPS answer").range(0, 10)
      .column("latest_nps_group", "string", "X: promoter, passive or detractor of the latest NPS answer")
      .accepted("promoter", "passive", "detractor")
      .column("csat_mean", "double", "X: mean CSAT 1-5").range(1, 5)
      .column("ces_mean", "double", "X: mean CES 1-7").range(1, 7)
      .column("cx_index_mean", "double", "X: mean CX index 0-100").range(0, 100)
      .column("rater_reliability", "double", "X: mean reliability rating, 0-100").range(0, 100)
      .column("rater_assurance", "double", "X: mean assurance rating, 0-100").range(0, 100)
      .column("rater_tangibles", "double", "X: mean tangibles rating, 0-100").range(0, 100)
      .column("rater_empathy", "double", "X: mean empathy rating, 0-100").range(0, 100)
      .column("rater_responsiveness", "double", "X: mean responsiveness rating, 0-100").range(0, 100)
      .key("snapshot_date", "customer_key").partitionBy("snapshot_date").zorderBy("customer_key")
      .build();

  /** The tables the metrics stage writes. */
  public static List<TableContract> all() {
    return List.of(DIM_CUSTOMER, DIM_DATE, DIM_TOUCHPOINT, FACT_ORDER, FACT_RENEWAL, FACT_INTERACTION,
        FACT_SURVEY_RESPONSE, FACT_SURVEY_RATING, KPI_EXPERIENCE, KPI_OPERATIONS, KPI_HEART, CUSTOMER_360);
  }
}
