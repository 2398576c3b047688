package io.cxlake.metrics;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** kpi_experience formulas against hand-computed examples (SPEC §7.1-7.4). */
class ExperienceKpisTest {
  private static SparkSession spark;

  @BeforeAll
  static void session() {
    spark = TestSpark.session();
  }

  /**
   * Ten responses in January 2026 from region N: NPS 10,10,9,9,9 (5 promoters), 8,7 (2 passives),
   * 6,3,0 (3 detractors). CSAT 5,4,4,3,2 on the first five; CES 7,5,3 on the first three; one
   * response with needs-met 5, ease 3, emotion 1. Weight: promoters 2 in the weighted case.
   */
  private static Dataset<Row> responses(boolean weighted) {
    String w = weighted ? "CASE WHEN nps >= 9 THEN 2.0 ELSE 1.0 END" : "1.0";
    return spark.sql("SELECT *, " + w + " AS weight, 'N' AS region, 'web' AS channel, 'store' AS touchpoint, "
        + "'purchase' AS journey_stage, DATE'2026-01-15' AS response_date FROM VALUES "
        + "('r1', 10, 5, 7, 5, 3, 1), ('r2', 10, 4, 5, NULL, NULL, NULL), ('r3', 9, 4, 3, NULL, NULL, NULL), "
        + "('r4', 9, 3, NULL, NULL, NULL, NULL), ('r5', 9, 2, NULL, NULL, NULL, NULL), ('r6', 8, NULL, NULL, NULL, NULL, NULL), "
        + "('r7', 7, NULL, NULL, NULL, NULL, NULL), ('r8', 6, NULL, NULL, NULL, NULL, NULL), "
        + "('r9', 3, NULL, NULL, NULL, NULL, NULL), ('r10', 0, NULL, NULL, NULL, NULL, NULL) "
        + "AS t(response_id, nps, csat, ces, cx_needs_met, cx_ease, cx_emotion)")
        .selectExpr("*", "CASE WHEN cx_needs_met IS NULL THEN NULL ELSE ((cx_needs_met - 1) + (cx_ease - 1) + (cx_emotion - 1)) / 12.0 * 100 END AS cx_index");
  }

  private static Dataset<Row> ratings() {
    // reliability 5 and 3 -> 100 and 50 -> 75; the other four dimensions 1, 2, 4, 5 -> 0, 25, 75, 100.
    return spark.sql("SELECT response_id, attribute, score, (score - 1) / 4.0 * 100 AS score_100 FROM VALUES "
        + "('r1', 'reliability', 5), ('r2', 'reliability', 3), ('r1', 'assurance', 1), ('r1', 'tangibles', 2), "
        + "('r1', 'empathy', 4), ('r1', 'responsiveness', 5), ('r1', 'delivery_speed', 1) AS t(response_id, attribute, score)");
  }

  private static Row month(Dataset<Row> responses, String slice) {
    Dataset<Row> kpi = ExperienceKpis.build(ExperienceKpis.responsesWithRater(responses, ratings()), List.of("month", "week"),
        List.of("region"), null, 30);
    return kpi.where("period_type = 'month' AND slice = '" + slice + "'").first();
  }

  private static double d(Row r, String c) {
    return ((Number) r.getAs(c)).doubleValue();
  }

  @Test
  void npsAndItsConfidenceIntervalMatchTheHandComputation() {
    Row r = month(responses(false), "all");
    assertEquals(10L, (long) r.getAs("responses"));
    assertEquals(20.0, d(r, "nps"), 1e-3);
    assertEquals(50.0, d(r, "promoters_pct"), 1e-3);
    assertEquals(20.0, d(r, "passives_pct"), 1e-3);
    assertEquals(30.0, d(r, "detractors_pct"), 1e-3);
    assertEquals(10.0, d(r, "effective_n"), 1e-9);
    // SE = 100·sqrt((0.5 + 0.3 − 0.2²) / 10) = 27.5681
    assertEquals(27.5681, d(r, "nps_se"), 1e-3);
    assertEquals(-34.0325, d(r, "nps_ci_low"), 1e-3);
    assertEquals(74.0325, d(r, "nps_ci_high"), 1e-3);
    assertTrue((boolean) r.getAs("low_confidence"), "10 < min_responses 30");
  }

  @Test
  void weightsChangeTheSharesAndKishEffectiveNDrivesTheError() {
    Row r = month(responses(true), "all");
    // Σw = 15, Σw² = 25, n_eff = 9; pP = 10/15, pD = 3/15
    assertEquals(9.0, d(r, "effective_n"), 1e-9);
    assertEquals(46.6667, d(r, "nps"), 1e-3);
    assertEquals(13.3333, d(r, "passives_pct"), 1e-3);
    assertEquals(26.8512, d(r, "nps_se"), 1e-3);
  }

  @Test
  void csatCesCxIndexAndRaterMatchTheHandComputation() {
    Row r = month(responses(false), "region");
    assertEquals("N", r.getAs("slice_value"));
    assertEquals(5L, (long) r.getAs("csat_responses"));
    assertEquals(60.0, d(r, "csat_top2_pct"), 1e-3);
    assertEquals(3.6, d(r, "csat_mean"), 1e-9);
    assertEquals(100 * Math.sqrt(0.6 * 0.4 / 5), d(r, "csat_top2_se"), 1e-3);
    assertEquals(3L, (long) r.getAs("ces_responses"));
    assertEquals(5.0, d(r, "ces_mean"), 1e-9);
    // sample sd of 7, 5, 3 is 2; se = 2 / sqrt(3)
    assertEquals(2 / Math.sqrt(3), d(r, "ces_se"), 1e-3);
    // (100 + 50 + 0) / 3
    assertEquals(50.0, d(r, "cx_index"), 1e-9);
    assertEquals(75.0, d(r, "rater_reliability"), 1e-9);
    assertEquals(0.0, d(r, "rater_assurance"), 1e-9);
    assertEquals(25.0, d(r, "rater_tangibles"), 1e-9);
    assertEquals(75.0, d(r, "rater_empathy"), 1e-9);
    assertEquals(100.0, d(r, "rater_responsiveness"), 1e-9);
    assertEquals((75 + 0 + 25 + 75 + 100) / 5.0, d(r, "rater_index"), 1e-9);
  }

  @Test
  void everyResponseCountsOnceInEachPeriodGrainAndSlice() {
    Dataset<Row> kpi = ExperienceKpis.build(ExperienceKpis.responsesWithRater(responses(false), ratings()),
        List.of("month", "week"), List.of("region", "channel"), null, 30);
    // month + week × all + region + channel
    assertEquals(6, kpi.count());
    assertEquals(6, kpi.where("responses = 10").count());
    Row week = kpi.where("period_type = 'week' AND slice = 'all'").first();
    assertEquals(java.sql.Date.valueOf("2026-01-12"), week.getAs("period_start"), "ISO week starts Monday");
    assertEquals(java.sql.Date.valueOf("2026-01-19"), week.getAs("period_end"));
  }
}
