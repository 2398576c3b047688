package io.cxlake.text;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import io.cxlake.core.Entities;
import io.cxlake.core.JobContext;
import io.cxlake.core.JobRunner;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The voice models are fitted now and then, not on every run: a run between fits scores only the
 * new and changed texts with the saved models and keeps every other row as it was (two runs over
 * sixty English comments on two subjects, delivery and billing, from promoters and detractors).
 * The fit is redone when voice.refit_days have passed, and by the other refit rules (checked
 * without Spark: a refit runs the same code as the first fit).
 */
class VoiceRefitTest {
  private static final String PREFIX = "voicerefit";
  private static final String YAML = String.join("\n",
      "voice: {languages: [en], min_labelled: 20, topics: 2, topic_restarts: 1, lda_iterations: 20, min_doc_freq: 2,",
      "        min_topic_docs: 20, refit_days: 28, refit_growth: 0.5}");
  private static final String[][] SUBJECTS = {
      {"delivery courier parcel arrived", "shipping parcel courier tracking"},
      {"invoice billing charge payment", "refund payment invoice charged"}};
  private static final String[] GOOD = {"great excellent quick", "excellent lovely smooth"};
  private static final String[] BAD = {"terrible awful slow", "awful horrible broken"};

  private static String text(int i) {
    boolean good = i % 2 == 0;
    return "The " + SUBJECTS[(i / 2) % 2][(i / 4) % 2] + " was " + (good ? GOOD : BAD)[(i / 8) % 2];
  }

  private static String response(int i, LocalDate day, String verbatim) {
    int nps = i % 2 == 0 ? 10 : 2;
    return String.format("('r%d', 'C%d', TIMESTAMP'%s 10:00:00', 'delivery', 'email', %d, %d, '%s', 'en')", i, i % 20, day,
        nps, nps == 10 ? 5 : 1, verbatim);
  }

  private static JobContext context(LocalDate asOf) {
    return JobContext.create(TestSpark.session(),
        TestSpark.config(PREFIX, TestSpark.repoRoot().resolve("conf/sources.yaml").toString(), YAML), asOf, null, false);
  }

  private static Map<String, Long> run(JobContext ctx) {
    JobRunner.StageOutcome o = JobRunner.run(ctx, List.of(new VoiceStage())).get(0);
    assertEquals("success", o.status(), o.error());
    return o.result().counts();
  }

