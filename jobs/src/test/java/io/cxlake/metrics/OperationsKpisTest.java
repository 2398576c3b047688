package io.cxlake.metrics;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * kpi_operations on a hand-made January 2026 (SPEC §7.6). Customers: A (region N) orders twice
 * in January (100 − 10 and 50); B (region S) once (200 − 20) plus a returned order; C (region
 * S) last ordered on 2025-11-01, so with 90 days of inactivity C churns on 2026-01-30.
 */
class OperationsKpisTest {
  private static SparkSession spark;
  private static final LocalDate AS_OF = LocalDate.of(2026, 1, 31);

  @BeforeAll
  static void session() {
    spark = TestSpark.session();
  }

  private static Dataset<Row> build(List<String> slices, String basis) {
    return build(slices, basis, "");
  }

  /** @param moreOrders further rows (customer_key, order_date, status, amount, discount, channel), each starting with ", " */
  private static Dataset<Row> build(List<String> slices, String basis, String moreOrders) {
    Dataset<Row> orders = spark.sql("SELECT customer_key, DATE(order_date) AS order_date, status, status = 'completed' AS is_completed, "
        + "CAST(CASE WHEN status = 'credit' THEN discount - amount ELSE amount - discount END AS DECIMAL(18,2)) AS net_amount, "
        + "channel FROM VALUES "
        + "('A', '2026-01-05', 'completed', 100, 10, 'web'), ('A', '2026-01-20', 'completed', 50, 0, 'app'), "
        + "('B', '2026-01-10', 'completed', 200, 20, 'web'), ('B', '2026-01-11', 'returned', 80, 0, 'web'), "
        + "('C', '2025-11-01', 'completed', 40, 0, 'web')" + moreOrders
        + " AS t(customer_key, order_date, status, amount, discount, channel)");
    Dataset<Row> renewals = spark.sql("SELECT customer_key, subscription_id, DATE(decided_date) AS decided_date, "
        + "decided_date IS NOT NULL AS is_decided, outcome = 'renewed' AS is_renewed, outcome FROM VALUES "
        + "('A', 's1', '2026-01-03', 'renewed'), ('B', 's2', '2026-01-04', 'renewed'), ('C', 's3', '2026-01-09', 'renewed'), "
        + "('C', 's4', '2026-01-30', 'churned'), ('A', 's5', NULL, 'pending') AS t(customer_key, subscription_id, decided_date, outcome)");
    Dataset<Row> contacts = spark.sql("SELECT customer_key, DATE(opened_date) AS opened_date, is_complaint, "
        + "CAST(fr AS DOUBLE) AS first_response_hours, CAST(res AS DOUBLE) AS resolution_hours, channel, touchpoint FROM VALUES "
        + "('A', '2026-01-02', true, 1, 5, 'phone', 'delivery'), ('A', '2026-01-03', false, 2, 6, 'chat', 'delivery'), "
        + "('B', '2026-01-04', true, 3, NULL, 'phone', 'billing'), ('C', '2026-01-05', false, 10, 20, 'phone', 'billing') "
        + "AS t(customer_key, opened_date, is_complaint, fr, res, channel, touchpoint)");
    Dataset<Row> subscriptions = spark.sql("SELECT customer_id AS customer_key, subscription_id, DATE(start_date) AS start_date, "
        + "DATE(end_date) AS end_date FROM VALUES ('A', 's1', '2025-01-03', NULL), ('C', 's4', '2025-01-30', '2026-01-30') "
        + "AS t(customer_id, subscription_id, start_date, end_date)");
    Dataset<Row> attrs = spark.sql("SELECT * FROM VALUES ('A', 'N'), ('B', 'S'), ('C', 'S') AS t(customer_key, region)");
    return OperationsKpis.build(new OperationsKpis.Inputs(orders, renewals, contacts, subscriptions, attrs), AS_OF,
        List.of("month"), slices, null, basis, 90);
  }

  private static Row row(Dataset<Row> kpi, String slice, String value) {
    return kpi.where("period_start = DATE'2026-01-01' AND slice = '" + slice + "' AND slice_value = '" + value + "'").first();
  }

  private static double d(Row r, String c) {
    return ((Number) r.getAs(c)).doubleValue();
  }

  @Test
  void revenueOrdersAovFrequencyAndRepurchase() {
    Row r = row(build(List.of("region", "channel", "touchpoint"), "inactivity"), "all", "all");
    assertEquals(new java.math.BigDecimal("320.00"), r.getAs("revenue"));
    assertEquals(3L, (long) r.getAs("orders"));
    assertEquals(2L, (long) r.getAs("active_customers"));
    assertEquals(new java.math.BigDecimal("106.67"), r.getAs("aov"));
    assertEquals(1.5, d(r, "purchase_frequency"), 1e-9);
    assertEquals(1L, (long) r.getAs("repurchasers"));
    assertEquals(50.0, d(r, "repurchase_rate"), 1e-9);
  }

