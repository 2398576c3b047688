package io.cxlake.survival;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import io.cxlake.metrics.GoldContracts;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Lifetimes on a hand-made history: as-of 2025-12-31, 30 inactivity days, so censored at
 * 2025-12-01. Every expected number below is counted by hand from the dates.
 */
class LifetimesTest {
  private static final LocalDate AS_OF = LocalDate.of(2025, 12, 31);
  private static final SurvivalConfig CFG = new SurvivalConfig(30, "efron", List.of(), 90, 180, 30, 0.95, 30, 1000, 0);
  private static final SparkSession SPARK = TestSpark.session();

  private static Dataset<Row> orders() {
    StructType schema = new StructType().add("customer_key", "string").add("order_date", "date").add("is_completed", "boolean")
        .add("net_amount", "decimal(18,2)");
    Object[][] rows = {
        {"A", "2025-01-01", true, 10}, {"A", "2025-01-20", true, 20}, {"A", "2025-03-01", true, 30},
        {"B", "2025-06-01", true, 5}, {"B", "2025-06-25", true, 6}, {"B", "2025-07-20", true, 7}, {"B", "2025-12-20", true, 100},
        {"C", "2025-11-15", true, 40}, {"C", "2025-11-20", false, 999}, {"C", "2025-12-10", true, 50},
        {"D", "2025-12-05", true, 1}, {"E", "2025-02-01", true, 2}, {"E", "2025-02-01", true, 3}, {null, "2025-01-02", true, 1}};
    List<Row> out = new ArrayList<>();
    for (Object[] r : rows) {
      out.add(RowFactory.create(r[0], Date.valueOf((String) r[1]), r[2], new java.math.BigDecimal((Integer) r[3])));
    }
    return SPARK.createDataFrame(out, schema);
  }

  private static Dataset<Row> responses() {
    StructType schema = new StructType().add("customer_key", "string").add("response_date", "date")
        .add("responded_ts", "timestamp").add("nps", "int").add("nps_group", "string").add("csat", "int");
    Object[][] rows = {
        {"A", "2025-01-10", 3, "detractor", 2}, {"A", "2025-02-01", 10, "promoter", 5}, {"A", "2024-12-01", null, null, 1},
        {"B", "2025-08-10", 9, "promoter", null}, {"C", "2025-11-30", 7, "passive", 4}, {"E", "2025-06-01", 5, "detractor", 1},
        {"F", "2025-03-01", 8, "passive", 4}};
    List<Row> out = new ArrayList<>();
    for (Object[] r : rows) {
      out.add(RowFactory.create(r[0], Date.valueOf((String) r[1]), Timestamp.valueOf(r[1] + " 10:00:00"), r[2], r[3], r[4]));
    }
    return SPARK.createDataFrame(out, schema);
  }

  private static Dataset<Row> interactions() {
    StructType schema = new StructType().add("customer_key", "string").add("opened_date", "date").add("is_complaint", "boolean");
    return SPARK.createDataFrame(List.of(RowFactory.create("A", Date.valueOf("2025-01-05"), true),
        RowFactory.create("A", Date.valueOf("2024-09-01"), true), RowFactory.create("A", Date.valueOf("2025-01-08"), false),
        RowFactory.create("A", Date.valueOf("2025-01-11"), true)), schema);
  }

  private static Map<String, Row> byCustomer(Dataset<Row> d) {
    return d.collectAsList().stream().collect(Collectors.toMap(r -> r.getString(0), r -> r));
  }

  @Test
  void lifetimeEndsAtTheLastOrderBeforeTheGap() {
    Dataset<Row> days = Lifetimes.orderDays(orders(), AS_OF, 30);
    Map<String, Row> l = byCustomer(Lifetimes.lifetime(days, Lifetimes.censorDate(AS_OF, 30))
        .select("customer_key", "cohort", "time", "event"));
    assertEquals(4, l.size(), "D's first order is after the censoring date; guest orders have no customer");
    // A: 01-01, 01-20, then 40 days without an order: the lifetime ends on 01-20
    assertEquals(RowFactory.create("A", "2025-01", 19.0, true), l.get("A"));
    // B: gaps 24 and 25 days, then 153: ends 07-20 (the order in December is a return, not a longer life)
    assertEquals(RowFactory.create("B", "2025-06", 49.0, true), l.get("B"));
    // C: still buying (the returned order does not count): censored on 12-01
    assertEquals(RowFactory.create("C", "2025-11", 16.0, false), l.get("C"));
    // E: one order day (two orders on it), nothing in the 30 days after it: an end on day 0
    assertEquals(RowFactory.create("E", "2025-02", 0.0, true), l.get("E"));
  }

