package io.cxlake.survival;

import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Lifetimes split into monthly episodes whose covariates are those known the day before each
 * episode starts: the latest NPS answer, recent complaints, slow contacts, digital activity and
 * orders. A Cox model on them compares customers at each moment by their current experience,
 * not by an answer that may be a year old (counting-process intervals, entry < t ≤ time).
 */
public final class Episodes {
  private Episodes() {}

  /** A contact still unresolved this many hours after it was opened is slow (as in the churn features). */
  static final int SLOW_HOURS = 72;
  /** Digital activity counts over this many days before an episode starts. */
  static final int DIGITAL_DAYS = 30;
  /** Orders count over this many days before an episode starts. */
  static final int ORDER_DAYS = 365;

  /**
   * One row per customer and calendar month of follow-up: the first episode starts at the
   * origin (entry null: at risk from time 0 on, so a lifetime of 0 days is kept), each later
   * one on the 1st of a month (entry = days from the origin). time is the episode's end; event
   * only on the last episode of a lifetime that ended in churn.
   *
   * @param lifetimes customer_key, origin, time, event and any attributes (carried along)
   */
  public static Dataset<Row> monthly(Dataset<Row> lifetimes) {
    Column end = date_add(col("origin"), col("_length").cast("int"));
    Column firstMonth = add_months(trunc(col("origin"), "MM"), 1);
    // the months that start after the origin and before the end: each starts an episode
    Column months = when(firstMonth.lt(end), sequence(firstMonth, date_sub(end, 1), expr("INTERVAL 1 MONTH")))
        .otherwise(array().cast("array<date>"));
    Dataset<Row> starts = lifetimes.withColumnRenamed("time", "_length").withColumnRenamed("event", "_churned")
        .select(col("*"), posexplode(concat(array(col("origin")), months)).as(new String[] {"_n", "start"}));
    Column next = when(col("_n").equalTo(0), add_months(trunc(col("origin"), "MM"), 1)).otherwise(add_months(col("start"), 1));
    Column last = datediff(next, col("origin")).geq(col("_length"));
    return starts
        .withColumn("entry", when(col("_n").gt(0), datediff(col("start"), col("origin")).cast("double")))
        .withColumn("time", least(datediff(next, col("origin")).cast("double"), col("_length")))
        .withColumn("event", col("_churned").and(last))
        .drop("_n", "_length", "_churned");
  }

  /**
   * The episodes with their covariates, each from the days before the episode's start (an
   * answer given on the start day is known from the next day on):
   * current_nps_group (latest answer of the recent_answer_days, else "none"), complaints and
   * slow_contacts (of the complaint_days; a contact is known to be slow once 72 h pass
   * unresolved), digital_active (a session in the 30 days; null without digital data) and
   * orders_365d. One sort of each customer's rows; no join fans out.
   *
   * @param orderDays customer_key, order_date
   * @param responses fact_survey_response: customer_key, responded_ts, response_date, nps_group
   * @param interactions fact_interaction: customer_key, opened_ts, is_complaint, resolution_hours
   * @param sessions customer_key, session_date (days with a digital session), or null
   */
  public static Dataset<Row> withCovariates(Dataset<Row> episodes, Dataset<Row> orderDays, Dataset<Row> responses,
      Dataset<Row> interactions, Dataset<Row> sessions, SurvivalConfig cfg) {
    Dataset<Row> marks = episodes.withColumn("_day", col("start")).withColumn("_episode", lit(true))
        .unionByName(orderDays.select(col("customer_key"), col("order_date").as("_day"), lit(1).as("_order")), true)
        .unionByName(responses.where(col("nps_group").isNotNull()).select(col("customer_key"), col("response_date").as("_day"),
            struct(col("responded_ts"), col("nps_group")).as("_answer")), true)
        .unionByName(interactions.select(col("customer_key"), to_date(col("opened_ts")).as("_day"),
            when(col("is_complaint"), 1).otherwise(0).as("_complaint")), true)
        .unionByName(interactions.where(col("resolution_hours").isNull().or(col("resolution_hours").gt(SLOW_HOURS)))
            .select(col("customer_key"),
                to_date(col("opened_ts").plus(expr("INTERVAL " + SLOW_HOURS + " HOURS"))).as("_day"), lit(1).as("_slow")), true);
    if (sessions != null) {
      marks = marks.unionByName(sessions.select(col("customer_key"), col("session_date").as("_day"), lit(1).as("_session")), true);
    }
    WindowSpec before = Window.partitionBy("customer_key").orderBy(col("_day_number"));
    Dataset<Row> out = marks.withColumn("_day_number", unix_date(col("_day")))
        .withColumn("current_nps_group", coalesce(
            max("_answer").over(before.rangeBetween(-cfg.recentAnswerDays(), -1)).getField("nps_group"), lit("none")))
        .withColumn("complaints", coalesce(sum("_complaint").over(before.rangeBetween(-cfg.complaintDays(), -1)), lit(0L)))
        .withColumn("slow_contacts", coalesce(sum("_slow").over(before.rangeBetween(-cfg.complaintDays(), -1)), lit(0L)))
        .withColumn("orders_365d", coalesce(sum("_order").over(before.rangeBetween(-ORDER_DAYS, -1)), lit(0L)))
        .withColumn("digital_active", sessions == null ? lit(null).cast("double")
            : when(sum("_session").over(before.rangeBetween(-DIGITAL_DAYS, -1)).gt(0), 1.0).otherwise(0.0));
    return out.where(col("_episode").isNotNull())
        .drop("_day", "_day_number", "_episode", "_order", "_answer", "_complaint", "_slow", "_session");
  }
}
