package io.cxlake.metrics;

import io.cxlake.platform.Pseudonym;
import static org.apache.spark.sql.functions.*;

import io.cxlake.core.CxlakeConfig;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * customer_360 and dim_customer: one row per customer who signed up by the as-of date, with
 * operational (O) features and experience (X) features computed only from data up to the
 * as-of date, and the lifecycle stage from the configured rules.
 */
public final class Customer360 {
  private Customer360() {}

  /** The five RATER dimensions (SPEC §7.4). */
  public static final String[] RATER = {"reliability", "assurance", "tangibles", "empathy", "responsiveness"};

  /** Inputs: silver customers and subscriptions, and the gold facts (already cut at the as-of date). */
  public record Inputs(Dataset<Row> customers, Dataset<Row> subscriptions, Dataset<Row> factOrder,
      Dataset<Row> factRenewal, Dataset<Row> factInteraction, Dataset<Row> factResponse, Dataset<Row> factRating,
      Dataset<Row> digitalEvents, byte[] secret) {}

  public static Dataset<Row> build(Inputs in, LocalDate asOf, MetricsConfig m) {
    Column asOfDate = lit(java.sql.Date.valueOf(asOf));
    int lookback = m.lookbackDays();

    Dataset<Row> base = in.customers().where(col("signup_date").leq(asOfDate))
        .select(Pseudonym.customerKey(col("customer_id"), in.secret()).as("customer_key"), col("customer_id").as("_customer_id"),
            col("region"), col("country"), col("acquisition_channel"), col("plan"), col("signup_date"),
            datediff(asOfDate, col("signup_date")).as("tenure_days"),
            ageBand(col("birth_year"), asOf).as("age_band"));

    Dataset<Row> completed = in.factOrder().where(col("is_completed"));
    Column inWindow = col("order_date").gt(date_sub(asOfDate, lookback));
    Dataset<Row> orders = completed.groupBy("customer_key").agg(
        min("order_date").as("first_order_date"), max("order_date").as("last_order_date"),
        count(lit(1)).as("orders_total"),
        sum(when(inWindow, 1).otherwise(0)).as("frequency"),
        coalesce(sum(when(inWindow, col("net_amount"))), lit(0)).cast("decimal(18,2)").as("monetary"),
        sum(when(col("order_date").gt(date_sub(asOfDate, 90)), col("net_amount"))).as("_spend_90d"),
        sum(when(col("order_date").gt(date_sub(asOfDate, 180)).and(col("order_date").leq(date_sub(asOfDate, 90))),
            col("net_amount"))).as("_spend_prev_90d"));

    Dataset<Row> renewals = in.factRenewal().groupBy("customer_key").agg(
        sum(when(col("is_renewed"), 1).otherwise(0)).as("renewals"),
        sum(when(col("outcome").equalTo("churned"), 1).otherwise(0)).as("renewals_churned"));

    // Silver inputs are joined by the source id (base carries both): no per-row hashing of big tables.
    Dataset<Row> subs = in.subscriptions()
        .where(col("start_date").leq(asOfDate).and(col("end_date").isNull().or(col("end_date").gt(asOfDate))))
        .select(col("customer_id").as("_customer_id")).distinct()
        .withColumn("has_active_subscription", lit(true));

    Column last90 = col("opened_date").gt(date_sub(asOfDate, 90));
    Dataset<Row> contacts = in.factInteraction().groupBy("customer_key").agg(
        sum(when(last90, 1).otherwise(0)).as("contacts_90d"),
        sum(when(last90.and(col("is_complaint")), 1).otherwise(0)).as("complaints_90d"),
        expr("percentile(first_response_hours, 0.5)").as("first_response_hours_median"),
        expr("percentile(resolution_hours, 0.5)").as("resolution_hours_median"));

    // The distinct counts only need the last 60 days: filter before the (expanding) distinct
    // aggregation; the latest active day comes from a plain max over everything.
    Column eventDate = to_date(col("event_ts"));
    Dataset<Row> events = in.digitalEvents().where(Facts.upTo(col("event_ts"), asOf))
        .select(col("customer_id").as("_customer_id"), col("session_id"), eventDate.as("d"));
    Dataset<Row> recent = events.where(col("d").gt(date_sub(asOfDate, 60))).groupBy("_customer_id").agg(
        countDistinct(when(col("d").gt(date_sub(asOfDate, 30)), col("session_id"))).as("sessions_30d"),
        countDistinct(when(col("d").gt(date_sub(asOfDate, 30)), col("d"))).as("active_days_30d"),
        countDistinct(when(col("d").leq(date_sub(asOfDate, 30)), col("session_id"))).as("_sessions_prev_30d"));
    Dataset<Row> digital = events.groupBy("_customer_id").agg(max("d").as("last_digital_date"))
        .join(recent, new String[] {"_customer_id"}, "left");

    Dataset<Row> x = in.factResponse().groupBy("customer_key").agg(
        count(lit(1)).as("responses"),
        max("response_date").as("latest_response_date"),
        max_by(col("nps"), when(col("nps").isNotNull(), struct(col("responded_ts"), col("response_id")))).as("latest_nps"),
        avg("csat").as("csat_mean"), avg("ces").as("ces_mean"),
        // decimal: a double average depends on the order rows arrive in (see ExperienceKpis.EXACT)
        avg(col("cx_index").cast(ExperienceKpis.EXACT)).cast("double").as("cx_index_mean"));

    Dataset<Row> rater = in.factRating().where(col("attribute").isin((Object[]) RATER))
        .groupBy("customer_key").pivot("attribute", java.util.List.of((Object[]) RATER)).agg(avg("score_100"));
    for (String d : RATER) {
      rater = rater.withColumnRenamed(d, "rater_" + d);
    }

    Dataset<Row> all = base.join(orders, "customer_key", "left")
        .join(renewals, "customer_key", "left")
        .join(subs, "_customer_id", "left")
        .join(contacts, "customer_key", "left")
        .join(digital, "_customer_id", "left")
        .join(x, "customer_key", "left")
        .join(rater, "customer_key", "left");

    Column recency = datediff(asOfDate, col("last_order_date"));
    MetricsConfig.Lifecycle lc = m.lifecycle();
    Column inactive = col("last_order_date").isNull().or(recency.gt(m.churnInactivityDays()));
    Column lifecycle = when(col("tenure_days").lt(lc.newDays()), "new")
        .when(inactive.and(not(col("has_active_subscription"))), "churned")
        .when(coalesce(recency.gt(lc.atRiskDays()), lit(true)).or(coalesce(col("latest_nps").leq(6), lit(false))), "at_risk")
        .when(col("tenure_days").geq(lc.loyalMinTenureDays()).and(col("frequency").geq(lc.loyalMinOrders())), "loyal")
        .otherwise("developing");

    return all
        .withColumn("has_active_subscription", coalesce(col("has_active_subscription"), lit(false)))
        .select(asOfDate.as("snapshot_date"), col("customer_key"), col("region"), col("country"),
            col("acquisition_channel"), col("plan"), col("age_band"), col("signup_date"), col("tenure_days"),
            lifecycle.as("lifecycle_stage"),
            col("first_order_date"), col("last_order_date"), recency.as("recency_days"),
            coalesce(col("orders_total"), lit(0L)).as("orders_total"),
            coalesce(col("frequency"), lit(0L)).as("frequency"),
            coalesce(col("monetary"), lit(0)).cast("decimal(18,2)").as("monetary"),
            when(col("frequency").gt(0), col("monetary").divide(col("frequency"))).cast("decimal(18,2)").as("aov"),
            when(col("_spend_prev_90d").gt(0), round(coalesce(col("_spend_90d"), lit(0)).divide(col("_spend_prev_90d")), 4))
                .as("spend_trend"),
            col("has_active_subscription"),
            coalesce(col("renewals"), lit(0L)).as("renewals"),
            coalesce(col("renewals_churned"), lit(0L)).as("renewals_churned"),
            coalesce(col("contacts_90d"), lit(0L)).as("contacts_90d"),
            coalesce(col("complaints_90d"), lit(0L)).as("complaints_90d"),
            col("first_response_hours_median"), col("resolution_hours_median"),
            coalesce(col("sessions_30d"), lit(0L)).as("sessions_30d"),
            coalesce(col("active_days_30d"), lit(0L)).as("active_days_30d"),
            when(col("_sessions_prev_30d").gt(0), round(coalesce(col("sessions_30d"), lit(0L)).divide(col("_sessions_prev_30d")), 4))
                .as("digital_trend"),
            col("last_digital_date"),
            coalesce(col("responses"), lit(0L)).as("responses"),
            col("latest_response_date"), col("latest_nps"),
            when(col("latest_nps").geq(9), "promoter").when(col("latest_nps").geq(7), "passive")
                .when(col("latest_nps").isNotNull(), "detractor").as("latest_nps_group"),
            round(col("csat_mean"), 4).as("csat_mean"), round(col("ces_mean"), 4).as("ces_mean"),
            round(col("cx_index_mean"), 4).as("cx_index_mean"),
            round(col("rater_reliability"), 4).as("rater_reliability"), round(col("rater_assurance"), 4).as("rater_assurance"),
            round(col("rater_tangibles"), 4).as("rater_tangibles"), round(col("rater_empathy"), 4).as("rater_empathy"),
            round(col("rater_responsiveness"), 4).as("rater_responsiveness"));
  }

  /** dim_customer: the customer's attributes and lifecycle stage at the as-of date (no PII). */
  public static Dataset<Row> dimension(Dataset<Row> c360) {
    return c360.select("customer_key", "region", "country", "acquisition_channel", "plan", "age_band", "signup_date",
        "tenure_days", "lifecycle_stage", "has_active_subscription", "first_order_date", "last_order_date", "snapshot_date");
  }

  static Column ageBand(Column birthYear, LocalDate asOf) {
    Column age = lit(asOf.getYear()).minus(birthYear);
    return when(birthYear.isNull(), "unknown").when(age.lt(25), "<25").when(age.lt(35), "25-34").when(age.lt(45), "35-44")
        .when(age.lt(55), "45-54").when(age.lt(65), "55-64").otherwise("65+");
  }
}
