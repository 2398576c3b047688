package io.cxlake.text;

import io.cxlake.contract.TableContract;
import io.cxlake.core.TableRef;
import io.cxlake.metrics.GoldContracts;
import io.cxlake.platform.CustomerColumn;
import io.cxlake.platform.StageModule;
import io.cxlake.platform.AsOf;
import io.cxlake.platform.CacheScope;
import io.cxlake.platform.GoldState;
import io.cxlake.core.TableVersions;
import io.cxlake.platform.Pseudonym;
import io.cxlake.metrics.MetricsConfig;
import static org.apache.spark.sql.functions.*;

import io.cxlake.contract.GoldWriter;
import io.cxlake.core.CxlakeConfig;
import io.cxlake.core.Entities;
import io.cxlake.core.FileStats;
import io.cxlake.core.JobContext;
import io.cxlake.core.NothingToDo;
import io.cxlake.core.Progress;
import io.cxlake.core.Stage;
import io.cxlake.core.StageResult;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Voice of the customer: verbatims of survey responses and reviews up to the as-of date are
 * redacted (before anything else touches them), tokenized per language, scored for sentiment
 * and assigned LDA topics; writes voice_response, voice_topic and voice_customer, and the
 * sentiment column of the customer_360 snapshot. The models are fitted now and then
 * ({@link VoiceFits}); in between, a run scores only the texts that are new or changed and merges
 * their rows into voice_response (and deletes those of texts gone), leaving the others as they were.
 */
public final class VoiceStage implements Stage {
  public static final String NAME = "voice";

  /** Voice of the customer. */
  public static final StageModule MODULE = StageModule.define(NAME,
          "Voice of the customer: PII redaction of verbatims, language and tokens, sentiment learned from the "
              + "scores, LDA topics and ranked pain points; writes voice_response, voice_topic, voice_customer.")
      .config(VoiceConfig.SECTION)
      .requiresAny(TableRef.silver(Entities.SURVEY_RESPONSES.silverTable()), TableRef.silver(Entities.REVIEWS.silverTable()))
      .optional(TableRef.silver(Entities.CUSTOMERS.silverTable()),
          TableRef.gold(GoldContracts.CUSTOMER_360.name()))
      .writes(VoiceContracts.all().toArray(TableContract[]::new))
      .contributes(CustomerColumn.of("sentiment", "double", "Voice: mean sentiment (−1…1) of the customer's verbatims in the last voice.sentiment_days (voice_customer; null without one)", VoiceContracts.VOICE_CUSTOMER, "sentiment_mean")
          .checked(b -> b.range(-1, 1)))
      .build(registry -> new VoiceStage());

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(JobContext ctx) {
    VoiceConfig cfg = ctx.config().get(VoiceConfig.SECTION);
    LocalDate asOf = AsOf.resolveOr(ctx, () -> latestText(ctx));
    Map<String, Long> counts = new LinkedHashMap<>();
    GoldWriter writer = new GoldWriter(ctx);
    try (CacheScope cache = CacheScope.open()) {
      Dataset<Row> texts = cache.keep(prepare(ctx, cfg, asOf));
      long n = texts.count();
      if (n == 0) {
        throw new NothingToDo("no survey comment or review text up to " + asOf);
      }
      Row redactions = texts.agg(sum("redacted_email"), sum("redacted_iban"), sum("redacted_card"),
          sum("redacted_phone"), sum("redacted_name")).first(); // the order of Redaction.TYPES
      counts.put("texts", n);
      for (int i = 0; i < Redaction.TYPES.size(); i++) {
        counts.put("redacted_" + Redaction.TYPES.get(i).toLowerCase(), redactions.isNullAt(i) ? 0 : redactions.getLong(i));
      }
      Progress.info("voice for as-of {}: {} texts; redacted {}", asOf, n, counts);
      VoiceFits.Fit fit = VoiceFits.usable(ctx, cfg, asOf, n);
      Sentiment.Result fitted = null;
      Dataset<Row> scored;
      Topics.Result topics;
      Dataset<Row> touched = null; // null: voice_response is rewritten whole
      if (fit == null) {
        long t0 = System.nanoTime();
        // The fit reads the tokens of every text several times: kept once, in place of the texts.
        Dataset<Row> labelled = cache.keep(tokenized(texts, cfg).withColumn("label",
            Sentiment.weakLabel(col("nps"), col("rating"))));
        labelled.count();
        texts.unpersist();
        fitted = Sentiment.score(labelled, cfg, cache);
        Progress.info("sentiment: model on {} weakly labelled texts, held-out accuracy {} on {}; lexicon for {} ({} s)",
            fitted.trainingRows(), String.format("%.3f", fitted.holdoutAccuracy()), fitted.holdoutRows(),
            fitted.lexiconLanguages(), secs(t0));
        counts.put("sentiment_holdout_accuracy_permille", Math.round(fitted.holdoutAccuracy() * 1000));
        long t1 = System.nanoTime();
        topics = Topics.fit(labelled, cfg);
        Progress.info("topics: k per language {} ({} s)", topics.k(), secs(t1));
        scored = fitted.scored().drop("label");
        counts.put("texts_scored", n);
      } else {
        // Pinned to the version now: the merge below commits to the table these rows are read from.
        String stored = ctx.catalog().gold(VoiceContracts.VOICE_RESPONSE.name());
        Dataset<Row> previous = GoldState.atVersion(ctx.spark(), stored, TableVersions.latest(ctx.spark(), stored));
        Dataset<Row> unchangedIds = cache.keep(VoiceFits.unchangedIds(previous, texts));
        touched = cache.keep(VoiceFits.touchedIds(previous, texts, unchangedIds));
        Dataset<Row> changed = cache.keep(tokenized(VoiceFits.toScore(texts, unchangedIds), cfg));
        long m = changed.count();
        Progress.info("voice: {} of {} texts new or changed: scored with the models run {} fitted on the texts up to {};"
            + " the others keep their scores", m, n, fit.runId(), fit.asOf());
        scored = Sentiment.apply(changed, fit.sentiment(), cfg);
        topics = Topics.assign(changed, fit.topics());
        counts.put("texts_scored", m);
      }
      counts.put("models_fitted", fit == null ? 1L : 0L);
      String modelRun = fit == null ? ctx.runId() : fit.runId();
      Dataset<Row> topicTable = topicTable(ctx, topics.topics());
      try {
        Dataset<Row> out = (topics.assigned() == null
            ? scored.withColumn("topic_key", lit(null).cast("string")).withColumn("topic_mix", lit(null).cast("array<double>"))
            : scored.join(topics.assigned(), new String[] {"id"}, "left"))
            .join(topicTable.select("topic_key", "topic_label"), new String[] {"topic_key"}, "left")
            .withColumn("run_id", lit(ctx.runId())).withColumn("as_of_date", lit(Date.valueOf(asOf)))
            .withColumn("model_run_id", lit(modelRun))
            .withColumn("text_id", col("id")).withColumn("tokens", size(col("tokens")));
        if (touched == null) {
          writer.overwrite(VoiceContracts.VOICE_RESPONSE, out);
        } else {
          // only the new, changed and gone texts' rows are written; the others stay as they were scored
          writer.merge(VoiceContracts.VOICE_RESPONSE, out, touched);
        }
      } finally {
        topics.release();
      }
      Dataset<Row> written = ctx.spark().table(ctx.catalog().gold(VoiceContracts.VOICE_RESPONSE.name()));
      writer.overwrite(VoiceContracts.VOICE_TOPIC, PainPoints.build(written, topicTable, cfg, asOf)
          .withColumn("run_id", lit(ctx.runId())));
      writer.replace(VoiceContracts.VOICE_CUSTOMER, customers(written, cfg, asOf), "as_of_date = DATE'" + asOf + "'");
      if (fitted != null && writer.problems().isEmpty()) {
        VoiceFits.record(ctx, writer, cfg, asOf, n, fitted, topics);
      }
      counts.put("topics", (long) topics.topics().size());
      print(ctx, topics);
      return new StageResult(n, writer.rowsWritten(), counts, writer.problems());
    }
  }

