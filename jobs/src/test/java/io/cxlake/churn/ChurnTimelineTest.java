package io.cxlake.churn;

import io.cxlake.pipeline.Modules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cxlake.TestSpark;
import io.cxlake.core.ConfigLoader;
import io.cxlake.core.CxlakeConfig;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Labels and features on a hand-made timeline around the cutoff 2025-06-30 (horizon 90 days:
 * the label window is 2025-07-01 .. 2025-09-28), and the no-leakage property: rows dated after
 * the cutoff change no feature, rows after the label window change no label.
 */
class ChurnTimelineTest {
  private static final LocalDate CUTOFF = LocalDate.of(2025, 6, 30);
  private static ChurnConfig withLabel(String label) {
    return TestSpark.section(ChurnConfig.SECTION, "churn: {label: " + label + "}");
  }

  private static Dataset<Row> sql(String values, String columns) {
    return TestSpark.session().sql("SELECT * FROM VALUES " + values + " AS t(" + columns + ")");
  }

  /** The timeline; {@code later} adds rows after the cutoff (extra) and after the label window (late). */
  private static ChurnInputs inputs(boolean extra, boolean late) {
    String orders = String.join(", ",
        // a: active (last order 10 days before), orders again on the last day of the window -> stayed
        "('a', DATE'2025-05-10', 100.0)", "('a', DATE'2025-06-20', 50.0)", "('a', DATE'2025-09-28', 10.0)",
        // b: active (86 days before), next order one day after the window -> churned
        "('b', DATE'2025-04-05', 80.0)", "('b', DATE'2025-09-29', 20.0)",
        // c: last order 121 days before the cutoff: already churned, not in the population
        "('c', DATE'2025-03-01', 30.0)",
        // d: orders on the cutoff day and the day after
        "('d', DATE'2025-06-30', 40.0)", "('d', DATE'2025-07-01', 40.0)",
        "('d', DATE'2024-07-01', 60.0)")
        + (extra ? ", ('a', DATE'2025-07-05', 999.0), ('b', DATE'2025-10-15', 5.0)" : "")
        + (late ? ", ('b', DATE'2025-12-01', 5.0), ('c', DATE'2025-11-01', 5.0)" : "");
    String interactions = String.join(", ",
        // a: a complaint answered after 2 h and resolved after 100 h (slow), both before the cutoff
        "('a', TIMESTAMP'2025-06-01 10:00:00', 2.0, 100.0, true)",
        // a: opened the day before the cutoff, resolved after it: open at the cutoff, not yet slow (38 h)
        "('a', TIMESTAMP'2025-06-29 10:00:00', 1.0, 200.0, false)",
        // b: opened 89 days before, answered never, still open: slow
        "('b', TIMESTAMP'2025-04-02 09:00:00', CAST(NULL AS DOUBLE), CAST(NULL AS DOUBLE), true)")
        + (extra ? ", ('a', TIMESTAMP'2025-07-02 10:00:00', 1.0, 1.0, true)" : "");
    String responses = String.join(", ",
        "('a', TIMESTAMP'2025-02-01 12:00:00', 9, 5)", "('a', TIMESTAMP'2025-06-15 12:00:00', 3, CAST(NULL AS INT))",
        "('b', TIMESTAMP'2024-06-01 12:00:00', 10, 4)")
        + (extra ? ", ('a', TIMESTAMP'2025-07-03 12:00:00', 0, 1), ('b', TIMESTAMP'2025-07-30 00:00:00', 0, 1)" : "");
    String sessions = String.join(", ",
        "('a', DATE'2025-06-25', 3L)", "('a', DATE'2025-05-20', 1L)", "('d', DATE'2025-04-01', 7L)")
        + (extra ? ", ('a', DATE'2025-07-01', 9L), ('d', DATE'2025-07-10', 5L)" : "");
    String subscriptions = String.join(", ",
        "('e', DATE'2025-01-01', CAST(NULL AS DATE))", "('f', DATE'2024-06-30', DATE'2025-06-30')",
        "('g', DATE'2024-12-31', DATE'2025-12-31')", "('h', DATE'2024-05-01', CAST(NULL AS DATE))",
        "('i', DATE'2024-08-01', DATE'2025-08-01')")
        + (late ? ", ('j', DATE'2025-10-01', CAST(NULL AS DATE))" : "");
    String renewals = String.join(", ",
        "('e', 'churned', DATE'2025-07-15')", "('g', 'churned', DATE'2025-06-01')", "('h', 'renewed', DATE'2025-05-01')")
        + (extra ? ", ('h', 'renewed', DATE'2025-07-10')" : "")
        + (late ? ", ('h', 'churned', DATE'2025-10-20')" : "");
    String customers = "('a', DATE'2025-01-01'), ('b', DATE'2024-01-01'), ('c', DATE'2024-01-01'), ('d', DATE'2024-06-01'),"
        + " ('e', DATE'2024-12-01'), ('f', DATE'2024-06-01'), ('g', DATE'2024-12-01'), ('h', DATE'2024-04-01'),"
        + " ('i', DATE'2024-07-01')";
    return new ChurnInputs(sql(customers, "customer_key, signup_date"),
        sql(orders, "customer_key, order_date, net_amount"),
        sql(renewals, "customer_key, outcome, decided_date"),
        sql(subscriptions, "customer_key, start_date, end_date"),
        sql(interactions, "customer_key, opened_ts, first_response_hours, resolution_hours, is_complaint"),
        sql(responses, "customer_key, responded_ts, nps, csat"),
        sql(sessions, "customer_key, session_date, sessions"),
        null);
  }

