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
    Dataset<Row> events = spark.sql("SELECT customer_id, session_id, TIMESTAMP(ts) AS event_ts, feature, event_type, "
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
    Dataset<Row> responses = spark.sql("SELECT id AS customer_id, DATE(d) AS response_date, nps, csat FROM VALUES "
        + "('u1', '2026-01-20', 10, 4), ('u2', '2026-01-21', 3, 2), ('u3', '2026-01-22', 9, 5) AS t(id, d, nps, csat)");
    LocalDate asOf = LocalDate.of(2026, 2, 28);
    return HeartKpis.build(HeartKpis.events(events, asOf), responses, asOf, List.of("month"), null);
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
