package io.cxlake.metrics;

import static org.apache.spark.sql.functions.*;

import io.cxlake.core.TableColumns;
import io.cxlake.platform.CacheScope;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * kpi_operations (SPEC §7.6) per period and slice. Four families are aggregated separately
 * (orders, renewals, churn, support contacts), each with every slice it has, and joined on
 * the period-slice key; a metric a slice does not carry is null (e.g. renewals by channel).
 *
 * <ul>
 *   <li>revenue = Σ(amount − discount) of completed orders; AOV = revenue / orders;
 *       purchase frequency = orders / active customers (customers with a completed order)</li>
 *   <li>repurchase rate = customers with ≥ 2 completed orders in the period / with ≥ 1</li>
 *   <li>renewal rate = renewed / renewals decided in the period</li>
 *   <li>churn rate = customers churned in the period / active at its start. Inactivity basis:
 *       a customer is active at day S when a completed order lies in [S − D, S), and churns on
 *       the day D days after a completed order not followed by another within D days.
 *       Subscription basis: churned renewals decided in the period / subscriptions active at
 *       its start.</li>
 *   <li>complaint rate = complaints / active customers × 1000 (touchpoint slices use all
 *       active customers of the period)</li>
 *   <li>first-response and resolution hours: exact median and 90th percentile of contacts
 *       opened in the period</li>
 * </ul>
 */
public final class OperationsKpis {
  private OperationsKpis() {}

  static final String[] KEY = {"period_type", "period_start", "slice", "slice_value"};

  /** Facts, subscriptions keyed by customer_key (subscription_id, start_date, end_date) and customer attributes. */
  public record Inputs(Dataset<Row> factOrder, Dataset<Row> factRenewal, Dataset<Row> factInteraction,
      Dataset<Row> subscriptions, Dataset<Row> customerAttributes) {}

  public static Dataset<Row> build(Inputs in, LocalDate asOf, List<String> periodTypes, List<String> slices,
      PeriodSet periods, String churnBasis, int inactivityDays) {
    return build(in, asOf, periodTypes, slices, periods, churnBasis, inactivityDays, CacheScope.none());
  }

