package io.cxlake.metrics;

import io.cxlake.platform.Pseudonym;
import static org.apache.spark.sql.functions.*;

import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Gold facts from silver: pure transformations (datasets in, datasets out), each keeping only
 * what happened up to the end of the as-of day, with the pseudonymous customer key instead of
 * the source id.
 */
public final class Facts {
  private Facts() {}

  /** Timestamps up to the end of the as-of day (UTC). */
  public static Column upTo(Column ts, LocalDate asOf) {
    return ts.lt(lit(java.sql.Timestamp.valueOf(asOf.plusDays(1).atStartOfDay())));
  }

  static Column hoursBetween(Column from, Column to) {
    return round(unix_seconds(to).minus(unix_seconds(from)).divide(3600.0), 4);
  }

  /**
   * fact_order: one row per order. order_seq numbers a customer's completed orders;
   * is_repurchase marks a completed order after an earlier completed one; is_category_repurchase
   * one in the same category within {@code windowDays} days of the previous.
   */
  public static Dataset<Row> orders(Dataset<Row> orderLines, LocalDate asOf, byte[] secret, int windowDays) {
    Dataset<Row> o = toOrders(orderLines.where(upTo(col("order_ts"), asOf)))
        .withColumn("customer_key", Pseudonym.customerKey(col("customer_id"), secret))
        .withColumn("is_completed", col("status").equalTo("completed"));
    // Completed customer orders only (a guest has no sequence); ties on timestamp broken by
    // order_id so numbering is deterministic.
    WindowSpec byCustomer = Window.partitionBy("customer_key").orderBy(col("order_ts"), col("order_id"));
    WindowSpec byCategory = Window.partitionBy("customer_key", "category").orderBy(col("order_ts"), col("order_id"));
    Dataset<Row> completed = o.where(col("is_completed").and(col("customer_key").isNotNull()))
        .select(col("order_id"),
            row_number().over(byCustomer).as("order_seq"),
            lag(col("order_ts"), 1).over(byCategory).as("_prev_same_category_ts"));
    return o.join(completed, new String[] {"order_id"}, "left")
        .select(col("order_id"), col("customer_key"), col("order_ts"), to_date(col("order_ts")).as("order_date"),
            col("product_id"), col("category"), col("channel"), col("status"), col("lines"), col("quantity"),
            col("amount"), col("discount"),
            // a credit note's value is subtracted from revenue
            when(col("status").equalTo("credit"), col("discount").minus(col("amount")))
                .otherwise(col("amount").minus(col("discount"))).cast("decimal(18,2)").as("net_amount"),
            col("is_completed"), col("order_seq"),
            coalesce(col("order_seq").geq(2), lit(false)).as("is_repurchase"),
            coalesce(col("_prev_same_category_ts").isNotNull()
                .and(unix_seconds(col("order_ts")).minus(unix_seconds(col("_prev_same_category_ts")))
                    .leq((long) windowDays * 86400)), lit(false)).as("is_category_repurchase"));
  }

  /**
   * Order lines to orders: amounts and quantities summed; product, category and channel of the
   * largest line; the order completed when any line is, else the status of its largest line.
   * One line per order (a source at order grain) gives the line itself.
   */
  static Dataset<Row> toOrders(Dataset<Row> lines) {
    Column largest = struct(col("amount"), col("line_id"));
    return lines.groupBy("order_id").agg(
        max("customer_id").as("customer_id"), min("order_ts").as("order_ts"),
        max_by(col("product_id"), largest).as("product_id"), max_by(col("category"), largest).as("category"),
        max_by(col("channel"), largest).as("channel"),
        when(max(col("status").equalTo("completed")), lit("completed"))
            .otherwise(max_by(col("status"), largest)).as("status"),
        count(lit(1)).cast("int").as("lines"), sum("quantity").cast("int").as("quantity"),
        sum("amount").cast("decimal(18,2)").as("amount"), sum("discount").cast("decimal(18,2)").as("discount"));
  }

  /** fact_renewal: one row per renewal, with the subscription's plan, billing period and MRR. */
  public static Dataset<Row> renewals(Dataset<Row> renewals, Dataset<Row> subscriptions, LocalDate asOf, byte[] secret) {
    Column asOfDate = lit(java.sql.Date.valueOf(asOf));
    Dataset<Row> subs = subscriptions.select(col("subscription_id"), col("plan"), col("billing_period"), col("mrr"));
    return renewals.where(col("due_date").leq(asOfDate))
        .join(subs, new String[] {"subscription_id"}, "left")
        // A decision after the as-of date is not known yet at the as-of date.
        .withColumn("_decided", col("decided_date").isNotNull().and(col("decided_date").leq(asOfDate))
            .and(col("outcome").isin("renewed", "churned")))
        .select(col("renewal_id"), col("subscription_id"), Pseudonym.customerKey(col("customer_id"), secret).as("customer_key"),
            col("plan"), col("billing_period"), col("mrr"), col("due_date"),
            when(col("_decided"), col("decided_date")).as("decided_date"),
            when(col("_decided"), col("outcome")).otherwise(lit("pending")).as("outcome"),
            col("_decided").as("is_decided"),
            col("_decided").and(col("outcome").equalTo("renewed")).as("is_renewed"));
  }

