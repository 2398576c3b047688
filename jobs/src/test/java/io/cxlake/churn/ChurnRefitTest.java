package io.cxlake.churn;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import io.cxlake.core.JobContext;
import io.cxlake.platform.AsOfStandingTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * A pipeline run scores with the latest native training of less than churn.refit_days before it
 * with the same settings (the rule itself: AsOfStandingTest) whose saved model is still there:
 * evaluations and bring-your-own-features trainings never stand, other available features (voice
 * has run since) or other churn settings train, and refit_days is no setting of a training.
 */
class ChurnRefitTest {
  private static final String PREFIX = "churnrefit";
  private static final LocalDate TRAINED = LocalDate.of(2026, 6, 30);
  private static final List<String> FEATURES = List.of("recency_days", "frequency_365");

  private static Row standing(LocalDate asOf, String yaml, List<String> available) {
    JobContext ctx = AsOfStandingTest.context(PREFIX, asOf, yaml, false);
    ChurnConfig cfg = ctx.config().get(ChurnConfig.SECTION);
    return ModelRuns.standing(ctx, asOf, cfg.refitDays(), cfg.settings(available));
  }

  private static String runId(Row standing) {
    return standing == null ? null : standing.getString(0);
  }

  @Test
  void aTrainingStandsForThePipelineRunsWithinRefitDaysWhileItsModelIsThere() throws Exception {
    TestSpark.dropDatabases(PREFIX);
    JobContext ctx = AsOfStandingTest.context(PREFIX, TRAINED, "", false);
    ChurnConfig cfg = ctx.config().get(ChurnConfig.SECTION);
    assertEquals(7, cfg.refitDays(), "the packaged default");
    String settings = cfg.settings(FEATURES);
    Path model = Files.createTempDirectory("churn-refit-model");
    String table = ctx.catalog().gold(ChurnContracts.CHURN_MODEL_RUN.name());
    ctx.spark().sql("CREATE DATABASE IF NOT EXISTS " + PREFIX + "_gold");
    // the training, then an evaluation and a bring-your-own-features training on later days
    ctx.spark().sql("CREATE TABLE " + table + " USING delta AS SELECT * FROM VALUES "
        + "('t1', 'train', 'native', DATE'" + TRAINED + "', TIMESTAMP'2026-06-30 01:00:00', '" + model.toUri() + "', '" + settings + "'), "
        + "('e1', 'evaluate', 'native', DATE'" + TRAINED.plusDays(2) + "', TIMESTAMP'2026-07-02 01:00:00', '" + model.toUri() + "', '" + settings + "'), "
        + "('b1', 'train', 'byof', DATE'" + TRAINED.plusDays(3) + "', TIMESTAMP'2026-07-03 01:00:00', '" + model.toUri() + "', '" + settings + "') "
        + "AS t(run_id, kind, mode, as_of_date, created_at, model_path, settings)");
    assertEquals("t1", runId(standing(TRAINED.plusDays(6), "", FEATURES)), "the native training, not the later runs");
    assertEquals(TRAINED, standing(TRAINED.plusDays(6), "", FEATURES).getDate(1).toLocalDate());
    assertNull(standing(TRAINED.plusDays(7), "", FEATURES), "a refit period on");
    assertNull(standing(TRAINED.plusDays(1), "", List.of("recency_days", "frequency_365", "sentiment_180d")),
        "voice has run since: sentiment_180d is available");
    assertNull(standing(TRAINED.plusDays(1), "churn: {gbt_iterations: 20}", FEATURES), "other settings");
    assertEquals("t1", runId(standing(TRAINED.plusDays(20), "churn: {refit_days: 30}", FEATURES)),
        "refit_days is no setting of a training");
    Files.delete(model);
    assertNull(standing(TRAINED.plusDays(1), "", FEATURES), "its saved model is gone");

    assertTrue(settings.contains("gbtIterations=40") && settings.contains("available=" + FEATURES)
        && settings.contains("cxlake="), settings);
    assertFalse(settings.contains("refitDays"), settings);
  }
}
