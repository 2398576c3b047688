package io.cxlake.text;

import static org.apache.spark.sql.functions.*;

import io.cxlake.contract.GoldWriter;
import io.cxlake.core.CxlakeException;
import io.cxlake.core.JobContext;
import io.cxlake.core.JobRunner;
import io.cxlake.core.Progress;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The voice models of one fit (the sentiment model and a topic model per language): saved under
 * {@code <files root>/_models/voice/<run id>/}, recorded in voice_model, and reused by the runs
 * that follow until the next refit. Between fits a run scores only the texts that are new or
 * changed; the texts it scored before keep their scores, so features built on them (churn's
 * sentiment_180d) stay what they were, and no score is ever made by a model that learned from
 * texts after the as-of date.
 */
final class VoiceFits {
  private VoiceFits() {}

  /** A fit that scores this run's new and changed texts. */
  record Fit(String runId, LocalDate asOf, long texts, Sentiment.Model sentiment, List<Topics.LanguageModel> topics) {}

  /**
   * The prepared text's columns voice_response keeps: a text whose values differ from its row's
   * (an edited comment, a corrected score, another customer or e-mail) is scored again.
   */
  static final List<String> INPUT_COLUMNS = List.of("text_id", "source", "customer_key", "response_date", "touchpoint",
      "channel", "nps", "csat", "rating", "language", "language_detected", "text_redacted", "redacted_email",
      "redacted_phone", "redacted_card", "redacted_iban", "redacted_name");

  static String path(JobContext ctx, String runId) {
    return ctx.catalog().filesRoot(ctx.spark()) + "/_models/voice/" + runId;
  }

  /** What the models depend on: a change of any of these settings, or of cxlake, refits. */
  static String settings(VoiceConfig c) {
    return "languages=" + c.languages() + " min_labelled=" + c.minLabelled() + " neutral_band=" + c.neutralBand()
        + " topics=" + c.topics() + " topic_range=" + c.topicRange() + " lda_iterations=" + c.ldaIterations()
        + " topic_restarts=" + c.topicRestarts() + " topic_sample=" + c.topicSample() + " vocabulary=" + c.vocabulary()
        + " min_doc_freq=" + c.minDocFreq() + " min_topic_docs=" + c.minTopicDocs() + " seed=" + c.seed()
        + " cxlake=" + io.cxlake.core.CxlakeVersion.current();
  }

  /** What the latest recorded fit learned from, as far as the refit rules ask. */
  record Recorded(String runId, LocalDate asOf, long texts, String settings) {}

  /**
   * The latest fit when this run may score with it, else null (and why not is logged, see
   * {@link #refitReason}); also null when its saved models cannot be read.
   */
  static Fit usable(JobContext ctx, VoiceConfig cfg, LocalDate asOf, long texts) {
    String table = ctx.catalog().gold(VoiceContracts.VOICE_MODEL.name());
    Row last = null;
    if (ctx.spark().catalog().tableExists(table)
        && ctx.spark().catalog().tableExists(ctx.catalog().gold(VoiceContracts.VOICE_RESPONSE.name()))) {
      last = ctx.spark().table(table).orderBy(col("fitted_at").desc(), col("run_id").desc()).limit(1)
          .select("run_id", "as_of_date", "texts", "settings", "model_path", "model_languages", "topic_k")
          .collectAsList().stream().findFirst().orElse(null);
    }
    String why = refitReason(ctx.fullRefresh(), cfg, asOf, texts, last == null ? null
        : new Recorded(last.getString(0), last.getDate(1).toLocalDate(), last.getLong(2), last.getString(3)));
    if (why != null) {
      Progress.info("voice: fitting the models ({})", why);
      return null;
    }
    try {
      return load(last);
    } catch (Exception unreadable) { // Spark's AnalysisException (path not found) is checked in Java terms
      Progress.info("voice: fitting the models (the saved models of run {} cannot be read: {})", last.getString(0),
          JobRunner.oneLine(unreadable));
      return null;
    }
  }

  /**
   * Why this run fits the models again, or null when it scores with the last fit: on
   * --full-refresh, on the first run, when the settings changed, when the as-of date is before
   * the fit's (its models learned from later texts) or voice.refit_days or more after it, and
   * when the texts grew by more than voice.refit_growth.
   */
  static String refitReason(boolean fullRefresh, VoiceConfig cfg, LocalDate asOf, long texts, Recorded last) {
    if (fullRefresh) {
      return "full refresh";
    }
    if (cfg.refitDays() == 0) {
      return "voice.refit_days is 0";
    }
    if (last == null) {
      return "no fit recorded yet";
    }
    if (!last.settings().equals(settings(cfg))) {
      return "the settings changed since run " + last.runId() + " fitted them";
    }
    if (asOf.isBefore(last.asOf())) {
      return "the as-of date " + asOf + " is before the last fit's (" + last.asOf() + "), whose models learned from later texts";
    }
    if (!asOf.isBefore(last.asOf().plusDays(cfg.refitDays()))) {
      return "the last fit is of " + last.asOf() + ", " + cfg.refitDays() + "+ days before " + asOf + " (voice.refit_days)";
    }
    if (texts > last.texts() * (1 + cfg.refitGrowth())) {
      return String.format("%d texts against the %d the last fit learned from: more than voice.refit_growth %.2f more",
          texts, last.texts(), cfg.refitGrowth());
    }
    return null;
  }