  private static Map<String, Double> labels(ChurnInputs in, ChurnConfig cfg) {
    SparkSession spark = TestSpark.session();
    Map<String, Double> out = new TreeMap<>();
    for (Row r : ChurnLabels.labelled(in, Cutoffs.table(spark, List.of(CUTOFF)), cfg).collectAsList()) {
      out.put(r.getString(1), r.getDouble(2));
    }
    return out;
  }

  private static Map<String, Row> features(ChurnInputs in) {
    Dataset<Row> spine = sql("(DATE'2025-06-30', 'a'), (DATE'2025-06-30', 'b'), (DATE'2025-06-30', 'd'),"
        + " (DATE'2025-06-30', 'h')", "cutoff_date, customer_key");
    Map<String, Row> out = new TreeMap<>();
    for (Row r : ChurnFeatures.build(in, spine, TestSpark.section(ChurnConfig.SECTION, "").features()).collectAsList()) {
      out.put(r.getString(1), r);
    }
    return out;
  }

  @Test
  void inactivityLabelsOnTheTimeline() {
    assertEquals(Map.of("a", 0.0, "b", 1.0, "d", 0.0), labels(inputs(false, false), withLabel("inactivity")));
  }

  @Test
  void subscriptionLabelsOnTheTimeline() {
    // e: churned renewal inside the window; f: ended on the cutoff (not running); g: churned before
    // the cutoff (excluded); h: renewed, nothing in the window; i: subscription ends inside the window.
    assertEquals(Map.of("e", 1.0, "h", 0.0, "i", 1.0), labels(inputs(false, false), withLabel("subscription")));
  }

  @Test
  void featuresOnTheTimeline() {
    Map<String, Row> f = features(inputs(false, false));
    Row a = f.get("a");
    assertEquals(10.0, a.<Double>getAs("recency_days"));
    assertEquals(2.0, a.<Double>getAs("frequency_365"));
    assertEquals(150.0, a.<Double>getAs("monetary_365"));
    assertEquals(75.0, a.<Double>getAs("aov_365"));
    assertEquals(2.0, a.<Double>getAs("orders_90"));
    assertEquals(Math.log1p(150), a.<Double>getAs("spend_trend"), 1e-12); // nothing in the 90 days before
    assertEquals(10.0 / 41, a.<Double>getAs("overdue_ratio"), 1e-12); // gap 51 - 10 = 41 days
    assertEquals(2 / (180 / 30.4375), a.<Double>getAs("order_rate"), 1e-12); // tenure 180 days
    assertEquals(1.0, a.<Double>getAs("last_activity_days")); // the contact of 06-29
    assertEquals(180.0, a.<Double>getAs("tenure_days"));
    assertEquals(3.0, a.<Double>getAs("latest_nps"));
    assertEquals(3.0 - 6.0, a.<Double>getAs("nps_trend"), 1e-12); // latest minus the mean of 9 and 3
    assertEquals(1.0, a.<Double>getAs("detractor_180d"));
    assertEquals(5.0, a.<Double>getAs("latest_csat")); // the latest answered CSAT
    assertEquals(2.0, a.<Double>getAs("contacts_90d"));
    assertEquals(1.0, a.<Double>getAs("complaints_90d"));
    assertEquals(1.5, a.<Double>getAs("first_response_hours_90d"), 1e-12);
    assertEquals(100.0, a.<Double>getAs("resolution_hours_90d"), 1e-12); // the open contact does not count
    assertEquals(1.0, a.<Double>getAs("slow_resolutions_90d"));
    assertEquals(1.0, a.<Double>getAs("open_contacts"));
    assertEquals(3.0, a.<Double>getAs("sessions_30d"));
    assertEquals(Math.log1p(3) - Math.log1p(1), a.<Double>getAs("digital_trend"), 1e-12);
    assertEquals(0.0, a.<Double>getAs("has_subscription"));

    Row b = f.get("b");
    assertEquals(86.0, b.<Double>getAs("recency_days"));
    assertNull(b.getAs("overdue_ratio")); // one order in 365 days
    assertNull(b.getAs("first_response_hours_90d"));
    assertEquals(1.0, b.<Double>getAs("slow_resolutions_90d")); // open for 89 days
    assertEquals(0.0, b.<Double>getAs("detractor_180d")); // the 10 was more than 180 days ago
    assertEquals(10.0, b.<Double>getAs("latest_nps"));
    assertEquals(0.0, b.<Double>getAs("sessions_30d"));

    Row d = f.get("d");
    assertEquals(0.0, d.<Double>getAs("recency_days")); // ordered on the cutoff day
    assertEquals(2.0, d.<Double>getAs("frequency_365")); // 2024-07-01 is day 364 before
    assertEquals(0.0, d.<Double>getAs("sessions_30d")); // its sessions are older than 60 days

    Row h = f.get("h");
    assertEquals(1.0, h.<Double>getAs("renewals"));
    assertEquals(1.0, h.<Double>getAs("has_subscription"));
    assertNull(h.getAs("recency_days")); // never ordered
    assertNull(h.getAs("latest_nps"));
  }

