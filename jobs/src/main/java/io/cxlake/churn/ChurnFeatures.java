package io.cxlake.churn;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Point-in-time churn features: each one at a cutoff uses only events dated up to the end of the
 * cutoff day (a support contact's response or resolution counts only once it happened by then).
 * Training and scoring call the same {@link #build}; only the (cutoff, customer) rows differ.
 */
public final class ChurnFeatures {
  private ChurnFeatures() {}

  /**
   * A feature: how a reason reads ({@code %s} = the value shown with {@code decimals}), what a
   * missing value means, and whether logistic regression sees it as ln(1+x) (counts, money and
   * durations have long right tails).
   */
  public record Feature(String name, String reason, int decimals, String missing, boolean log) {
    /** The reason text for a value, e.g. "3 complaints in 90 days". */
    Column text(Column value) {
      return when(value.isNull(), lit(missing))
          .otherwise(format_string(reason, format_string("%." + decimals + "f", value)));
    }
  }

  public static final Map<String, Feature> CATALOGUE = new LinkedHashMap<>();

  private static void add(String name, String reason, int decimals, String missing, boolean log) {
    CATALOGUE.put(name, new Feature(name, reason, decimals, missing, log));
  }

  static {
    add("recency_days", "last order %s days ago", 0, "never ordered", true);
    add("frequency_365", "%s orders in 365 days", 0, "no orders in 365 days", true);
    add("monetary_365", "spent %s in 365 days", 0, "no spend in 365 days", true);
    add("aov_365", "average order %s", 0, "no orders in 365 days", true);
    add("orders_90", "%s orders in 90 days", 0, "no orders in 90 days", true);
    add("order_rate", "%s orders a month (365 days, or since sign-up)", 1, "no orders in 365 days", true);
    add("overdue_ratio", "last order %s times the usual gap between orders ago", 1, "fewer than 2 orders in 365 days", true);
    add("spend_trend", "spend trend %s (log of last 90 days / the 90 before)", 2, "no spend trend", false);
    add("last_activity_days", "no activity of any kind for %s days", 0, "no activity on record", true);
    add("tenure_days", "customer for %s days", 0, "unknown tenure", true);
    add("has_subscription", "active subscription: %s (1 = yes)", 0, "no subscription data", false);
    add("renewals", "%s renewals so far", 0, "no renewals", true);
    add("latest_nps", "latest NPS %s", 0, "never answered NPS", false);
    add("nps_trend", "NPS %s vs own 365-day average", 1, "no NPS trend", false);
    add("detractor_180d", "detractor in 180 days: %s (1 = yes)", 0, "no detractor score", false);
    add("latest_csat", "latest CSAT %s", 0, "never answered CSAT", false);
    add("complaints_90d", "%s complaints in 90 days", 0, "no complaints", true);
    add("contacts_90d", "%s support contacts in 90 days", 0, "no support contacts", true);
    add("first_response_hours_90d", "first response after %s h on average", 1, "no answered contact in 90 days", true);
    add("resolution_hours_90d", "resolution after %s h on average", 1, "no resolved contact in 90 days", true);
    add("slow_resolutions_90d", "%s contacts not resolved within 72 h (90 days)", 0, "no slow contacts", true);
    add("open_contacts", "%s contacts still open", 0, "no open contacts", true);
    add("sessions_30d", "%s digital sessions in 30 days", 0, "no digital sessions", true);
    add("digital_trend", "digital trend %s (log of last 30 days / the 30 before)", 2, "no digital trend", false);
    add("sentiment_180d", "comment sentiment %s (-1..1, 180 days)", 2, "no comments in 180 days", false);
  }

  /** Hours after which an unresolved or late-resolved contact counts as slow. */
  static final double SLOW_HOURS = 72;

  /**
   * The configured features (minus sentiment_180d when the voice stage has not run) for the
   * given (cutoff_date, customer_key) rows; every feature is a double, null when unknown.
   */
  public static Dataset<Row> build(ChurnInputs in, Dataset<Row> spine, List<String> features) {
    Dataset<Row> cutoffs = broadcast(spine.select("cutoff_date").distinct());
    Dataset<Row> latest = latestAtCutoff(in, spine);
    Column cutoffEnd = to_timestamp(date_add(col("cutoff_date"), 1));

    Column od = Cutoffs.daysBefore(col("order_date"));
    // every join reaches back only as far as its features' window; what has no window (the latest
    // order, answer, renewals, running subscriptions) comes from latestAtCutoff
    Dataset<Row> orders = in.orders().join(cutoffs, od.geq(0).and(od.lt(365)))
        .groupBy("cutoff_date", "customer_key")
        .agg(count(lit(1)).as("frequency_365"),
            sum(col("net_amount")).as("monetary_365"),
            count(when(od.lt(90), 1)).as("orders_90"),
            max(od).as("_first_od"),
            coalesce(sum(when(od.lt(90), col("net_amount"))), lit(0.0)).as("_spend_90"),
            coalesce(sum(when(od.geq(90).and(od.lt(180)), col("net_amount"))), lit(0.0)).as("_spend_prev_90"));

    Column secondsToCutoff = unix_seconds(cutoffEnd).minus(unix_seconds(col("opened_ts")));
    Column answered = col("first_response_hours").multiply(3600).lt(secondsToCutoff);
    Column resolved = col("resolution_hours").multiply(3600).lt(secondsToCutoff);
    Column id = datediff(col("cutoff_date"), to_date(col("opened_ts")));
    Dataset<Row> contacts = in.interactions().join(cutoffs, col("opened_ts").lt(cutoffEnd).and(id.lt(90)))
        .groupBy("cutoff_date", "customer_key")
        .agg(count(lit(1)).as("contacts_90d"),
            min(id).as("_contact_days"),
            count(when(col("is_complaint"), 1)).as("complaints_90d"),
            avg(when(answered, col("first_response_hours"))).as("first_response_hours_90d"),
            avg(when(resolved, col("resolution_hours"))).as("resolution_hours_90d"),
            count(when(resolved.and(col("resolution_hours").gt(SLOW_HOURS))
                .or(not(coalesce(resolved, lit(false))).and(secondsToCutoff.gt(SLOW_HOURS * 3600))), 1))
                .as("slow_resolutions_90d"),
            count(when(not(coalesce(resolved, lit(false))), 1)).as("open_contacts"));

    Column rd = datediff(col("cutoff_date"), to_date(col("responded_ts")));
    Dataset<Row> surveys = in.responses().join(cutoffs, col("responded_ts").lt(cutoffEnd).and(rd.lt(365)))
        .groupBy("cutoff_date", "customer_key")
        .agg(avg(col("nps")).as("_nps_mean_365"),
            max(when(rd.lt(180), when(col("nps").leq(6), 1.0).otherwise(0.0))).as("detractor_180d"));

    Column sd = Cutoffs.daysBefore(col("session_date"));
    Dataset<Row> digital = in.sessions().join(cutoffs, sd.geq(0).and(sd.lt(60)))
        .groupBy("cutoff_date", "customer_key")
        .agg(sum(when(sd.lt(30), col("sessions")).otherwise(0)).as("sessions_30d"),
            min(sd).as("_session_days"),
            sum(when(sd.geq(30), col("sessions")).otherwise(0)).as("_sessions_prev_30d"))
        .withColumn("digital_trend", log1p(col("sessions_30d")).minus(log1p(col("_sessions_prev_30d"))));

    // one row per spine row: latestAtCutoff has exactly those
    Dataset<Row> all = latest
        .join(in.customers(), new String[] {"customer_key"}, "left")
        .withColumn("tenure_days", datediff(col("cutoff_date"), col("signup_date")))
        .join(orders, KEY, "left").join(contacts, KEY, "left").join(surveys, KEY, "left").join(digital, KEY, "left")
        .withColumn("aov_365", when(col("frequency_365").gt(0), col("monetary_365").divide(col("frequency_365"))))
        .withColumn("spend_trend", log1p(col("_spend_90")).minus(log1p(col("_spend_prev_90"))))
        // Mean gap between the window's orders; how overdue the next one is relative to it.
        .withColumn("_gap", when(col("frequency_365").geq(2),
            col("_first_od").minus(col("recency_days")).divide(col("frequency_365").minus(1))))
        .withColumn("overdue_ratio", when(col("_gap").gt(0), col("recency_days").divide(col("_gap"))))
        .withColumn("nps_trend", col("latest_nps").minus(col("_nps_mean_365")));
    if (in.sentiment() != null) {
      Column vd = Cutoffs.daysBefore(col("response_date"));
      all = all.join(in.sentiment().join(cutoffs, vd.geq(0).and(vd.lt(180)))
          .groupBy("cutoff_date", "customer_key").agg(avg("sentiment_score").as("sentiment_180d")), KEY, "left");
    }
    // No event is a zero for counts and amounts; unknown stays null (imputed, with an indicator).
    for (String zero : List.of("frequency_365", "monetary_365", "orders_90", "spend_trend", "contacts_90d",
        "complaints_90d", "slow_resolutions_90d", "open_contacts", "sessions_30d", "digital_trend", "renewals",
        "has_subscription", "detractor_180d")) {
      all = all.withColumn(zero, coalesce(col(zero).cast("double"), lit(0.0)));
    }
    // Churned customers go quiet everywhere: days since the latest order, session, contact or answer.
    all = all.withColumn("last_activity_days", least(col("recency_days"), col("_session_days"), col("_contact_days"),
        col("_response_days")));
    all = all.withColumn("order_rate", col("frequency_365").divide(
        greatest(least(col("tenure_days"), lit(365)), lit(30)).divide(30.4375)));
    List<Column> out = new ArrayList<>(List.of(col("cutoff_date"), col("customer_key")));
    for (String f : available(features, in)) {
      out.add(col(f).cast("double").as(f));
    }
    return all.select(out.toArray(Column[]::new));
  }

  private static final String[] KEY = {"cutoff_date", "customer_key"};

  /**
   * Per spine row, what has no window: days since the latest order and answer, the latest NPS
   * and CSAT answered, renewals so far, and whether a subscription runs at the cutoff. The
   * events and the spine's cutoffs go through one sort per customer (a cutoff after the events
   * of its own day), so every event is read once however many cutoffs there are; joining each
   * event to every later cutoff would read the whole history once per cutoff.
   */
  static Dataset<Row> latestAtCutoff(ChurnInputs in, Dataset<Row> spine) {
    Dataset<Row> marks = spine.select(col("customer_key"), col("cutoff_date"), col("cutoff_date").as("_day"),
            lit(1).as("_is_cutoff"))
        .unionByName(in.orders().select(col("customer_key"), col("order_date").as("_day"), col("order_date").as("_ordered")), true)
        .unionByName(in.responses().select(col("customer_key"), to_date(col("responded_ts")).as("_day"),
            col("responded_ts").as("_at"), to_date(col("responded_ts")).as("_answered"), col("nps").as("_nps"),
            col("csat").as("_csat")), true)
        .unionByName(in.renewals().where(col("outcome").equalTo("renewed"))
            .select(col("customer_key"), col("decided_date").as("_day"), lit(1).as("_renewed")), true)
        // +1 from a subscription's start, -1 from its end (a subscription ending on the cutoff no longer runs)
        .unionByName(in.subscriptions().select(col("customer_key"), col("start_date").as("_day"), lit(1).as("_running")), true)
        .unionByName(in.subscriptions().where(col("end_date").isNotNull())
            .select(col("customer_key"), col("end_date").as("_day"), lit(-1).as("_running")), true);
    WindowSpec upTo = Window.partitionBy("customer_key")
        .orderBy(col("_day"), coalesce(col("_is_cutoff"), lit(0)), col("_at"))
        .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    return marks
        .select(col("customer_key"), col("cutoff_date"), col("_is_cutoff"),
            datediff(col("cutoff_date"), last("_ordered", true).over(upTo)).as("recency_days"),
            datediff(col("cutoff_date"), last("_answered", true).over(upTo)).as("_response_days"),
            last("_nps", true).over(upTo).as("latest_nps"),
            last("_csat", true).over(upTo).as("latest_csat"),
            sum("_renewed").over(upTo).as("renewals"),
            when(sum("_running").over(upTo).gt(0), 1.0).as("has_subscription"))
        .where(col("_is_cutoff").isNotNull())
        .drop("_is_cutoff");
  }

  /** The configured features this installation can compute (sentiment needs the voice stage). */
  public static List<String> available(List<String> features, ChurnInputs in) {
    return features.stream().filter(f -> in.sentiment() != null || !f.equals("sentiment_180d")).toList();
  }
}
