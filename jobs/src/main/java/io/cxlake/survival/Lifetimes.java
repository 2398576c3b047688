package io.cxlake.survival;

import static org.apache.spark.sql.functions.*;

import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Lifetimes on the inactivity basis, point in time. A customer has churned once
 * survival.inactivity_days pass without a completed order; the lifetime ends at the last order
 * before that gap (the churn point). Whether an order is a churn point is known
 * inactivity_days later, so every follow-up is censored at as-of − inactivity_days: the last
 * day whose status is known for everyone (administrative censoring, the same for all).
 */
public final class Lifetimes {
  private Lifetimes() {}

  /** The last day whose status is known: as-of − inactivity_days. */
  public static LocalDate censorDate(LocalDate asOf, int inactivityDays) {
    return asOf.minusDays(inactivityDays);
  }

  /**
   * customer_key, order_date, revenue (net amount of the day's completed orders), churn_point:
   * each customer's days with a completed order up to the as-of date.
   */
  public static Dataset<Row> orderDays(Dataset<Row> factOrder, LocalDate asOf, int inactivityDays) {
    Column next = lead("order_date", 1).over(Window.partitionBy("customer_key").orderBy("order_date"));
    return factOrder.where(col("is_completed").and(col("customer_key").isNotNull())
            .and(col("order_date").leq(lit(Date.valueOf(asOf)))))
        // one shuffle by customer serves both the days and the window over them
        .repartition(col("customer_key")).groupBy("customer_key", "order_date")
        .agg(sum("net_amount").cast("double").as("revenue"))
        .withColumn("churn_point", when(next.isNull(), datediff(lit(Date.valueOf(asOf)), col("order_date")).geq(inactivityDays))
            .otherwise(datediff(next, col("order_date")).gt(inactivityDays)));
  }

  /**
   * The lifetime population: customer_key, origin (first order), cohort (its month), time (days
   * from the origin to the churn point or to the censoring date), event. Customers whose first
   * order is after the censoring date have no follow-up yet and are left out.
   */
  public static Dataset<Row> lifetime(Dataset<Row> orderDays, LocalDate censor) {
    Column censorDay = lit(Date.valueOf(censor));
    return orderDays.groupBy("customer_key")
        .agg(min("order_date").as("origin"), min(when(col("churn_point"), col("order_date"))).as("end"))
        .where(col("origin").leq(censorDay))
        .select(col("customer_key"), col("origin"), date_format(col("origin"), "yyyy-MM").as("cohort"),
            datediff(coalesce(col("end"), censorDay), col("origin")).cast("double").as("time"),
            col("end").isNotNull().as("event"));
  }