  /** As above; {@code cache} keeps intermediates read more than once. */
  public static Dataset<Row> build(Inputs in, LocalDate asOf, List<String> periodTypes, List<String> slices,
      PeriodSet periods, String churnBasis, int inactivityDays, CacheScope cache) {
    List<String> customerSlices = slices.stream()
        .filter(s -> TableColumns.has(in.customerAttributes(), s)).toList();
    Dataset<Row> attrs = in.customerAttributes().select(concatKey(customerSlices));

    Dataset<Row> orderFamily = orderFamily(in.factOrder(), attrs, periodTypes, periods, slices, customerSlices);

    // Renewals decided in the period.
    Dataset<Row> renewals = in.factRenewal().where(col("is_decided")).join(attrs, "customer_key");
    renewals = explodeBy(renewals, col("decided_date"), periodTypes, periods, customerSlices);
    Dataset<Row> renewalFamily = Cols.group(renewals, KEY).agg(
        count(lit(1)).as("renewals_decided"), sum(when(col("is_renewed"), 1L).otherwise(0L)).as("renewals_renewed"));

    Dataset<Row> churnFamily = churnBasis.equals("subscription")
        ? subscriptionChurn(in, attrs, asOf, periodTypes, periods, customerSlices)
        : inactivityChurn(in.factOrder(), attrs, asOf, periodTypes, periods, customerSlices, inactivityDays, cache);

    // Support contacts opened in the period.
    Dataset<Row> contacts = in.factInteraction().join(attrs, "customer_key");
    contacts = explodeBy(contacts, col("opened_date"), periodTypes, periods, slices);
    Dataset<Row> contactFamily = Cols.group(contacts, KEY).agg(
        count(lit(1)).as("contacts"), sum(when(col("is_complaint"), 1L).otherwise(0L)).as("complaints"),
        // Exact percentiles of hours rounded to 0.01 (36 s): Spark's percentile keeps a count per
        // distinct value, so rounding makes it cheap without changing the figures shown.
        expr("percentile(round(first_response_hours, 2), array(0.5, 0.9))").as("_fr"),
        expr("percentile(round(resolution_hours, 2), array(0.5, 0.9))").as("_res"))
        .withColumn("first_response_hours_median", element_at(col("_fr"), 1))
        .withColumn("first_response_hours_p90", element_at(col("_fr"), 2))
        .withColumn("resolution_hours_median", element_at(col("_res"), 1))
        .withColumn("resolution_hours_p90", element_at(col("_res"), 2))
        .drop("_fr", "_res");

    Dataset<Row> joined = orderFamily.join(renewalFamily, KEY, "full")
        .join(churnFamily, KEY, "full")
        .join(contactFamily, KEY, "full");
    // Denominator for slices without their own customer base (touchpoint): the period's active customers.
    Dataset<Row> allActive = orderFamily.where(col("slice").equalTo(Periods.ALL))
        .select(col("period_type"), col("period_start"), col("active_customers").as("_all_active"));
    joined = joined.join(allActive, new String[] {"period_type", "period_start"}, "left");
    Column complaintBase = when(col("slice").equalTo("touchpoint"), col("_all_active")).otherwise(col("active_customers"));

    return joined.select(col("period_type"), col("period_start"),
        Periods.end(col("period_type"), col("period_start")).as("period_end"), col("slice"), col("slice_value"),
        coalesce(col("revenue"), lit(0).cast("decimal(18,2)")).as("revenue"),
        coalesce(col("orders"), lit(0L)).as("orders"),
        coalesce(col("guest_orders"), lit(0L)).as("guest_orders"),
        col("active_customers"),
        when(col("orders").gt(0), col("revenue").divide(col("orders"))).cast("decimal(18,2)").as("aov"),
        // a slice can hold guest orders only (region unknown): no customers, no frequency
        when(col("active_customers").gt(0),
            round(col("orders").minus(col("guest_orders")).divide(col("active_customers")), 4)).as("purchase_frequency"),
        col("repurchasers"),
        pct(col("repurchasers"), col("active_customers")).as("repurchase_rate"),
        col("renewals_decided"), col("renewals_renewed"),
        pct(col("renewals_renewed"), col("renewals_decided")).as("renewal_rate"),
        col("active_at_start"), col("churned_customers"),
        pct(col("churned_customers"), col("active_at_start")).as("churn_rate"),
        coalesce(col("contacts"), lit(0L)).as("contacts"),
        coalesce(col("complaints"), lit(0L)).as("complaints"),
        when(complaintBase.gt(0), round(coalesce(col("complaints"), lit(0L)).multiply(1000.0).divide(complaintBase), 4))
            .as("complaint_rate_per_1000"),
        round(col("first_response_hours_median"), 4).as("first_response_hours_median"),
        round(col("first_response_hours_p90"), 4).as("first_response_hours_p90"),
        round(col("resolution_hours_median"), 4).as("resolution_hours_median"),
        round(col("resolution_hours_p90"), 4).as("resolution_hours_p90"));
  }