  /** fact_interaction: one row per support contact, with response and resolution hours. */
  public static Dataset<Row> interactions(Dataset<Row> interactions, LocalDate asOf, byte[] secret) {
    Column asOfEnd = lit(java.sql.Timestamp.valueOf(asOf.plusDays(1).atStartOfDay()));
    return interactions.where(upTo(col("opened_ts"), asOf))
        .select(col("interaction_id"), Pseudonym.customerKey(col("customer_id"), secret).as("customer_key"),
            col("opened_ts"), to_date(col("opened_ts")).as("opened_date"), col("channel"), col("touchpoint"),
            col("category"), col("is_complaint"), col("reopened"),
            when(col("first_response_ts").lt(asOfEnd), hoursBetween(col("opened_ts"), col("first_response_ts")))
                .as("first_response_hours"),
            when(col("resolved_ts").lt(asOfEnd), hoursBetween(col("opened_ts"), col("resolved_ts"))).as("resolution_hours"),
            coalesce(col("resolved_ts").lt(asOfEnd), lit(false)).as("is_resolved"));
  }

  /**
   * fact_survey_response: one row per response: scores, NPS group, CSAT top-2-box, the
   * response's CX index (mean of the answered needs-met/ease/emotion items rescaled to 0-100),
   * and the respondent weight (1 when missing).
   */
  public static Dataset<Row> surveyResponses(Dataset<Row> responses, LocalDate asOf, byte[] secret) {
    Column[] cx = {col("cx_needs_met"), col("cx_ease"), col("cx_emotion")};
    Column answered = lit(0);
    Column sum = lit(0.0);
    for (Column c : cx) {
      answered = answered.plus(when(c.isNotNull(), 1).otherwise(0));
      sum = sum.plus(coalesce(c.minus(1).divide(4.0).multiply(100), lit(0.0)));
    }
    return responses.where(upTo(col("responded_ts"), asOf))
        .select(col("response_id"), Pseudonym.customerKey(col("customer_id"), secret).as("customer_key"),
            col("survey_type"), col("touchpoint"), col("journey_stage"), col("channel"), col("responded_ts"),
            to_date(col("responded_ts")).as("response_date"), col("nps"),
            when(col("nps").geq(9), "promoter").when(col("nps").geq(7), "passive").when(col("nps").isNotNull(), "detractor")
                .as("nps_group"),
            col("csat"), col("csat").geq(4).as("csat_top2"), col("ces"),
            col("cx_needs_met"), col("cx_ease"), col("cx_emotion"),
            when(answered.gt(0), round(sum.divide(answered), 4)).as("cx_index"),
            col("verbatim").isNotNull().and(length(trim(col("verbatim"))).gt(0)).as("has_verbatim"),
            col("language"), coalesce(col("weight"), lit(1.0)).as("weight"));
  }

  /**
   * fact_survey_rating: one row per response and rated attribute with a rating (not-applicable
   * and unanswered ones stay in silver only), the score on its scale and rescaled to 0-100:
   * (score − scale_min) / (scale_max − scale_min) × 100, so attributes on different scales compare.
   */
  public static Dataset<Row> surveyRatings(Dataset<Row> ratings, Dataset<Row> factResponses) {
    Column lo = coalesce(col("scale_min"), lit(1));
    Column hi = coalesce(col("scale_max"), lit(5));
    return ratings.where(col("score").isNotNull())
        .join(factResponses.select("response_id", "customer_key", "response_date", "touchpoint", "weight"),
            new String[] {"response_id"}, "inner")
        .select(col("response_id"), col("attribute"), col("customer_key"), col("response_date"), col("touchpoint"),
            col("score"), lo.as("scale_min"), hi.as("scale_max"),
            round(col("score").minus(lo).divide(hi.minus(lo)).multiply(100), 6).as("score_100"), col("weight"));
  }

  /** dim_date: one row per day from {@code from} to the as-of date. */
  public static Dataset<Row> dates(org.apache.spark.sql.SparkSession spark, LocalDate from, LocalDate asOf) {
    return spark.range(1).select(explode(sequence(lit(java.sql.Date.valueOf(from)), lit(java.sql.Date.valueOf(asOf)),
            expr("interval 1 day"))).as("date"))
        .select(col("date"), year(col("date")).as("year"), quarter(col("date")).as("quarter"),
            month(col("date")).as("month"), trunc(col("date"), "month").as("month_start"),
            date_format(col("date"), "MMMM").as("month_name"),
            expr("extract(YEAROFWEEK FROM date)").as("iso_year"), weekofyear(col("date")).as("iso_week"),
            date_trunc("week", col("date")).cast("date").as("week_start"),
            expr("extract(DAYOFWEEK_ISO FROM date)").as("day_of_week"),
            expr("extract(DAYOFWEEK_ISO FROM date) >= 6").as("is_weekend"));
  }

  /**
   * dim_touchpoint: one row per touchpoint seen in surveys or support contacts, with its most
   * frequent journey stage (ties: the alphabetically last) and volumes.
   */
  public static Dataset<Row> touchpoints(Dataset<Row> factResponses, Dataset<Row> factInteractions) {
    Dataset<Row> stage = factResponses.groupBy("touchpoint", "journey_stage").count()
        .groupBy("touchpoint")
        .agg(max_by(col("journey_stage"), struct(col("count"), col("journey_stage"))).as("journey_stage"),
            sum("count").as("responses"),
            countDistinct("journey_stage").as("journey_stages"));
    Dataset<Row> contacts = factInteractions.groupBy("touchpoint")
        .agg(count(lit(1)).as("contacts"), sum(when(col("is_complaint"), 1).otherwise(0)).as("complaints"));
    return stage.join(contacts, new String[] {"touchpoint"}, "full")
        .select(col("touchpoint"), col("journey_stage"),
            coalesce(col("responses"), lit(0L)).as("responses"),
            coalesce(col("contacts"), lit(0L)).as("contacts"),
            coalesce(col("complaints"), lit(0L)).as("complaints"),
            coalesce(col("journey_stages"), lit(0L)).as("journey_stages"));
  }
}