  @Test
  void experienceIsFollowedFromTheFirstNpsAnswer() {
    Dataset<Row> days = Lifetimes.orderDays(orders(), AS_OF, 30);
    Map<String, Row> e = byCustomer(Lifetimes.experience(days, responses(), interactions(), AS_OF,
        Lifetimes.censorDate(AS_OF, 30), CFG).select("customer_key", "nps_group", "csat", "time", "event", "tenure_years",
        "orders_before", "revenue_365d", "complaints"));
    assertEquals(3, e.keySet().size(), "E had churned before answering; F never ordered: " + e.keySet());
    // A: first NPS answer 01-10 (the CSAT-only answer before it has no NPS): a detractor, CSAT 2;
    // its lifetime ends 01-20, 10 days later; 9 days of tenure, 1 order day, complaints in the 90
    // days up to the answer: 01-05 only (09-01 is older, 01-08 is no complaint, 01-11 is after);
    // revenue up to the answer: the 10 of 01-01 (the orders after it are the future)
    assertEquals(RowFactory.create("A", "detractor", 2, 10.0, true, 9 / 365.25, 1L, 10.0, 1L), e.get("A"));
    // B: answered 08-10, 21 days after its last order, which proved its last: an end on day 0;
    // revenue 5 + 6 + 7 (the 100 of December comes after the answer)
    assertEquals(RowFactory.create("B", "promoter", null, 0.0, true, 70 / 365.25, 3L, 18.0, 0L), e.get("B"));
    // C: answered 11-30, still buying: censored the day after; the returned order's 999 is no revenue
    assertEquals(RowFactory.create("C", "passive", 4, 1.0, false, 15 / 365.25, 1L, 40.0, 0L), e.get("C"));
  }

  @Test
  void planAtOriginIsThePlanActiveOnTheDayOfTheAnswer() {
    StructType experience = new StructType().add("customer_key", "string").add("origin", "date");
    Dataset<Row> subjects = SPARK.createDataFrame(List.of(RowFactory.create("A", Date.valueOf("2025-01-10")),
        RowFactory.create("B", Date.valueOf("2025-08-10")), RowFactory.create("C", Date.valueOf("2025-11-30"))), experience);
    StructType subs = new StructType().add("subscription_id", "string").add("customer_key", "string").add("plan", "string")
        .add("billing_period", "string").add("start_date", "date").add("time", "double").add("event", "boolean");
    Object[][] rows = {
        // A: basic ended on the day of the answer (2024-06-01 + 223 days = 2025-01-10): no longer active;
        // plus started 01-05 and runs on; premium starts the day after the answer
        {"A1", "A", "basic", "2024-06-01", 223.0, true}, {"A2", "A", "plus", "2025-01-05", 360.0, false},
        {"A3", "A", "premium", "2025-01-11", 300.0, false},
        // B: two active on 08-10 (basic ends 09-01, 243 days after 01-01): the later started, premium
        {"B1", "B", "basic", "2025-01-01", 243.0, true}, {"B2", "B", "premium", "2025-03-01", 305.0, false},
        // C: its only subscription ended before the answer
        {"C1", "C", "plus", "2025-01-01", 100.0, true}};
    List<Row> s = new ArrayList<>();
    for (Object[] r : rows) {
      s.add(RowFactory.create(r[0], r[1], r[2], "monthly", Date.valueOf((String) r[3]), r[4], r[5]));
    }
    Map<String, Row> p = byCustomer(Lifetimes.withPlanAtOrigin(subjects, SPARK.createDataFrame(s, subs))
        .select("customer_key", "plan_at_origin"));
    assertEquals(3, p.size());
    assertEquals("plus", p.get("A").getString(1));
    assertEquals("premium", p.get("B").getString(1));
    assertTrue(p.get("C").isNullAt(1), "no subscription active on the day of the answer");
  }

  @Test
  void subscriptionsEndAtTheirEndOrAChurnedRenewal() {
    StructType subs = new StructType().add("subscription_id", "string").add("customer_key", "string").add("plan", "string")
        .add("billing_period", "string").add("start_date", "date").add("end_date", "date");
    Object[][] rows = {
        {"S1", "2025-01-01", "2025-03-01"}, {"S2", "2025-02-01", null}, {"S3", "2025-05-01", null},
        {"S4", "2026-01-05", null}, {"S5", "2025-03-01", "2026-02-01"}, {"S6", "2025-03-01", "2025-04-01"}};
    List<Row> s = new ArrayList<>();
    for (Object[] r : rows) {
      s.add(RowFactory.create(r[0], "K" + r[0], "basic", "monthly", Date.valueOf((String) r[1]),
          r[2] == null ? null : Date.valueOf((String) r[2])));
    }
    StructType renewals = new StructType().add("subscription_id", "string").add("outcome", "string").add("decided_date", "date");
    Dataset<Row> decided = SPARK.createDataFrame(List.of(RowFactory.create("S2", "churned", Date.valueOf("2025-06-01")),
        RowFactory.create("S3", "renewed", Date.valueOf("2025-06-01")), RowFactory.create("S6", "churned", Date.valueOf("2025-03-20")),
        RowFactory.create("S5", "churned", Date.valueOf("2026-01-10"))), renewals);
    Map<String, Row> l = byCustomer(Lifetimes.subscriptions(SPARK.createDataFrame(s, subs), decided, AS_OF)
        .select("subscription_id", "time", "event"));
    assertEquals(5, l.size(), "S4 starts after the as-of date");
    assertEquals(RowFactory.create("S1", 59.0, true), l.get("S1"), "ended 03-01");
    assertEquals(RowFactory.create("S2", 120.0, true), l.get("S2"), "a renewal decided as churned on 06-01");
    assertEquals(RowFactory.create("S3", 244.0, false), l.get("S3"), "renewed: followed to the as-of date");
    assertEquals(RowFactory.create("S5", 305.0, false), l.get("S5"), "an end and a decision after the as-of date are not known yet");
    assertEquals(RowFactory.create("S6", 19.0, true), l.get("S6"), "the earlier of the churned decision and the end");
  }
}
