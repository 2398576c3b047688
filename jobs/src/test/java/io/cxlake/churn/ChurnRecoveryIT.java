package io.cxlake.churn;

import static org.apache.spark.sql.functions.*;
import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.GeneratedLakehouse;
import io.cxlake.TestSpark;
import io.cxlake.contract.ContractAssert;
import io.cxlake.contract.TableContract;
import io.cxlake.core.JobRunner;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Native churn on generated data (scale 0.05, seed 2024; churn planted from complaints,
 * detractor scores, slow resolutions and digital inactivity): the out-of-time model beats the
 * recency baseline with AUC >= 0.80, probabilities are calibrated, every active customer gets a
 * score with reasons, customer_360 receives them, evaluation reproduces the validation, and a
 * rescoring gives the same rows.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChurnRecoveryIT {
  private static GeneratedLakehouse lake;
  private static SparkSession spark;
  private static Row run;

  @BeforeAll
  static void train() throws Exception {
    lake = GeneratedLakehouse.get();
    spark = TestSpark.session();
    lake.run(TestSpark.plan("churn"));
    run = spark.table(lake.gold("churn_model_run")).where("kind = 'train'").orderBy(col("created_at").desc()).first();
  }

  @Test
  @Order(1)
  void outOfTimeModelBeatsTheBaseline() {
    double auc = run.getAs("auc_roc");
    double pr = run.getAs("pr_auc");
    System.out.printf("churn recovery: model %s AUC-ROC %.4f PR-AUC %.4f; baseline AUC-ROC %.4f PR-AUC %.4f%n",
        run.getAs("model"), auc, pr, run.<Double>getAs("baseline_auc_roc"), run.<Double>getAs("baseline_pr_auc"));
    assertTrue(auc >= 0.80, "out-of-time AUC-ROC " + auc);
    assertTrue(auc > run.<Double>getAs("baseline_auc_roc"), "AUC beats recency alone");
    assertTrue(pr > run.<Double>getAs("baseline_pr_auc"), "PR-AUC beats recency alone");
    assertTrue(run.<Double>getAs("brier") < run.<Double>getAs("baseline_brier"), "Brier beats recency alone");
    assertEquals(java.sql.Date.valueOf("2026-07-31"), run.getAs("validation_cutoff"));
    assertEquals(6, run.getList(run.fieldIndex("training_cutoffs")).size());
    assertEquals(5, run.getList(run.fieldIndex("candidates")).size());
  }

  @Test
  @Order(2)
  void probabilitiesAreCalibratedAndLiftFalls() {
    List<Row> deciles = spark.table(lake.gold("churn_model_decile"))
        .where(col("run_id").equalTo(run.<String>getAs("run_id")).and(col("scorer").equalTo("model")))
        .orderBy("decile").collectAsList();
    assertEquals(10, deciles.size());
    double predicted = 0;
    double churners = 0;
    long n = 0;
    for (Row d : deciles) {
      predicted += d.<Double>getAs("mean_predicted") * d.<Long>getAs("customers");
      churners += d.<Long>getAs("churners");
      n += d.<Long>getAs("customers");
    }
    assertEquals(run.<Long>getAs("validation_rows"), n);
    assertEquals(churners / n, predicted / n, 0.02, "mean predicted vs observed churn rate");
    assertTrue(deciles.get(0).<Double>getAs("lift") > 2, "top decile lift");
    assertTrue(deciles.get(0).<Double>getAs("churn_rate") > deciles.get(9).<Double>getAs("churn_rate") * 5);
    assertEquals(100.0, deciles.get(9).<Double>getAs("cumulative_capture_pct"), 1e-6);
  }

  @Test
  @Order(3)
  void everyActiveCustomerIsScoredWithReasons() {
    Dataset<Row> scores = spark.table(lake.gold("churn_score")).persist();
    java.sql.Date asOf = spark.table(lake.gold("customer_360")).agg(max("snapshot_date")).first().getDate(0);
    // Active at the as-of date: a completed order in the 90 days up to it, counted from fact_order.
    long active = spark.table(lake.gold("fact_order"))
        .where(col("is_completed").and(datediff(lit(asOf), col("order_date")).between(0, 89)))
        .select("customer_key").distinct().count();
    assertEquals(active, scores.where(col("as_of_date").equalTo(lit(asOf))).count());
    assertEquals(0, scores.where("churn_probability <= 0 OR churn_probability >= 1").count());
    Dataset<Row> high = scores.where("risk_band = 'high'");
    assertTrue(high.count() > 0, "some customers are high risk");
    assertEquals(0, high.where("churn_probability < 0.5 OR reason_1 IS NULL").count());
    // Reasons are sorted and positive, and their text carries the contribution.
    Row top = scores.orderBy(col("churn_probability").desc()).first();
    List<Row> reasons = top.getList(top.fieldIndex("reasons"));
    assertFalse(reasons.isEmpty());
    for (int i = 0; i < reasons.size(); i++) {
      assertEquals(i + 1, reasons.get(i).<Integer>getAs("rank"));
      assertTrue(reasons.get(i).<Double>getAs("contribution") > 0);
      if (i > 0) {
        assertTrue(reasons.get(i).<Double>getAs("contribution") <= reasons.get(i - 1).<Double>getAs("contribution"));
      }
    }
    String first = top.getAs("reason_1");
    assertTrue(first.matches(".+ \\(\\+0\\.\\d\\d\\)"), first);
    // customer_360 carries the same probabilities.
    long in360 = spark.table(lake.gold("customer_360")).where(col("snapshot_date").equalTo(lit(asOf)))
        .select(col("customer_key"), col("churn_probability").as("p360"), col("churn_risk_band").as("band360"))
        .join(scores.where(col("as_of_date").equalTo(lit(asOf))), "customer_key")
        .where(abs(col("p360").minus(col("churn_probability"))).lt(1e-12).and(col("band360").equalTo(col("risk_band"))))
        .count();
    assertEquals(active, in360);
    scores.unpersist();
    Row scored = spark.table(lake.gold("churn_model_run")).where(col("run_id").equalTo(run.<String>getAs("run_id"))).first();
    assertEquals(asOf, scored.getAs("scored_as_of_date"));
    assertEquals(active, scored.<Long>getAs("scored_customers"));
    assertTrue(scored.<Double>getAs("psi") < 0.25, "today's scores vs validation: " + scored.getAs("psi"));
  }

  @Test
  @Order(4)
  void evaluationReproducesTheValidationAndRescoringIsIdempotent() {
    String modelRun = run.getAs("run_id");
    Row before = spark.table(lake.gold("churn_score")).agg(count(lit(1)), sum("churn_probability")).first();
    lake.run(new ChurnStage(ChurnStage.Mode.EVALUATE, modelRun), new ChurnStage(ChurnStage.Mode.SCORE, modelRun));
    Row eval = spark.table(lake.gold("churn_model_run")).where("kind = 'evaluate'").orderBy(col("created_at").desc()).first();
    assertEquals(modelRun, eval.getAs("model_run_id"));
    // Same cutoff, same rows, same model: the same ranking.
    assertEquals(run.<Double>getAs("auc_roc"), eval.<Double>getAs("auc_roc"), 1e-9);
    assertEquals(run.<Long>getAs("validation_rows"), eval.<Long>getAs("validation_rows"));
    Row after = spark.table(lake.gold("churn_score")).agg(count(lit(1)), sum("churn_probability")).first();
    assertEquals(before.getLong(0), after.getLong(0));
    assertEquals(before.getDouble(1), after.getDouble(1), 1e-9);
  }

  @Test
  @Order(5)
  void aPipelineRunOnTheSameTrainingRowsScoresWithTheModelItHas() {
    String fingerprint = run.getAs("training_fingerprint");
    assertTrue(fingerprint != null && fingerprint.matches("[0-9a-f]{64}"), "fingerprint " + fingerprint);
    long trainings = spark.table(lake.gold("churn_model_run")).where("kind = 'train'").count();
    // within churn.refit_days the training stands without building its rows again
    JobRunner.StageOutcome standing = lake.run(new ChurnStage()).get(0);
    assertEquals(1L, standing.result().counts().get("model_standing"), standing.result().counts().toString());
    // every run builds them with refit_days 0, and finds that a model was fitted on the same rows
    JobRunner.StageOutcome again = JobRunner.run(lake.context("churn: {refit_days: 0}"), List.of(new ChurnStage())).get(0);
    assertEquals("success", again.status(), String.valueOf(again.error()));
    assertEquals(1L, again.result().counts().get("training_rows_unchanged"), again.result().counts().toString());
    assertEquals(trainings, spark.table(lake.gold("churn_model_run")).where("kind = 'train'").count(), "no new fit");
    assertEquals(List.of(run.<String>getAs("run_id")), spark.table(lake.gold("churn_score"))
        .where(col("as_of_date").equalTo(lit(run.getAs("as_of_date")))).select("model_run_id").distinct().as(org.apache.spark.sql.Encoders.STRING()).collectAsList(),
        "the scores come from the model trained on the same rows");
  }

  @Test
  @Order(6)
  void tablesCarryTheirContracts() {
    for (TableContract c : ChurnContracts.all()) {
      ContractAssert.carries(spark, lake.gold(c.name()), c);
    }
    assertEquals(0, spark.table(GeneratedLakehouse.PREFIX + "_ops.dq_result")
        .where("status = 'fail' AND table_name LIKE '%churn%'").count());
  }
}