  /**
   * Revenue, orders, active customers and repurchasers per period and slice. Revenue is net of
   * credit notes; guest orders (no customer_key) count in revenue and orders only, under an
   * unknown value of customer slices.
   *
   * <p>Active customers and repurchasers need each customer's order count per period and slice.
   * Customer orders are shuffled once by customer_key: every per-customer roll-up below groups
   * by a superset of it, so none moves the rows again, and each ends in a partial aggregation
   * down to the few (period, slice) keys. Exploding every order into each period × slice and
   * grouping that by customer moved several times the orders through one shuffle instead.
   * Guest orders are summed apart, so they do not gather in the one task of a null key.
   */
  static Dataset<Row> orderFamily(Dataset<Row> factOrder, Dataset<Row> attrs, List<String> periodTypes,
      PeriodSet periods, List<String> slices, List<String> customerSlices) {
    Dataset<Row> orders = factOrder.where(col("is_completed").or(col("status").equalTo("credit")))
        .withColumn("_n", when(col("is_completed"), 1L).otherwise(0L));
    List<String> orderSlices = slices.stream()
        .filter(s -> !customerSlices.contains(s) && TableColumns.has(orders, s)).toList();
    Column customerKey = col("customer_key").isNotNull();

    Dataset<Row> guests = orders.where(not(customerKey)).join(attrs, new String[] {"customer_key"}, "left");
    Dataset<Row> guestFamily = Cols.group(explodeBy(guests, col("order_date"), periodTypes, periods, slices), KEY)
        .agg(sum("net_amount").as("net"), sum("_n").as("orders"), lit(0L).as("active_customers"),
            lit(0L).as("repurchasers"), sum("_n").as("guest_orders"));

    List<String> perCustomerKey = new ArrayList<>(List.of("customer_key", "period_type", "period_start"));
    perCustomerKey.addAll(customerSlices);
    List<String> perCustomerRowKey = new ArrayList<>(perCustomerKey);
    perCustomerRowKey.addAll(orderSlices);
    Dataset<Row> byCustomer = orders.where(customerKey).repartition(col("customer_key"))
        .join(attrs, new String[] {"customer_key"}, "left");
    byCustomer = Periods.explodePeriods(byCustomer, col("order_date"), periodTypes);
    if (periods != null) {
      byCustomer = byCustomer.where(periods.predicate());
    }
    Dataset<Row> perCustomerRow = Cols.group(byCustomer, perCustomerRowKey.toArray(String[]::new))
        .agg(sum("_n").as("_n"), sum("net_amount").as("net"));
    // "all" and the customer slices from each customer's totals of the period; each order slice
    // (channel) from the customer's orders with that value.
    List<Dataset<Row>> perSlice = new ArrayList<>();
    perSlice.add(Periods.explodeSlices(Cols.group(perCustomerRow, perCustomerKey.toArray(String[]::new))
        .agg(sum("_n").as("_n"), sum("net").as("net")), customerSlices));
    for (String s : orderSlices) {
      perSlice.add(Cols.group(perCustomerRow, "customer_key", "period_type", "period_start", s)
          .agg(sum("_n").as("_n"), sum("net").as("net"))
          .withColumn("slice", lit(s)).withColumn("slice_value", coalesce(col(s).cast("string"), lit(Periods.UNKNOWN))));
    }
    Dataset<Row> customerFamily = perSlice.stream()
        .map(p -> Cols.group(p, KEY).agg(sum("net").as("net"), sum("_n").as("orders"),
            count(when(col("_n").gt(0), 1)).as("active_customers"),
            sum(when(col("_n").geq(2), 1L).otherwise(0L)).as("repurchasers"), lit(0L).as("guest_orders")))
        .reduce(Dataset::unionByName).orElseThrow();
    return Cols.group(customerFamily.unionByName(guestFamily), KEY).agg(
        sum("net").cast("decimal(18,2)").as("revenue"), sum("orders").as("orders"),
        sum("active_customers").as("active_customers"), sum("repurchasers").as("repurchasers"),
        sum("guest_orders").as("guest_orders"));
  }

  /**
   * Inactivity churn. Each completed order o "keeps the customer active" on the period starts S
   * with o &lt; S ≤ o + D; a churn happens on o + D when the next completed order is later than
   * that (or there is none), counted only when o + D is on or before the as-of date.
   */
  static Dataset<Row> inactivityChurn(Dataset<Row> factOrder, Dataset<Row> attrs, LocalDate asOf,
      List<String> periodTypes, PeriodSet periods, List<String> customerSlices, int days, CacheScope cache) {
    Column asOfDate = lit(java.sql.Date.valueOf(asOf));
    Dataset<Row> days1 = cache.keep(factOrder.where(col("is_completed").and(col("customer_key").isNotNull())).select("customer_key", "order_date").distinct()
        .withColumn("_next", lead(col("order_date"), 1).over(
            org.apache.spark.sql.expressions.Window.partitionBy("customer_key").orderBy("order_date"))));
    Dataset<Row> churns = days1
        .withColumn("churn_date", date_add(col("order_date"), days))
        .where(col("churn_date").leq(asOfDate).and(col("_next").isNull().or(col("_next").gt(col("churn_date")))))
        .join(attrs, "customer_key");
    churns = explodeBy(churns, col("churn_date"), periodTypes, periods, customerSlices);
    Dataset<Row> churned = Cols.group(churns, KEY).agg(countDistinct("customer_key").as("churned_customers"));

    // Order o keeps the customer active on starts S in (o, min(o + D, next order)]: these spans
    // do not overlap for one customer, so each (customer, period start) comes out once. The
    // slice values join before the spans are expanded (about D / 7 + D / 30 rows per order), so
    // the expanded rows are only counted where they are made, never shuffled.
    Dataset<Row> spans = days1.join(attrs, "customer_key");
    List<Dataset<Row>> active = new ArrayList<>();
    for (String t : periodTypes) {
      Column firstStart = t.equals("month") ? add_months(trunc(col("order_date"), "month"), 1)
          : date_add(date_trunc("week", col("order_date")).cast("date"), 7);
      Column last = least(date_add(col("order_date"), days), coalesce(col("_next"), lit(java.sql.Date.valueOf("9999-12-31"))),
          asOfDate);
      Column step = expr(t.equals("month") ? "interval 1 month" : "interval 7 days");
      List<Column> out = new ArrayList<>();
      customerSlices.forEach(c -> out.add(col(c)));
      out.add(lit(t).as("period_type"));
      out.add(explode(sequence(firstStart, last, step)).as("period_start"));
      active.add(spans.where(firstStart.leq(last)).select(out.toArray(Column[]::new)));
    }
    Dataset<Row> activeAtStart = active.stream().reduce(Dataset::unionByName).orElseThrow();
    if (periods != null) {
      activeAtStart = activeAtStart.where(periods.predicate());
    }
    // Count per combination of slice values first, then roll the small result up per slice.
    List<String> combo = new ArrayList<>(List.of("period_type", "period_start"));
    combo.addAll(customerSlices);
    Dataset<Row> perCombo = Cols.group(activeAtStart, combo.toArray(String[]::new)).agg(count(lit(1)).as("_n"));
    Dataset<Row> base = Cols.group(Periods.explodeSlices(perCombo, customerSlices), KEY)
        .agg(sum("_n").as("active_at_start"));
    return base.join(churned, KEY, "full")
        .select(col("period_type"), col("period_start"), col("slice"), col("slice_value"),
            coalesce(col("active_at_start"), lit(0L)).as("active_at_start"),
            coalesce(col("churned_customers"), lit(0L)).as("churned_customers"));
  }