  /**
   * The experience population, followed from each customer's first NPS answer (a landmark: the
   * NPS group is known from that day on, so no customer is credited with time before it).
   * Customers active then: their last order up to that day is at most inactivity_days old.
   * Columns: customer_key, origin, nps_group, csat, time, event, tenure_years, orders_before
   * (days with an order up to the origin), revenue_365d (net revenue of the 365 days up to it:
   * the customer's value as known then, where the RFM and ABC tiers of the as-of date would
   * use the future), and complaints in the complaint_days up to it.
   */
  public static Dataset<Row> experience(Dataset<Row> orderDays, Dataset<Row> responses, Dataset<Row> interactions,
      LocalDate asOf, LocalDate censor, SurvivalConfig cfg) {
    Column censorDay = lit(Date.valueOf(censor));
    Dataset<Row> firstAnswer = responses.where(col("nps").isNotNull().and(col("response_date").leq(lit(Date.valueOf(asOf)))))
        .groupBy("customer_key")
        .agg(min("response_date").as("origin"), expr("min_by(nps_group, responded_ts)").as("nps_group"),
            expr("min_by(csat, responded_ts)").as("csat"))
        .where(col("origin").leq(censorDay));
    Column before = col("order_date").leq(col("origin"));
    Dataset<Row> orders = orderDays.join(firstAnswer, "customer_key")
        .groupBy("customer_key", "origin", "nps_group", "csat")
        .agg(min("order_date").as("first_order"), max(when(before, col("order_date"))).as("last_before"),
            // whether the last order up to the origin was itself the churn point
            max(when(before, struct(col("order_date"), col("churn_point")))).getField("churn_point").as("last_is_end"),
            min(when(col("churn_point").and(not(before)), col("order_date"))).as("next_end"),
            count(when(before, 1)).as("orders_before"),
            sum(when(before.and(col("order_date").gt(date_sub(col("origin"), VALUE_DAYS))), col("revenue")))
                .as("revenue_365d"));
    Dataset<Row> complaints = interactions.where(col("is_complaint")).join(firstAnswer.select("customer_key", "origin"), "customer_key")
        .where(col("opened_date").leq(col("origin"))
            .and(col("opened_date").gt(date_sub(col("origin"), cfg.complaintDays()))))
        .groupBy("customer_key").count().withColumnRenamed("count", "complaints");
    Column end = when(col("last_is_end"), col("last_before")).otherwise(col("next_end"));
    return orders.where(col("last_before").isNotNull()
            .and(datediff(col("origin"), col("last_before")).leq(cfg.inactivityDays())))
        .join(complaints, new String[] {"customer_key"}, "left")
        .select(col("customer_key"), col("origin"), col("nps_group"), col("csat"),
            // an end before the origin (no order after the answer) is an end on the day of the answer
            greatest(lit(0), datediff(coalesce(end, censorDay), col("origin"))).cast("double").as("time"),
            end.isNotNull().as("event"),
            datediff(col("origin"), col("first_order")).divide(365.25).as("tenure_years"),
            col("orders_before"), coalesce(col("revenue_365d"), lit(0.0)).as("revenue_365d"),
            coalesce(col("complaints"), lit(0L)).as("complaints"));
  }

  /** The customer's value at the start of follow-up: revenue of this many days up to it. */
  static final int VALUE_DAYS = 365;

  /**
   * The experience population plus plan_at_origin: the plan of the subscription active on the
   * day of the first answer (started by then and not ended or churned by then; the latest
   * started when several), null without one.
   *
   * @param subscriptions {@link #subscriptions}
   */
  public static Dataset<Row> withPlanAtOrigin(Dataset<Row> experience, Dataset<Row> subscriptions) {
    Column origin = col("e.origin");
    Column active = col("s.start_date").leq(origin)
        .and(not(col("s.event")).or(date_add(col("s.start_date"), col("s.time").cast("int")).gt(origin)));
    Dataset<Row> plans = experience.select("customer_key", "origin").as("e")
        .join(subscriptions.as("s"), col("e.customer_key").equalTo(col("s.customer_key")).and(active))
        .groupBy(col("e.customer_key").as("customer_key"))
        .agg(expr("max_by(s.plan, s.start_date)").as("plan_at_origin"));
    return experience.join(plans, new String[] {"customer_key"}, "left");
  }

  /**
   * The subscription population, one row per subscription started by the as-of date:
   * subscription_id, customer_key, plan, billing_period, start_date, time (days from its start
   * to its end or to a renewal decided as churned, whichever came first; else to the as-of
   * date), event.
   * Contractual: the end is observed when it happens, so follow-up runs to the as-of date.
   *
   * @param subscriptions subscription_id, customer_key, plan, billing_period, start_date, end_date
   * @param renewals fact_renewal (subscription_id, outcome, decided_date)
   */
  public static Dataset<Row> subscriptions(Dataset<Row> subscriptions, Dataset<Row> renewals, LocalDate asOf) {
    Column day = lit(Date.valueOf(asOf));
    Dataset<Row> churned = renewals.where(col("outcome").equalTo("churned").and(col("decided_date").leq(day)))
        .groupBy("subscription_id").agg(min("decided_date").as("churned_date"));
    Column ended = when(col("end_date").leq(day), col("end_date"));
    // least() skips nulls: the earlier of the two ends that are known
    Column end = least(ended, col("churned_date"));
    return subscriptions.where(col("start_date").leq(day))
        .join(churned, new String[] {"subscription_id"}, "left")
        .select(col("subscription_id"), col("customer_key"), col("plan"), col("billing_period"), col("start_date"),
            greatest(lit(0), datediff(coalesce(end, day), col("start_date"))).cast("double").as("time"),
            end.isNotNull().as("event"));
  }
}