  /** The day of the latest survey comment or review: the as-of date when there are no customers (reviews only). */
  static LocalDate latestText(JobContext ctx) {
    LocalDate latest = FileStats.latestDayOrScan(ctx.spark(), Map.of(
        ctx.catalog().silver(Entities.SURVEY_RESPONSES.silverTable()), "responded_ts",
        ctx.catalog().silver(Entities.REVIEWS.silverTable()), "review_ts"));
    if (latest == null) {
      throw new io.cxlake.core.CxlakeException("no survey comment or review to analyse");
    }
    return latest;
  }

  /** Survey comments and reviews up to the as-of date, redacted, with their language (tokens: {@link #tokenized}). */
  static Dataset<Row> prepare(JobContext ctx, VoiceConfig cfg, LocalDate asOf) {
    Column until = lit(java.sql.Timestamp.valueOf(asOf.plusDays(1).atStartOfDay()));
    Dataset<Row> surveys = ctx.spark().table(ctx.catalog().silver(Entities.SURVEY_RESPONSES.silverTable()))
        .where(col("verbatim").isNotNull().and(length(trim(col("verbatim"))).gt(0)).and(col("responded_ts").lt(until)))
        .select(lit("survey").as("source"), col("response_id").as("id"), col("customer_id"),
            to_date(col("responded_ts")).as("response_date"), col("touchpoint"), col("channel"), col("nps"), col("csat"),
            lit(null).cast("int").as("rating"), col("verbatim").as("text"), col("language").as("given_language"));
    Dataset<Row> reviews = ctx.spark().table(ctx.catalog().silver(Entities.REVIEWS.silverTable()))
        .where(col("text").isNotNull().and(length(trim(col("text"))).gt(0)).and(col("review_ts").lt(until)))
        .select(lit("review").as("source"), col("review_id").as("id"), col("customer_id"),
            to_date(col("review_ts")).as("response_date"), lit(null).cast("string").as("touchpoint"),
            col("source").as("channel"), lit(null).cast("int").as("nps"), lit(null).cast("int").as("csat"),
            col("rating").cast("int").as("rating"), col("text"), col("language").as("given_language"));
    Dataset<Row> emails = ctx.spark().table(ctx.catalog().silver(Entities.CUSTOMERS.silverTable()))
        .select(col("customer_id"), col("email"));
    byte[] secret = io.cxlake.platform.PseudonymSecret.of(ctx);
    Dataset<Row> redacted = surveys.unionByName(reviews).join(emails, new String[] {"customer_id"}, "left")
        .withColumn("text_redacted", Redaction.redact(col("text"), col("email")));
    for (String type : Redaction.TYPES) {
      redacted = redacted.withColumn("redacted_" + type.toLowerCase(), Redaction.count(col("text"), col("text_redacted"), type));
    }
    // The raw text and e-mail end here: everything below works on the redacted text.
    return redacted.drop("text", "email")
        .withColumn("customer_key", when(col("customer_id").isNotNull(), Pseudonym.customerKey(col("customer_id"), secret)))
        .drop("customer_id")
        .withColumn("nps_group", when(col("nps").geq(9), "promoter").when(col("nps").geq(7), "passive")
            .when(col("nps").isNotNull(), "detractor"))
        .withColumn("language", TextPrep.language(col("text_redacted"), col("given_language"), cfg.languages()))
        .withColumn("language_detected", col("given_language").isNull().or(length(trim(col("given_language"))).equalTo(0)))
        .drop("given_language");
  }