  /** Subscription churn: churned renewals decided in the period / subscriptions active at its start. */
  static Dataset<Row> subscriptionChurn(Inputs in, Dataset<Row> attrs, LocalDate asOf, List<String> periodTypes,
      PeriodSet periods, List<String> customerSlices) {
    Column asOfDate = lit(java.sql.Date.valueOf(asOf));
    Dataset<Row> churns = in.factRenewal().where(col("outcome").equalTo("churned")).join(attrs, "customer_key");
    churns = explodeBy(churns, col("decided_date"), periodTypes, periods, customerSlices);
    Dataset<Row> churned = Cols.group(churns, KEY).agg(countDistinct("subscription_id").as("churned_customers"));
    // Slice values join before the active periods are expanded, and the subscriptions are
    // spread by id, so the distinct count of the expanded rows needs no shuffle of them.
    Dataset<Row> subs = in.subscriptions()
        .select(col("customer_key"), col("subscription_id"),
            col("start_date"), least(coalesce(col("end_date"), asOfDate), asOfDate).as("_last"))
        .join(attrs, "customer_key").repartition(col("subscription_id"));
    List<Dataset<Row>> active = new ArrayList<>();
    for (String t : periodTypes) {
      Column firstStart = t.equals("month") ? add_months(trunc(col("start_date"), "month"), 1)
          : date_add(date_trunc("week", col("start_date")).cast("date"), 7);
      Column step = expr(t.equals("month") ? "interval 1 month" : "interval 7 days");
      List<Column> out = new ArrayList<>(List.of(col("subscription_id")));
      customerSlices.forEach(c -> out.add(col(c)));
      out.add(lit(t).as("period_type"));
      out.add(explode(sequence(firstStart, col("_last"), step)).as("period_start"));
      active.add(subs.where(firstStart.leq(col("_last"))).select(out.toArray(Column[]::new)));
    }
    Dataset<Row> activeAtStart = active.stream().reduce(Dataset::unionByName).orElseThrow();
    if (periods != null) {
      activeAtStart = activeAtStart.where(periods.predicate());
    }
    activeAtStart = Periods.explodeSlices(activeAtStart, customerSlices);
    Dataset<Row> base = Cols.group(activeAtStart, KEY).agg(countDistinct("subscription_id").as("active_at_start"));
    return base.join(churned, KEY, "full")
        .select(col("period_type"), col("period_start"), col("slice"), col("slice_value"),
            coalesce(col("active_at_start"), lit(0L)).as("active_at_start"),
            coalesce(col("churned_customers"), lit(0L)).as("churned_customers"));
  }

  private static Dataset<Row> explodeBy(Dataset<Row> rows, Column date, List<String> periodTypes, PeriodSet periods,
      List<String> slices) {
    Dataset<Row> r = Periods.explodePeriods(rows, date, periodTypes);
    if (periods != null) {
      r = r.where(periods.predicate());
    }
    return Periods.explodeSlices(r, slices);
  }

  static Column pct(Column part, Column whole) {
    return when(whole.gt(0), round(part.multiply(100.0).divide(whole), 4));
  }

  private static Column[] concatKey(List<String> customerSlices) {
    List<Column> c = new ArrayList<>();
    c.add(col("customer_key"));
    customerSlices.forEach(s -> c.add(col(s)));
    return c.toArray(Column[]::new);
  }
}