  @Test
  void eachCutoffOfASpineSeesItsOwnPastOnly() {
    // two cutoffs per customer in one spine: what has no window (latest order, answer, renewals)
    // comes from one stream per customer; each cutoff must equal the same cutoff built alone
    ChurnInputs in = inputs(true, true);
    List<String> features = TestSpark.section(ChurnConfig.SECTION, "").features();
    Map<String, Row> together = new TreeMap<>();
    for (Row r : ChurnFeatures.build(in, sql("(DATE'2025-06-30', 'a'), (DATE'2025-07-31', 'a'), (DATE'2025-06-30', 'h'),"
        + " (DATE'2025-07-31', 'h')", "cutoff_date, customer_key"), features).collectAsList()) {
      together.put(r.get(0) + " " + r.getString(1), r);
    }
    assertEquals(4, together.size());
    for (String cutoff : List.of("2025-06-30", "2025-07-31")) {
      for (Row r : ChurnFeatures.build(in, sql("(DATE'" + cutoff + "', 'a'), (DATE'" + cutoff + "', 'h')",
          "cutoff_date, customer_key"), features).collectAsList()) {
        assertEquals(r, together.get(r.get(0) + " " + r.getString(1)), cutoff);
      }
    }
    Row a = together.get("2025-07-31 a");
    assertEquals(26.0, a.<Double>getAs("recency_days")); // the order of 07-05
    assertEquals(0.0, a.<Double>getAs("latest_nps")); // the answer of 07-03
    assertEquals(1.0, a.<Double>getAs("latest_csat"));
    assertEquals(3.0, a.<Double>getAs("frequency_365"));
    assertEquals(10.0, together.get("2025-06-30 a").<Double>getAs("recency_days"));
    assertEquals(2.0, together.get("2025-07-31 h").<Double>getAs("renewals")); // renewed again on 07-10
    assertEquals(1.0, together.get("2025-06-30 h").<Double>getAs("renewals"));
  }

  @Test
  void rowsAfterTheCutoffChangeNoFeatureAndRowsAfterTheWindowNoLabel() {
    assertEquals(features(inputs(false, false)), features(inputs(true, true)));
    for (String label : List.of("inactivity", "subscription")) {
      assertEquals(labels(inputs(true, false), withLabel(label)), labels(inputs(true, true), withLabel(label)), label);
    }
  }

  @Test
  void cutoffsLeaveTheValidationWindowOutOfTraining() {
    Cutoffs c = Cutoffs.plan(LocalDate.of(2026, 10, 31), 90, 3);
    // 2026-10-31 - 90 days = 2026-08-02: latest month end 07-31; training windows close by then.
    assertEquals(LocalDate.of(2026, 7, 31), c.validation());
    assertEquals(List.of(LocalDate.of(2026, 2, 28), LocalDate.of(2026, 3, 31), LocalDate.of(2026, 4, 30)), c.training());
    assertEquals(LocalDate.of(2026, 4, 30), c.tuning());
    // A month end as-of minus the horizon that is itself a month end is used as it is.
    assertEquals(LocalDate.of(2026, 6, 30), Cutoffs.plan(LocalDate.of(2026, 9, 28), 90, 2).validation());
  }
}