  /**
   * The texts with their tokens: only the texts a run scores or fits on are tokenized (between
   * fits, the new and changed ones), not every text it reads.
   */
  static Dataset<Row> tokenized(Dataset<Row> texts, VoiceConfig cfg) {
    return texts.withColumn("tokens", TextPrep.tokens(col("text_redacted"), col("language"), cfg.languages()));
  }

  /** Recent sentiment per customer: mean, negatives and the latest label in the sentiment window. */
  static Dataset<Row> customers(Dataset<Row> responses, VoiceConfig cfg, LocalDate asOf) {
    return responses.where(col("customer_key").isNotNull()
            .and(col("response_date").gt(lit(Date.valueOf(asOf.minusDays(cfg.sentimentDays())))))
            .and(col("response_date").leq(lit(Date.valueOf(asOf)))))
        .groupBy("customer_key")
        .agg(count(lit(1)).as("verbatims"), avg("sentiment_score").as("sentiment_mean"),
            sum(when(col("sentiment_label").equalTo("negative"), 1L).otherwise(0L)).as("negative_verbatims"),
            max_by(col("sentiment_label"), struct(col("response_date"), col("text_id"))).as("latest_sentiment"))
        .withColumn("as_of_date", lit(Date.valueOf(asOf)));
  }

  private static Dataset<Row> topicTable(JobContext ctx, List<Topics.Topic> topics) {
    List<Row> rows = new ArrayList<>();
    for (Topics.Topic t : topics) {
      rows.add(RowFactory.create(t.key(), t.language(), t.label(), t.terms()));
    }
    StructType schema = new StructType().add("topic_key", DataTypes.StringType).add("language", DataTypes.StringType)
        .add("topic_label", DataTypes.StringType).add("top_terms", DataTypes.createArrayType(DataTypes.StringType));
    return ctx.spark().createDataFrame(rows, schema);
  }

  private static void print(JobContext ctx, Topics.Result topics) {
    System.out.printf("%nTopics per language (top terms):%n");
    topics.topics().forEach(t -> System.out.printf("  %-6s %s%n", t.key(), String.join(", ", t.terms())));
    List<Row> pain = ctx.spark().table(ctx.catalog().gold(VoiceContracts.VOICE_TOPIC.name()))
        .where("period_type = 'last_12_months' AND slice_type = 'all'").orderBy("pain_rank").limit(5)
        .select("pain_rank", "topic_key", "topic_label", "texts", "negative_pct", "detractor_pct", "pain_score")
        .collectAsList();
    System.out.printf("%nPain points, last 12 months: rank, topic, texts, %% negative, %% detractors, pain score%n");
    for (Row r : pain) {
      System.out.printf("  %d. %-6s %-40s %6d  %5.1f  %s  %.1f%n", r.getInt(0), r.getString(1), r.getString(2), r.getLong(3),
          r.getDouble(4), r.isNullAt(5) ? "  -" : String.format("%5.1f", r.getDouble(5)), r.getDouble(6));
    }
  }

  private static String secs(long t0) {
    return String.format("%.1f", (System.nanoTime() - t0) / 1e9);
  }
}