  @Test
  void guestOrdersCountInRevenueAndOrdersButNotInCustomersAndCreditsAreSubtracted() {
    // two guest orders (30 and 12) and a credit note of A for 50 − 0 on Jan 25
    Dataset<Row> kpi = build(List.of("region", "channel"), "inactivity", ", (NULL, '2026-01-07', 'completed', 30, 0, 'web'), "
        + "(NULL, '2026-01-08', 'completed', 12, 0, 'app'), ('A', '2026-01-25', 'credit', 50, 0, 'app')");
    Row r = row(kpi, "all", "all");
    assertEquals(new java.math.BigDecimal("312.00"), r.getAs("revenue"), "320 + 30 + 12 − 50");
    assertEquals(5L, (long) r.getAs("orders"));
    assertEquals(2L, (long) r.getAs("guest_orders"));
    assertEquals(2L, (long) r.getAs("active_customers"));
    assertEquals(1.5, d(r, "purchase_frequency"), 1e-9, "customer orders only: 3 / 2");
    assertEquals(new java.math.BigDecimal("62.40"), r.getAs("aov"), "312 / 5");
    assertEquals(1L, (long) r.getAs("repurchasers"));
    Row unknown = row(kpi, "region", "unknown"); // the guests' region
    assertEquals(new java.math.BigDecimal("42.00"), unknown.getAs("revenue"));
    assertEquals(0L, (long) unknown.getAs("active_customers"));
    assertTrue(unknown.isNullAt(unknown.fieldIndex("purchase_frequency")), "no customers, no frequency");
  }

  @Test
  void aCustomerIsActiveInEveryChannelTheyOrderedInAndRepurchasesWithinOne() {
    // A: web on Jan 5, app on Jan 20 and Jan 22; B: web on Jan 10
    Dataset<Row> kpi = build(List.of("region", "channel"), "inactivity", ", ('A', '2026-01-22', 'completed', 10, 0, 'app')");
    Row web = row(kpi, "channel", "web");
    assertEquals(2L, (long) web.getAs("active_customers"));
    assertEquals(0L, (long) web.getAs("repurchasers"), "A ordered once on the web");
    assertEquals(2L, (long) web.getAs("orders"));
    Row app = row(kpi, "channel", "app");
    assertEquals(1L, (long) app.getAs("active_customers"));
    assertEquals(1L, (long) app.getAs("repurchasers"));
    assertEquals(new java.math.BigDecimal("60.00"), app.getAs("revenue"));
    Row all = row(kpi, "all", "all");
    assertEquals(2L, (long) all.getAs("active_customers"));
    assertEquals(1L, (long) all.getAs("repurchasers"));
    Row north = row(kpi, "region", "N");
    assertEquals(3L, (long) north.getAs("orders"));
    assertEquals(1L, (long) north.getAs("repurchasers"));
    assertEquals(3.0, d(north, "purchase_frequency"), 1e-9);
  }

  @Test
  void renewalRateIsRenewedOverDecided() {
    Row r = row(build(List.of("region"), "inactivity"), "all", "all");
    assertEquals(4L, (long) r.getAs("renewals_decided"));
    assertEquals(3L, (long) r.getAs("renewals_renewed"));
    assertEquals(75.0, d(r, "renewal_rate"), 1e-9);
  }

  @Test
  void inactivityChurnCountsTheCustomerWhoseNinetyDaysRanOut() {
    Dataset<Row> kpi = build(List.of("region"), "inactivity");
    Row all = row(kpi, "all", "all");
    assertEquals(1L, (long) all.getAs("active_at_start"), "only C ordered in the 90 days before Jan 1");
    assertEquals(1L, (long) all.getAs("churned_customers"), "C churns on Jan 30; A and B churn after the as-of date");
    assertEquals(100.0, d(all, "churn_rate"), 1e-9);
    assertEquals(1L, (long) row(kpi, "region", "S").getAs("churned_customers"));
    assertNull(row(kpi, "region", "N").getAs("churn_rate"), "nobody in N was active at the start");
  }

  @Test
  void subscriptionChurnIsChurnedRenewalsOverActiveSubscriptions() {
    Row all = row(build(List.of("region"), "subscription"), "all", "all");
    assertEquals(2L, (long) all.getAs("active_at_start"));
    assertEquals(1L, (long) all.getAs("churned_customers"));
    assertEquals(50.0, d(all, "churn_rate"), 1e-9);
  }

  @Test
  void complaintRateAndResponseTimePercentiles() {
    Dataset<Row> kpi = build(List.of("region", "channel", "touchpoint"), "inactivity");
    Row all = row(kpi, "all", "all");
    assertEquals(4L, (long) all.getAs("contacts"));
    assertEquals(2L, (long) all.getAs("complaints"));
    assertEquals(1000.0, d(all, "complaint_rate_per_1000"), 1e-9, "2 complaints / 2 active customers × 1000");
    // exact percentiles with linear interpolation: hours 1, 2, 3, 10
    assertEquals(2.5, d(all, "first_response_hours_median"), 1e-9);
    assertEquals(7.9, d(all, "first_response_hours_p90"), 1e-9);
    assertEquals(6.0, d(all, "resolution_hours_median"), 1e-9, "5, 6, 20 (one unresolved)");
    Row billing = row(kpi, "touchpoint", "billing");
    assertEquals(500.0, d(billing, "complaint_rate_per_1000"), 1e-9, "1 complaint per 2 active customers of the period");
    assertNull(billing.getAs("active_customers"), "orders carry no touchpoint");
    assertEquals(0L, (long) billing.getAs("orders"));
    Row phone = row(kpi, "channel", "phone");
    assertEquals(3L, (long) phone.getAs("contacts"));
  }
}