  /** text_id → sentiment_score | topic_mix | run_id | model_run_id | text_redacted. */
  private static Map<String, String> rows(JobContext ctx) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : ctx.spark().sql("SELECT text_id, sentiment_score, topic_mix, run_id, model_run_id, text_redacted FROM "
        + ctx.catalog().gold("voice_response")).collectAsList()) {
      out.put(r.getString(0), r.get(1) + "|" + r.getList(2) + "|" + r.getString(3) + "|" + r.getString(4) + "|" + r.getString(5));
    }
    return out;
  }

  @Test
  void betweenFitsOnlyNewAndChangedTextsAreScoredWithTheSavedModels() {
    TestSpark.dropDatabases(PREFIX);
    LocalDate first = LocalDate.of(2026, 1, 30);
    JobContext ctx1 = context(first);
    SparkSession spark = ctx1.spark();
    String responses = ctx1.catalog().silver(Entities.SURVEY_RESPONSES.silverTable());
    String reviews = ctx1.catalog().silver(Entities.REVIEWS.silverTable());
    String customers = ctx1.catalog().silver(Entities.CUSTOMERS.silverTable());
    spark.sql("CREATE TABLE " + responses + " (response_id STRING, customer_id STRING, responded_ts TIMESTAMP, touchpoint STRING,"
        + " channel STRING, nps INT, csat INT, verbatim STRING, language STRING) USING delta");
    spark.sql("CREATE TABLE " + reviews + " (review_id STRING, customer_id STRING, review_ts TIMESTAMP, source STRING,"
        + " rating INT, text STRING, language STRING) USING delta");
    spark.sql("CREATE TABLE " + customers + " (customer_id STRING, email STRING) USING delta");
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      values.add(response(i, first.minusDays(i / 2), text(i)));
    }
    spark.sql("INSERT INTO " + responses + " VALUES " + String.join(", ", values));

    Map<String, Long> fit = run(ctx1);
    assertEquals(1L, fit.get("models_fitted"));
    assertEquals(60L, fit.get("texts_scored"));
    Row model = spark.sql("SELECT run_id, as_of_date, texts, topic_k, model_languages FROM " + ctx1.catalog().gold("voice_model"))
        .first();
    assertEquals(ctx1.runId(), model.getString(0));
    assertEquals(java.sql.Date.valueOf(first), model.getDate(1));
    assertEquals(60L, model.getLong(2));
    assertEquals(Map.of("en", 2), model.getJavaMap(3));
    assertEquals(List.of("en"), model.getList(4));
    Map<String, String> before = rows(ctx1);
    assertEquals(60, before.size());

    // A day later: three new texts (r100 says word for word what r3 said), r5 edited, r7 deleted.
    LocalDate next = first.plusDays(3);
    spark.sql("INSERT INTO " + responses + " VALUES " + String.join(", ", response(100, next, text(3)),
        response(101, next, text(8)), response(102, next, text(13))));
    spark.sql("UPDATE " + responses + " SET verbatim = 'The refund payment invoice charged was awful horrible broken',"
        + " nps = 1 WHERE response_id = 'r5'");
    spark.sql("DELETE FROM " + responses + " WHERE response_id = 'r7'");
    JobContext ctx2 = context(next);
    Map<String, Long> between = run(ctx2);
    assertEquals(0L, between.get("models_fitted"));
    assertEquals(4L, between.get("texts_scored"), "r100, r101, r102 and the edited r5");
    Map<String, String> after = rows(ctx2);
    assertEquals(62, after.size(), "60 + 3 - r7");
    // only those rows were written: one MERGE, not a rewrite of the 62
    Row commit = spark.sql("DESCRIBE HISTORY " + ctx2.catalog().gold("voice_response")).orderBy(
        org.apache.spark.sql.functions.col("version").desc()).first();
    assertEquals("MERGE", commit.getAs("operation"));
    Map<String, String> merged = commit.getJavaMap(commit.fieldIndex("operationMetrics"));
    assertEquals("3", merged.get("numTargetRowsInserted"), merged.toString());
    assertEquals("1", merged.get("numTargetRowsUpdated"), merged.toString());
    assertEquals("1", merged.get("numTargetRowsDeleted"), merged.toString());
    assertFalse(after.containsKey("r7"));
    for (Map.Entry<String, String> e : before.entrySet()) {
      if (!e.getKey().equals("r5") && !e.getKey().equals("r7")) {
        assertEquals(e.getValue(), after.get(e.getKey()), e.getKey() + " is kept as it was scored");
      }
    }
    String[] edited = after.get("r5").split("\\|");
    assertEquals(ctx2.runId(), edited[2]);
    assertEquals(ctx1.runId(), edited[3], "scored by the saved models");
    assertEquals("The refund payment invoice charged was awful horrible broken", edited[4]);
    // the saved models give a new text what they gave the same words before
    String[] same = after.get("r100").split("\\|");
    String[] original = before.get("r3").split("\\|");
    assertEquals(original[0], same[0], "sentiment_score");
    assertEquals(original[1], same[1], "topic_mix");
    assertEquals(ctx1.runId(), same[3]);
    assertEquals(1L, spark.table(ctx2.catalog().gold("voice_model")).count());
    assertEquals(62L, spark.table(ctx2.catalog().gold("voice_topic")).where("period_type = 'last_12_months'"
        + " AND slice_type = 'all'").agg(org.apache.spark.sql.functions.sum("texts")).first().getLong(0),
        "pain points over every text, kept and new");

    // the saved models gone (a deleted folder): the next run fits instead of failing
    spark.sql("UPDATE " + ctx2.catalog().gold("voice_model") + " SET model_path = model_path || '-gone'");
    JobContext ctx3 = context(next.plusDays(1));
    assertNull(VoiceFits.usable(ctx3, ctx3.config().get(VoiceConfig.SECTION), next.plusDays(1), 62));
  }

  @Test
  void refitRules() {
    VoiceConfig cfg = TestSpark.section(VoiceConfig.SECTION, YAML);
    LocalDate fitted = LocalDate.of(2026, 1, 30);
    VoiceFits.Recorded last = new VoiceFits.Recorded("r1", fitted, 100, VoiceFits.settings(cfg));
    assertNull(VoiceFits.refitReason(false, cfg, fitted, 100, last), "the same day, the same texts");
    assertNull(VoiceFits.refitReason(false, cfg, fitted.plusDays(27), 150, last), "27 days on, 50% more texts");
    assertTrue(VoiceFits.refitReason(false, cfg, fitted.plusDays(28), 100, last).contains("voice.refit_days"));
    assertTrue(VoiceFits.refitReason(false, cfg, fitted.plusDays(1), 151, last).contains("voice.refit_growth"));
    assertTrue(VoiceFits.refitReason(false, cfg, fitted.minusDays(1), 90, last).contains("before the last fit's"));
    assertTrue(VoiceFits.refitReason(true, cfg, fitted, 100, last).contains("full refresh"));
    assertTrue(VoiceFits.refitReason(false, cfg, fitted, 100, null).contains("no fit recorded"));
    VoiceConfig moreTopics = TestSpark.section(VoiceConfig.SECTION, YAML.replace("topics: 2", "topics: 3"));
    assertTrue(VoiceFits.refitReason(false, moreTopics, fitted, 100, last).contains("settings changed"));
    VoiceConfig everyRun = TestSpark.section(VoiceConfig.SECTION, YAML.replace("refit_days: 28", "refit_days: 0"));
    assertTrue(VoiceFits.refitReason(false, everyRun, fitted, 100,
        new VoiceFits.Recorded("r1", fitted, 100, VoiceFits.settings(everyRun))).contains("refit_days is 0"));
    // what the run does not depend on does not refit: the sentiment window, pain settings
    VoiceConfig window = TestSpark.section(VoiceConfig.SECTION, YAML.replace("refit_growth: 0.5", "refit_growth: 0.5,"
        + " sentiment_days: 90, pain_min_responses: 5"));
    assertNull(VoiceFits.refitReason(false, window, fitted, 100, last));
  }
}
