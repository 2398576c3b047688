package io.cxlake.segment;

import io.cxlake.platform.CacheScope;
import io.cxlake.platform.Pseudonym;
import static org.apache.spark.sql.functions.*;

import io.cxlake.metrics.Facts;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The catalogue of clustering features: one row per customer with every feature, computed
 * from the gold facts of the window ending at the as-of date. Rates are per active month (from
 * the later of sign-up and the window start to the customer's latest order in the window), so
 * a customer who left after six months is described by how they behaved while active, not
 * diluted by the months after they left.
 */
public final class ClusterFeatures {
  private ClusterFeatures() {}

  /** A feature: description (docs, profile) and the words of a cluster label when high or low. */
  public record Feature(String name, String description, String high, String low) {}

  /** Every feature, in catalogue order (ClusterFeatures.CATALOGUE.keySet() lists the same names). */
  public static final Map<String, Feature> CATALOGUE = new LinkedHashMap<>();

  static {
    add("orders_per_month", "completed orders per active month", "buys often", "buys rarely");
    add("avg_order_value", "mean net amount of a completed order", "high spend per order", "low spend per order");
    add("discount_share", "share of orders with a discount", "discount-driven", "rarely uses discounts");
    add("return_share", "share of orders returned", "returns often", "rarely returns");
    add("app_share", "share of orders placed in the app", "app shopper", "rarely uses the app");
    add("web_share", "share of orders placed on the website", "web shopper", "rarely shops on the web");
    add("store_share", "share of orders placed in a store", "store shopper", "rarely visits stores");
    add("phone_share", "share of orders placed by phone", "orders by phone", "rarely orders by phone");
    add("category_count", "distinct product categories bought", "buys across categories", "buys few categories");
    add("contacts_per_month", "support contacts per active month", "contacts support often", "rarely contacts support");
    add("complaint_share", "share of support contacts that were complaints", "complains often", "rarely complains");
    add("nps_mean", "mean NPS answer 0-10", "high satisfaction", "low satisfaction");
    add("csat_mean", "mean CSAT 1-5", "high CSAT", "low CSAT");
    add("sessions_per_month", "digital sessions per active month", "digitally very active", "digitally inactive");
    add("tenure_days", "days since sign-up", "long-standing", "recently joined");
    add("recency_days", "days since the latest completed order (customer_rfm)", "lapsed", "bought recently");
    add("frequency", "completed orders in the RFM window (customer_rfm)", "many orders", "few orders");
    add("monetary", "net revenue in the RFM window (customer_rfm)", "high revenue", "low revenue");
    add("attitude_score", "attitude factor 0-100 (customer_value)", "positive attitude", "negative attitude");
    add("behaviour_score", "behaviour factor 0-100 (customer_value)", "highly engaged", "little engaged");
    add("consumption_score", "consumption factor 0-100 (customer_value)", "high consumption", "low consumption");
    add("value_score", "overall value 0-100 (customer_value)", "high value", "low value");
  }

  private static void add(String name, String description, String high, String low) {
    CATALOGUE.put(name, new Feature(name, description, high, low));
  }

  /** Inputs, all gold except the digital events (silver, keyed by source id; hashed after aggregation). */
  public record Inputs(Dataset<Row> c360, Dataset<Row> factOrder, Dataset<Row> factInteraction,
      Dataset<Row> factResponse, Dataset<Row> digitalEvents, Dataset<Row> rfm, Dataset<Row> value, byte[] secret) {}

  /**
   * One row per customer of the snapshot: customer_key, completed_orders (in the window) and
   * every catalogue feature (null where a customer has no data for it).
   */
  public static Dataset<Row> build(Inputs in, LocalDate asOf, int windowDays, double sharePrior, CacheScope cache) {
    Column asOfDate = lit(java.sql.Date.valueOf(asOf));
    Column windowStart = date_sub(asOfDate, windowDays - 1);
    Dataset<Row> orders = in.factOrder().where(col("order_date").geq(windowStart).and(col("order_date").leq(asOfDate)))
        .groupBy("customer_key").agg(
            sum(when(col("is_completed"), 1).otherwise(0)).as("completed_orders"),
            max("order_date").as("_last_order"),
            avg(when(col("is_completed"), col("net_amount").cast("double"))).as("avg_order_value"),
            count(lit(1)).as("_orders"),
            sum(when(col("discount").gt(0), 1).otherwise(0)).as("discount_share"),
            sum(when(col("status").equalTo("returned"), 1).otherwise(0)).as("return_share"),
            sum(when(col("channel").equalTo("app"), 1).otherwise(0)).as("app_share"),
            sum(when(col("channel").equalTo("web"), 1).otherwise(0)).as("web_share"),
            sum(when(col("channel").equalTo("store"), 1).otherwise(0)).as("store_share"),
            sum(when(col("channel").equalTo("phone"), 1).otherwise(0)).as("phone_share"),
            countDistinct(when(col("is_completed"), col("category"))).as("category_count"));
    // Per-customer and small; read twice (population rates below, then the join).
    orders = cache.keep(orders);
    Dataset<Row> contacts = in.factInteraction()
        .where(col("opened_date").geq(windowStart).and(col("opened_date").leq(asOfDate)))
        .groupBy("customer_key").agg(count(lit(1)).as("_contacts"),
            sum(when(col("is_complaint"), 1).otherwise(0)).as("complaint_share"));
    contacts = cache.keep(contacts);
    Dataset<Row> surveys = in.factResponse()
        .where(col("response_date").geq(windowStart).and(col("response_date").leq(asOfDate)))
        .groupBy("customer_key").agg(avg("nps").as("nps_mean"), avg("csat").as("csat_mean"));
    Dataset<Row> sessions = in.digitalEvents().where(Facts.upTo(col("event_ts"), asOf)
            .and(to_date(col("event_ts")).geq(windowStart)))
        .groupBy("customer_id").agg(countDistinct("session_id").as("_sessions"))
        .select(Pseudonym.customerKey(col("customer_id"), in.secret()).as("customer_key"), col("_sessions"));

    Dataset<Row> all = in.c360().select("customer_key", "signup_date", "tenure_days")
        .join(orders, new String[] {"customer_key"}, "left")
        .join(contacts, new String[] {"customer_key"}, "left")
        .join(surveys, new String[] {"customer_key"}, "left")
        .join(sessions, new String[] {"customer_key"}, "left");
    if (in.rfm() != null) {
      all = all.join(in.rfm().select("customer_key", "recency_days", "frequency", "monetary"),
          new String[] {"customer_key"}, "left");
    }
    if (in.value() != null) {
      all = all.join(in.value().select("customer_key", "attitude_score", "behaviour_score", "consumption_score",
          "value_score"), new String[] {"customer_key"}, "left");
    }
    // Active months: later of sign-up and window start, to the latest order; at least one month.
    Column months = greatest(lit(1.0), months_between(col("_last_order"), greatest(col("signup_date"), windowStart)).plus(0.5));
    // Population rates p0 of the shares: two small aggregations of the cached aggregates.
    List<String> shares = List.of("discount_share", "return_share", "app_share", "web_share", "store_share", "phone_share");
    List<Column> sums = new java.util.ArrayList<>();
    for (String share : shares) {
      sums.add(sum(col(share)));
    }
    Row orderTotals = orders.agg(sum(col("_orders")), sums.toArray(Column[]::new)).first();
    Row contactTotals = contacts.agg(sum(col("_contacts")), sum(col("complaint_share"))).first();
    for (int i = 0; i < shares.size(); i++) {
      all = all.withColumn(shares.get(i), smoothed(col(shares.get(i)), col("_orders"), rate(orderTotals, i + 1, 0),
          sharePrior));
    }
    all = all.withColumn("complaint_share", smoothed(col("complaint_share"), col("_contacts"),
        rate(contactTotals, 1, 0), sharePrior));
    return all
        .withColumn("completed_orders", coalesce(col("completed_orders"), lit(0L)))
        .withColumn("orders_per_month", col("completed_orders").divide(months))
        .withColumn("contacts_per_month", coalesce(col("_contacts"), lit(0L)).divide(months))
        .withColumn("sessions_per_month", coalesce(col("_sessions"), lit(0L)).divide(months))
        .withColumn("tenure_days", col("tenure_days").cast("double"))
        .drop("_last_order", "_orders", "_contacts", "_sessions", "signup_date");
  }

  private static double rate(Row totals, int hits, int n) {
    long total = totals.isNullAt(n) ? 0 : totals.getLong(n);
    return total == 0 ? 0.0 : (totals.isNullAt(hits) ? 0 : totals.getLong(hits)) / (double) total;
  }

  /**
   * A share with additive smoothing: (hits + prior × p₀) / (n + prior), p₀ the share over all
   * customers. A customer with two orders, one of them in the app, is not "50% app" but pulled
   * towards the population's rate, so few orders cannot make an extreme share that splits a
   * cluster on noise; with many orders the customer's own share dominates. No data: p₀.
   */
  static Column smoothed(Column hits, Column n, double p0, double prior) {
    return coalesce(hits, lit(0L)).plus(lit(p0 * prior)).divide(coalesce(n, lit(0L)).plus(prior));
  }
}
