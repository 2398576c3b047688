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
 * HEART on a hand-made example (SPEC §7.5): in January u1 and u2 use search, u3 only opens the
 * app; in February u1 searches again, u4 searches for the first time and u2 only opens the app.
 */
class HeartKpisTest {
  private static SparkSession spark;

  @BeforeAll
  static void session() {
    spark = TestSpark.session();
  }

  private static Dataset<Row> heart() {
    LocalDate asOf = LocalDate.of(2026, 2, 28);
    return HeartKpis.build(HeartKpis.events(events(), asOf), responses(), asOf, List.of("month"), null);
  }

  private static Dataset<Row> events() {
    return spark.sql("SELECT customer_id, session_id, TIMESTAMP(ts) AS event_ts, feature, event_type, "
        + "CAST(duration_ms AS BIGINT) AS duration_ms FROM VALUES "
        + "('u1', 's1', '2026-01-05 10:00:00', 'app', 'session_start', NULL), "
        + "('u1', 's1', '2026-01-05 10:01:00', 'search', 'task_start', NULL), "
        + "('u1', 's1', '2026-01-05 10:05:00', 'search', 'task_success', 30000), "
        + "('u2', 's2', '2026-01-06 09:00:00', 'app', 'session_start', NULL), "
        + "('u2', 's2', '2026-01-06 09:02:00', 'search', 'task_fail', 50000), "
        + "('u3', 's3', '2026-01-07 09:00:00', 'app', 'session_start', NULL), "
        + "('u1', 's4', '2026-02-03 08:00:00', 'search', 'feature_use', NULL), "
        + "('u4', 's5', '2026-02-04 08:00:00', 'search', 'feature_use', NULL), "
        + "('u4', 's5', '2026-02-04 08:10:00', 'search', 'feature_use', NULL), "
        + "('u2', 's6', '2026-02-05 08:00:00', 'app', 'session_start', NULL) "
        + "AS t(customer_id, session_id, ts, feature, event_type, duration_ms)");
  }

  private static Dataset<Row> responses() {
    return spark.sql("SELECT id AS customer_id, DATE(d) AS response_date, nps, csat FROM VALUES "
        + "('u1', '2026-01-20', 10, 4), ('u2', '2026-01-21', 3, 2), ('u3', '2026-01-22', 9, 5) AS t(id, d, nps, csat)");
  }

  private static Row month(Dataset<Row> heart, String start) {
    return heart.where("feature = 'search' AND period_start = DATE'" + start + "'").first();
  }

  private static double d(Row r, String c) {
    return ((Number) r.getAs(c)).doubleValue();
  }

  @Test
  void januaryEngagementAdoptionTaskSuccessAndHappiness() {
    Row jan = month(heart(), "2026-01-01");
    assertEquals(3L, (long) jan.getAs("active_users"));
    assertEquals(2L, (long) jan.getAs("feature_users"));
    assertEquals(3L, (long) jan.getAs("feature_events"));
    assertEquals(1.5, d(jan, "events_per_user"), 1e-9);
    // s1 lasts 5 minutes, s2 2 minutes: median 3.5
    assertEquals(3.5, d(jan, "median_session_minutes"), 1e-9);
    assertEquals(2L, (long) jan.getAs("new_users"));
    assertEquals(200.0 / 3, d(jan, "adoption_pct"), 1e-3);
    assertNull(jan.getAs("retention_pct"), "no users in the previous period");
    assertEquals(50.0, d(jan, "task_success_pct"), 1e-9);
    assertEquals(30.0, d(jan, "median_task_seconds"), 1e-9);
    // u1 (csat 4, nps 10) and u2 (csat 2, nps 3) answered; u3 did not use search
    assertEquals(2L, (long) jan.getAs("happiness_responses"));
    assertEquals(3.0, d(jan, "happiness_csat_mean"), 1e-9);
    assertEquals(0.0, d(jan, "happiness_nps"), 1e-9);
  }

  /**
   * An incremental run recomputing March rolls up the events from February on only; the older
   * ones still decide who adopts search in March (u2 first used it in January, and not in
   * February) and which session counts in March (s7 began in January: it counts there, however
   * late its last event).
   */
  @Test
  void recomputingSomePeriodsGivesTheirRowsOfAFullBuild() {
    Dataset<Row> march = events().unionByName(spark.sql("SELECT customer_id, session_id, TIMESTAMP(ts) AS event_ts, "
        + "feature, event_type, CAST(duration_ms AS BIGINT) AS duration_ms FROM VALUES "
        + "('u1', 's7', '2026-01-31 23:50:00', 'search', 'feature_use', NULL), "
        + "('u1', 's7', '2026-03-02 00:10:00', 'search', 'task_success', 20000), "
        + "('u1', 's7', '2026-03-02 00:40:00', 'app', 'page_view', NULL), "
        + "('u4', 's8', '2026-03-03 09:00:00', 'search', 'feature_use', NULL), "
        + "('u5', 's9', '2026-03-04 09:00:00', 'search', 'feature_use', NULL), "
        + "('u5', 's9', '2026-03-04 09:04:00', 'search', 'task_fail', 10000), "
        + "('u2', 's10', '2026-03-05 09:00:00', 'search', 'feature_use', NULL) "
        + "AS t(customer_id, session_id, ts, feature, event_type, duration_ms)"));
    LocalDate asOf = LocalDate.of(2026, 3, 31);
    PeriodSet onlyMarch = new PeriodSet(List.of("month", "week")).touch(LocalDate.of(2026, 3, 4), 0, asOf);
    assertEquals(LocalDate.of(2026, 2, 1), onlyMarch.firstDayWithPrevious());
    Dataset<Row> full = HeartKpis.build(HeartKpis.events(march, asOf), responses(), asOf, List.of("month", "week"), null)
        .where(onlyMarch.predicate());
    Dataset<Row> recomputed = HeartKpis.build(HeartKpis.events(march, asOf), responses(), asOf, List.of("month", "week"),
        onlyMarch);
    List<String> fullRows = full.orderBy("period_type", "feature").collectAsList().stream().map(Row::toString).toList();
    List<Row> recomputedRows = recomputed.orderBy("period_type", "feature").collectAsList();
    assertEquals(2, fullRows.size(), "search in the month and the week of 2026-03-02: " + fullRows);
    assertEquals(fullRows, recomputedRows.stream().map(Row::toString).toList());
    Row m = recomputedRows.get(0);
    assertEquals("month", m.getAs("period_type"));
    assertEquals(1L, (long) m.getAs("new_users"), "only u5 is new to search; u2 used it in January");
    assertEquals(2L, (long) m.getAs("retained_users"), "u1 (in February through s4) and u4");
    assertEquals(0.0, d(m, "median_session_minutes"), 1e-9, "s8 and s10 (0), s9 (4 min): s7 counts in January");
  }

  @Test
  void februaryRetentionAndAdoption() {
    Row feb = month(heart(), "2026-02-01");
    assertEquals(3L, (long) feb.getAs("active_users"));
    assertEquals(2L, (long) feb.getAs("feature_users"));
    assertEquals(1L, (long) feb.getAs("new_users"), "u4 uses search for the first time");
    assertEquals(100.0 / 3, d(feb, "adoption_pct"), 1e-3);
    assertEquals(2L, (long) feb.getAs("previous_users"));
    assertEquals(1L, (long) feb.getAs("retained_users"));
    assertEquals(50.0, d(feb, "retention_pct"), 1e-9);
    assertNull(feb.getAs("task_success_pct"), "no tasks in February");
  }
}
