package io.cxlake.drivers;

import static org.apache.spark.sql.functions.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxlake.GeneratedLakehouse;
import io.cxlake.TestSpark;
import io.cxlake.contract.ContractAssert;
import io.cxlake.core.CxlakeConfig;
import io.cxlake.core.JobContext;
import io.cxlake.core.JobRunner;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Key drivers and the journey on generated data (scale 0.05, seed 2024): the planted NPS weights
 * are recovered, every slice is either analysed or reported as skipped, the X→O outcome is fitted
 * by logistic regression, and touchpoint_journey is consistent with the facts.
 */
class DriversRecoveryIT {
  private static GeneratedLakehouse lake;
  private static SparkSession spark;
  private static Dataset<Row> kd;

  /** Fewer resamples than production keep the test quick; the methods are the same. */
  static final String SETTINGS = "drivers: {slices: [region, touchpoint], bootstrap: 50}";

  static JobContext ctx() {
    return lake.context(SETTINGS);
  }

  @BeforeAll
  static void analyse() throws Exception {
    lake = GeneratedLakehouse.get();
    spark = TestSpark.session();
    JobRunner.run(ctx(), List.of(TestSpark.stage("drivers"), TestSpark.stage("journey")))
        .forEach(o -> assertEquals("success", o.status(), o.stage() + ": " + o.error()));
    kd = spark.table(lake.gold("key_driver")).cache();
  }

  @Test
  void plantedNpsWeightsAreRecovered() {
    JsonNode weights = lake.truth.get("nps_drivers").get("weights");
    List<Row> rows = kd.where("outcome = 'nps' AND slice_type = 'all'").orderBy("importance_rank").collectAsList();
    assertEquals(weights.size(), rows.size());
    double[] planted = new double[rows.size()];
    double[] estimated = new double[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      assertEquals("ok", r.getAs("status"));
      planted[i] = weights.get(r.<String>getAs("driver")).asDouble();
      estimated[i] = r.getAs("raw_weight");
      System.out.printf("drivers recovery: %d. %-15s importance %5.1f%% [%5.1f, %5.1f] planted weight %.1f significant %s%n",
          r.<Integer>getAs("importance_rank"), r.getAs("driver"), r.<Double>getAs("importance_pct"),
          r.<Double>getAs("importance_ci_low"), r.<Double>getAs("importance_ci_high"), planted[i], r.getAs("significant"));
    }
    double rho = new SpearmansCorrelation().correlation(planted, estimated);
    assertTrue(rho >= 0.9, "Spearman rho between planted and estimated weights: " + rho);
    assertEquals(lake.truth.get("nps_drivers").get("strongest_driver").asText(), rows.get(0).getAs("driver"));
    assertEquals(100, rows.stream().mapToDouble(r -> r.<Double>getAs("importance_pct")).sum(), 1e-6);
    assertTrue(rows.get(0).<Boolean>getAs("significant"));
    double r2 = rows.get(0).getAs("r_squared");
    assertTrue(r2 > 0.3 && r2 < 1, "R² " + r2);
  }

  @Test
  void everySliceIsAnalysedOrReportedSkipped() {
    DriversConfig d = ctx().config().get(DriversConfig.SECTION);
    long drivers = kd.where("outcome = 'nps' AND slice_type = 'all'").count();
    // each outcome x slice has one row per driver, whatever its status
    assertEquals(0, kd.groupBy("outcome", "slice_type", "slice_value").count().where(col("count").notEqual(drivers)).count());
    List<Row> touchpoints = kd.where("outcome = 'nps' AND slice_type = 'touchpoint' AND driver = 'reliability'")
        .select("slice_value", "status", "responses", "note").collectAsList();
    Dataset<Row> facts = spark.table(lake.gold("fact_survey_response"));
    assertEquals(facts.where("nps IS NOT NULL").select("touchpoint").distinct().count(), touchpoints.size());
    for (Row t : touchpoints) {
      long n = t.getLong(2);
      assertEquals(n >= d.minResponses() ? "ok" : "skipped", t.getString(1), t.toString());
      if (n < d.minResponses()) {
        assertTrue(t.getString(3).contains("min_responses"), t.getString(3));
      }
    }
    assertTrue(kd.where("status = 'skipped'").count() > 0, "small slices (of the renewal outcome) are reported as skipped");
    assertEquals(0, kd.where("status = 'ok' AND (raw_weight IS NULL OR quadrant IS NULL OR kano_class IS NULL)").count());
  }

  @Test
  void behaviouralOutcomeUsesLogisticRegression() {
    List<Row> rows = kd.where("outcome = 'repurchase_90d' AND slice_type = 'all'").collectAsList();
    assertFalse(rows.isEmpty());
    for (Row r : rows) {
      assertEquals("logistic", r.getAs("model"));
      assertEquals("ok", r.getAs("status"), String.valueOf(r.<String>getAs("note")));
      assertEquals(50, r.<Integer>getAs("bootstrap_resamples"), 5);
    }
    double r2 = rows.get(0).getAs("r_squared");
    assertTrue(r2 > 0 && r2 < 0.5, "R² of the X→O model " + r2);
  }

  @Test
  void journeyIsConsistentWithTheFacts() {
    Dataset<Row> j = spark.table(lake.gold("touchpoint_journey"));
    Row totals = j.agg(sum("responses"), sum("contacts"), sum("complaints")).first();
    Dataset<Row> responses = spark.table(lake.gold("fact_survey_response"));
    Dataset<Row> contacts = spark.table(lake.gold("fact_interaction"));
    assertEquals(responses.count(), totals.getLong(0));
    assertEquals(contacts.count(), totals.getLong(1));
    assertEquals(contacts.where("is_complaint").count(), totals.getLong(2));
    // one rank-1 row per period; shares sum to 1 per period
    assertEquals(j.select("period_start").distinct().count(), j.where("pain_rank = 1").count());
    j.groupBy("period_start").agg(sum("volume_share").as("s")).collectAsList()
        .forEach(r -> assertEquals(1.0, r.getDouble(1), 1e-9));
    long withDriver = j.where("top_driver IS NOT NULL").select("touchpoint").distinct().count();
    long analysed = kd.where("outcome = 'nps' AND slice_type = 'touchpoint' AND status = 'ok'")
        .select("slice_value").distinct().count();
    assertEquals(analysed, withDriver);
  }

  @Test
  void tablesCarryTheirContractsAndRerunsReplace() {
    ContractAssert.carries(spark, lake.gold("key_driver"), DriverContracts.KEY_DRIVER);
    ContractAssert.carries(spark, lake.gold("touchpoint_journey"), DriverContracts.TOUCHPOINT_JOURNEY);
    long before = spark.table(lake.gold("key_driver")).count();
    // refit_days 0: analysed again (with the packaged 7 the analysis of the day would stand)
    JobRunner.run(lake.context(SETTINGS.replace("}", ", refit_days: 0}")), List.of(TestSpark.stage("drivers")))
        .forEach(o -> assertEquals("success", o.status(), o.stage() + ": " + o.error()));
    assertEquals(before, spark.table(lake.gold("key_driver")).count());
    assertEquals(1, spark.table(lake.gold("key_driver")).select("run_id").distinct().count());
  }
}
