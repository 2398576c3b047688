package io.cxlake.report;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The Churn page shows the model that scored the day (a training within churn.refit_days, or one
 * of the same rows, can be older than the latest, say one made in the churn notebook); without
 * scores of the day, the latest native training up to it.
 */
class ChurnPageTest {
  private static final LocalDate AS_OF = LocalDate.of(2026, 10, 31);

  private static String churnPage(Map<String, Dataset<Row>> tables) {
    Pages pages = new Pages(tables::get, AS_OF, 25);
    return new String(Site.files(pages.all(2), new Site.Meta(AS_OF.toString(), "cx_gold", "run-1")).get("churn.html"),
        StandardCharsets.UTF_8);
  }

  @Test
  void theModelThatScoredTheDayIsShownNotTheLatestTraining() {
    SparkSession spark = TestSpark.session();
    Dataset<Row> runs = spark.sql("SELECT * FROM VALUES "
        + "('pipeline-run', 'train', 'native', DATE'2026-10-28', TIMESTAMP'2026-10-28 02:00:00', 'gbt'), "
        + "('notebook-run', 'train', 'native', DATE'2026-10-30', TIMESTAMP'2026-10-30 15:00:00', 'logistic_regression'), "
        + "('future-run', 'train', 'native', DATE'2026-11-02', TIMESTAMP'2026-11-02 02:00:00', 'gbt') "
        + "AS t(run_id, kind, mode, as_of_date, created_at, model)")
        .selectExpr("*", "DATE'2026-07-31' AS validation_cutoff", "500L AS validation_rows", "'recency' AS baseline",
            "0.8D AS auc_roc", "0.6D AS baseline_auc_roc", "0.5D AS pr_auc", "0.3D AS baseline_pr_auc", "0.1D AS brier",
            "0.2D AS baseline_brier", "0.05D AS psi", "CAST(NULL AS STRING) AS model_card");
    Dataset<Row> scores = spark.sql("SELECT * FROM VALUES (DATE'2026-10-31', 'c1', 'pipeline-run'), "
        + "(DATE'2026-10-30', 'c1', 'notebook-run') AS t(as_of_date, customer_key, model_run_id)");
    String page = churnPage(Map.of("churn_model_run", runs, "churn_score", scores));
    assertTrue(page.contains("Model gbt trained by run pipeline-run as of 2026-10-28"), page);
    String unscored = churnPage(Map.of("churn_model_run", runs));
    assertTrue(unscored.contains("Model logistic_regression trained by run notebook-run as of 2026-10-30"), unscored);
  }
}
