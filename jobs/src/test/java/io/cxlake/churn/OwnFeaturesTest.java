package io.cxlake.churn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cxlake.TestSpark;
import io.cxlake.core.CxlakeException;
import io.cxlake.core.JobContext;
import io.cxlake.core.JobRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bring your own features on a small CSV: strings with blanks, numbers written as text with
 * blanks, a yes/no label with some unusable values, and rows without an id.
 */
class OwnFeaturesTest {
  private static final String PREFIX = "byof";
  private static Path csv;
  private static int validRows;
  private static int churners;

  @BeforeAll
  static void writeCsv() throws Exception {
    TestSpark.dropDatabases(PREFIX);
    Random rnd = new Random(7);
    List<String> lines = new ArrayList<>();
    lines.add("Customer ID,plan,tenure months,complaints,region,nps,Churned?");
    String[] plans = {"basic", "pro", "", "enterprise"};
    for (int i = 0; i < 600; i++) {
      String plan = plans[rnd.nextInt(plans.length)];
      int complaints = rnd.nextInt(5);
      int tenure = 1 + rnd.nextInt(48);
      int nps = rnd.nextInt(11);
      // Known risk: complaints, the basic plan and low NPS raise it; long tenure lowers it.
      double logit = -2.0 + 0.9 * complaints + (plan.equals("basic") ? 1.0 : 0) - 0.03 * tenure - 0.15 * (nps - 5);
      boolean churned = rnd.nextDouble() < 1 / (1 + Math.exp(-logit));
      String label = i % 2 == 0 ? (churned ? "yes" : "no") : (churned ? "Yes " : "NO");
      String id = "C" + i;
      if (i % 97 == 5) {
        id = ""; // rejected: no id
      } else if (i % 89 == 7) {
        label = "maybe"; // rejected: not a label
      } else if (i % 83 == 3) {
        label = ""; // rejected: no label
      } else {
        validRows++;
        churners += churned ? 1 : 0;
      }
      String tenureText = i % 10 == 0 ? " " : String.valueOf(tenure); // blanks in a numeric column
      String npsText = i % 13 == 0 ? "" : nps + ".0";
      lines.add(String.join(",", id, plan, tenureText, String.valueOf(complaints), i % 3 == 0 ? "north" : "south",
          npsText, label));
    }
    csv = Files.createTempDirectory("cxlake-byof-").resolve("features.csv");
    Files.write(csv, lines);
  }

  @Test
  void trainsAndEvaluatesOnAnyCustomerTable() {
    SparkSession spark = TestSpark.session();
    // One candidate per family keeps the test short; the grid itself is exercised by the churn recovery test.
    JobContext ctx = TestSpark.context(PREFIX, TestSpark.repoRoot().resolve("conf/sources.yaml"), csv.getParent(),
        "churn: {reg_params: [0.01], gbt_depths: [3], gbt_iterations: 20}");
    List<JobRunner.StageOutcome> out = JobRunner.run(ctx,
        List.of(new OwnFeaturesStage(csv.toString(), null, "Churned?", "Customer ID")));
    JobRunner.StageOutcome o = out.get(0);
    assertEquals("success", o.status(), o.error());
    assertEquals(600L, o.result().rowsIn());
    long noId = o.result().counts().get("rejected_no_id");
    long noLabel = o.result().counts().get("rejected_no_label");
    assertEquals(600 - validRows, noId + noLabel);
    assertEquals(7, noId); // i = 5, 102, ..., 587

    Row run = spark.table(PREFIX + "_gold.churn_model_run").where("run_id = '" + ctx.runId() + "'").first();
    assertEquals("byof", run.getAs("mode"));
    long train = run.<Long>getAs("train_rows");
    long holdout = run.<Long>getAs("validation_rows");
    assertEquals(validRows, train + holdout);
    assertEquals(0.25, holdout / (double) validRows, 0.03);
    // Stratified: both splits keep the churn rate of the whole table.
    double rate = churners / (double) validRows;
    assertEquals(rate, run.<Double>getAs("train_churn_rate"), 0.02);
    assertEquals(rate, run.<Double>getAs("validation_churn_rate"), 0.02);
    // Typed from the values: numbers with blanks are numeric; plan and region are strings.
    List<String> features = run.getList(run.fieldIndex("features"));
    assertEquals(List.of("f_tenure_months", "f_complaints", "f_nps", "f_plan", "f_region"), features);
    double auc = run.<Double>getAs("auc_roc");
    assertTrue(auc > 0.7, "holdout AUC " + auc);
    assertTrue(auc >= run.<Double>getAs("baseline_auc_roc") - 0.02, "model vs baseline");
    String baseline = run.getAs("baseline");
    assertTrue(baseline.contains("complaints"), baseline);
    // Ten deciles of the model; the baseline (complaints 0-4) has ties, so fewer, but every holdout row.
    org.apache.spark.sql.Dataset<Row> deciles = spark.table(PREFIX + "_gold.churn_model_decile")
        .where("run_id = '" + ctx.runId() + "'");
    assertEquals(10L, deciles.where("scorer = 'model'").count());
    assertEquals(holdout, deciles.where("scorer = 'model'").agg(org.apache.spark.sql.functions.sum("customers")).first().getLong(0));
    assertEquals(holdout, deciles.where("scorer = 'baseline'").agg(org.apache.spark.sql.functions.sum("customers")).first().getLong(0));
    // The saved model scores raw rows, unseen strings and blanks included.
    PipelineModel model = PipelineModel.load(run.getAs("model_path"));
    Row scored = ChurnModels.predict(model, spark.sql("SELECT 'x' AS _id, CAST(NULL AS DOUBLE) AS f_tenure_months, "
        + "4.0 AS f_complaints, CAST(NULL AS DOUBLE) AS f_nps, 'platinum' AS f_plan, '(missing)' AS f_region")).first();
    double p = scored.getAs(ChurnModels.RAW);
    assertTrue(p > 0 && p < 1);
  }

  @Test
  void typingAndLabelParsing() {
    SparkSession spark = TestSpark.session();
    OwnFeaturesStage.Prepared p = OwnFeaturesStage.prepare(spark.sql("SELECT * FROM VALUES "
            + "('1', ' 2.5 ', '1', 'TRUE', 3), ('2', '', 'x', 'false', 4), ('3', '4', '2', 'n', NULL), ('', '1', '1', 'y', 1),"
            + " ('5', '7', '3', 'perhaps', 2) AS t(id, amount, code, churn, visits)"),
        "churn", "id");
    assertEquals(List.of("f_amount", "f_visits"), p.numeric());
    assertEquals(List.of("f_code"), p.categorical());
    assertEquals(1, p.rejectedId());
    assertEquals(1, p.rejectedLabel());
    List<Row> rows = p.rows().orderBy("_id").collectAsList();
    assertEquals(3, rows.size());
    assertEquals(1.0, rows.get(0).<Double>getAs("label"));
    assertEquals(2.5, rows.get(0).<Double>getAs("f_amount"));
    assertNull(rows.get(1).getAs("f_amount"));
    assertEquals(0.0, rows.get(2).<Double>getAs("label"));
  }

  @Test
  void aMissingColumnIsNamed() {
    SparkSession spark = TestSpark.session();
    CxlakeException e = assertThrows(CxlakeException.class,
        () -> OwnFeaturesStage.prepare(spark.sql("SELECT 1 AS id, 'yes' AS churned"), "label", "id"));
    assertTrue(e.getMessage().contains("'label'"), e.getMessage());
  }
}