  private static Fit load(Row last) {
    String path = last.getString(4);
    List<String> modelled = last.getList(5);
    Sentiment.Model sentiment = new Sentiment.Model(modelled.isEmpty() ? null : PipelineModel.load(path + "/sentiment"),
        List.copyOf(modelled));
    List<Topics.LanguageModel> topics = new ArrayList<>();
    Map<String, Integer> k = last.getJavaMap(6);
    for (String language : new java.util.TreeSet<>(k.keySet())) {
      topics.add(new Topics.LanguageModel(language, PipelineModel.load(path + "/topics-" + language)));
    }
    return new Fit(last.getString(0), last.getDate(1).toLocalDate(), last.getLong(2), sentiment, topics);
  }

  /** A hash of a text's {@link #INPUT_COLUMNS}. */
  private static Column inputHash() {
    return xxhash64(INPUT_COLUMNS.stream().map(c -> col(c)).toArray(Column[]::new));
  }

  /**
   * The ids of the voice_response rows whose text is still there, unchanged: those rows are kept
   * as they are. Only the ids, so that a stage can cache them: both the texts to score and the
   * rows to keep are read from them.
   */
  static Dataset<Row> unchangedIds(Dataset<Row> previous, Dataset<Row> texts) {
    return previous.select(col("text_id"), inputHash().as("_input"))
        .join(texts.withColumn("text_id", col("id")).select(col("text_id"), inputHash().as("_input")),
            new String[] {"text_id", "_input"}, "left_semi")
        .select("text_id");
  }

  /**
   * The ids of the voice_response rows a run between fits rewrites or deletes: every id stored or
   * among the texts but those of {@link #unchangedIds} (new, changed and gone texts). The run
   * merges its scores by these ids and leaves every other row as it is.
   */
  static Dataset<Row> touchedIds(Dataset<Row> previous, Dataset<Row> texts, Dataset<Row> unchangedIds) {
    return previous.select("text_id").unionByName(texts.select(col("id").as("text_id")))
        .join(unchangedIds, new String[] {"text_id"}, "left_anti");
  }

  /** The texts not among the unchanged rows: new, or changed since they were scored. */
  static Dataset<Row> toScore(Dataset<Row> texts, Dataset<Row> unchangedIds) {
    return texts.join(unchangedIds.withColumnRenamed("text_id", "id"), new String[] {"id"}, "left_anti");
  }

  /** Saves a fit's models and records it in voice_model: the last write of a run, so a killed run leaves no record. */
  static void record(JobContext ctx, GoldWriter writer, VoiceConfig cfg, LocalDate asOf, long texts, Sentiment.Result sentiment,
      Topics.Result topics) {
    String path = path(ctx, ctx.runId());
    try {
      if (sentiment.model().pipeline() != null) {
        sentiment.model().pipeline().write().overwrite().save(path + "/sentiment");
      }
      for (Topics.LanguageModel m : topics.models()) {
        m.pipeline().write().overwrite().save(path + "/topics-" + m.language());
      }
    } catch (java.io.IOException e) {
      throw new CxlakeException("could not save the voice models to " + path + ": " + e.getMessage());
    }
    List<String> languages = sentiment.model().modelled();
    List<String> topicLanguages = topics.models().stream().map(Topics.LanguageModel::language).toList();
    Dataset<Row> row = ctx.spark().range(1).select(lit(ctx.runId()).as("run_id"), lit(Date.valueOf(asOf)).as("as_of_date"),
        current_timestamp().as("fitted_at"), lit(texts).as("texts"),
        lit(sentiment.trainingRows()).as("sentiment_training_texts"),
        (Double.isNaN(sentiment.holdoutAccuracy()) ? lit(null).cast("double") : lit(sentiment.holdoutAccuracy()))
            .as("sentiment_holdout_accuracy"),
        array(languages.stream().map(l -> lit(l)).toArray(Column[]::new)).cast("array<string>").as("model_languages"),
        map_from_arrays(array(topicLanguages.stream().map(l -> lit(l)).toArray(Column[]::new)).cast("array<string>"),
            array(topics.models().stream().map(m -> lit(m.lda().getK())).toArray(Column[]::new)).cast("array<int>"))
            .as("topic_k"),
        lit(settings(cfg)).as("settings"), lit(path).as("model_path"));
    writer.replace(VoiceContracts.VOICE_MODEL, row, "run_id = '" + ctx.runId() + "'");
  }
}
