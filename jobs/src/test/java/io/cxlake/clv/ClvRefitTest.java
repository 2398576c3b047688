package io.cxlake.clv;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import io.cxlake.core.JobContext;
import io.cxlake.core.JobRunner;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The CLV parameters are fitted at most every clv.refit_days: a run within them scores every
 * customer as of its own date with the latest fit's parameters (never a later fit's) and adds
 * no model card or holdout rows; a run a week on, or before the fit, fits. 150 customers with
 * one to six purchase days in 2025-2026 (a fixed pseudo-random pattern).
 */
class ClvRefitTest {
  private static final String PREFIX = "clvrefit";
  private static final LocalDate FIT = LocalDate.of(2026, 6, 30);

  private static JobContext context(LocalDate asOf) {
    return JobContext.create(TestSpark.session(),
        TestSpark.config(PREFIX, TestSpark.repoRoot().resolve("conf/sources.yaml").toString(),
            "clv: {min_customers: 20, holdout: 0, refit_days: 7}"), asOf, null, false);
  }

  private static Map<String, Long> run(LocalDate asOf) {
    JobRunner.StageOutcome o = JobRunner.run(context(asOf), List.of(new ClvStage())).get(0);
    assertEquals("success", o.status(), o.error());
    return o.result().counts();
  }

  private static long count(String sql) {
    return TestSpark.session().sql(sql).first().getLong(0);
  }

  @Test
  void betweenFitsTheLatestFitScores() {
    TestSpark.dropDatabases(PREFIX);
    JobContext ctx = context(FIT);
    SparkSession spark = ctx.spark();
    String factOrder = ctx.catalog().gold("fact_order");
    String clv = ctx.catalog().gold("customer_clv");
    String card = ctx.catalog().gold("clv_model");
    spark.sql("CREATE TABLE " + ctx.catalog().gold("customer_360") + " (customer_key STRING) USING delta");
    // customer c buys on 1 + c % 6 days, 23 + (c * 7) % 40 days apart, the first on day (c * 37) % 300 of 2025;
    // spend 20 + (c * 13 + k * 7) % 50
    spark.sql("CREATE TABLE " + factOrder + " USING delta AS SELECT concat('K', c) AS customer_key,"
        + " date_add(DATE'2025-01-01', CAST((c * 37) % 300 + k * (23 + (c * 7) % 40) AS INT)) AS order_date,"
        + " true AS is_completed, CAST(20 + (c * 13 + k * 7) % 50 AS DECIMAL(18,2)) AS net_amount"
        + " FROM (SELECT id AS c FROM range(150)) LATERAL VIEW explode(sequence(0, CAST(c % 6 AS INT))) AS k");

    Map<String, Long> fitted = run(FIT);
    assertEquals(1L, fitted.get("fitted"));
    assertEquals(7L, count("SELECT count(*) FROM " + card + " WHERE as_of_date = DATE'" + FIT + "'"));
    List<Row> first = spark.sql("SELECT customer_key, p_alive, clv FROM " + clv + " ORDER BY customer_key").collectAsList();
    assertEquals(150, first.size());

    // the same day again: the fit's own parameters, so the same values
    assertEquals(0L, run(FIT).get("fitted"));
    assertEquals(first, spark.sql("SELECT customer_key, p_alive, clv FROM " + clv + " ORDER BY customer_key").collectAsList());

    // six days on: scored as of that day with the fit's parameters; nothing is added to the model card
    LocalDate later = FIT.plusDays(6);
    Map<String, Long> between = run(later);
    assertEquals(0L, between.get("fitted"));
    assertEquals(150L, between.get("customers"));
    String day = " WHERE as_of_date = DATE'" + later + "'";
    assertEquals(150L, count("SELECT count(*) FROM " + clv + day + " AND fit_as_of_date = DATE'" + FIT + "'"));
    assertEquals(0L, count("SELECT count(*) FROM " + card + day));
    // with nothing bought since, a repeat buyer only ages: P(alive) falls for every one of them (BG/NBD)
    assertEquals(0L, count("SELECT count(*) FROM " + clv + " a JOIN " + clv + " b USING (customer_key) WHERE a.as_of_date = DATE'"
        + FIT + "' AND b.as_of_date = DATE'" + later + "' AND a.repeat_purchases > 0 AND b.repeat_purchases = a.repeat_purchases"
        + " AND b.p_alive >= a.p_alive"));
    assertTrue(count("SELECT count(*) FROM " + clv + day + " AND repeat_purchases > 0") > 100);

    // a week after the fit, and a day before it (that fit saw later orders): fitted again
    assertEquals(1L, run(FIT.plusDays(7)).get("fitted"));
    assertEquals(1L, run(FIT.minusDays(1)).get("fitted"));
    assertEquals(List.of(Date.valueOf(FIT.minusDays(1)), Date.valueOf(FIT), Date.valueOf(FIT.plusDays(7))),
        spark.sql("SELECT DISTINCT as_of_date FROM " + card + " ORDER BY 1").collectAsList().stream().map(r -> r.getDate(0))
            .toList());
    assertEquals(150L, count("SELECT count(*) FROM " + clv + " WHERE as_of_date = DATE'" + FIT.minusDays(1)
        + "' AND fit_as_of_date = as_of_date"));
  }
}
