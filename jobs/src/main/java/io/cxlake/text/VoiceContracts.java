package io.cxlake.text;

import io.cxlake.contract.TableContract;
import java.util.List;

/** Contracts of the voice-of-the-customer tables (docs/voice.md explains how to read them). */
public final class VoiceContracts {
  private VoiceContracts() {}

  private static final String RUN_ID = "Run that computed the rows (cx_ops.pipeline_run.run_id)";

  public static final TableContract VOICE_RESPONSE = TableContract.table("voice_response",
          "one row per verbatim (survey response with a comment, or review) up to the as-of date")
      .describe("Verbatims after PII redaction (SPEC §8.6): the redacted text, its language, counts of redactions per type, sentiment (learned from the scores, or a lexicon) and the LDA topic mix. No raw text or PII reaches this table. A run that fits the models (voice_model) scores every text; the runs between fits score only new and changed texts with the latest fit and keep the other rows as they were.")
      .column("run_id", "string", "Run that scored the text (cx_ops.pipeline_run.run_id)").notNull()
      .column("as_of_date", "date", "As-of date of the run that scored the text").notNull()
      .column("model_run_id", "string", "Run whose fitted models scored the text (voice_model.run_id)").notNull()
      .column("source", "string", "survey (a survey response's comment) or review").notNull().accepted("survey", "review")
      .column("text_id", "string", "response_id of the survey response, or review_id").notNull()
      .column("customer_key", "string", "Pseudonymous customer key; null for reviews of unknown customers")
      .column("response_date", "date", "Day of the response or review (UTC)").notNull()
      .column("touchpoint", "string", "Touchpoint surveyed (null for reviews)")
      .column("channel", "string", "Survey channel, or the review site")
      .column("nps", "int", "NPS answer 0-10 of the survey response").range(0, 10)
      .column("nps_group", "string", "promoter, passive or detractor").accepted("promoter", "passive", "detractor")
      .column("csat", "int", "CSAT 1-5 of the survey response").range(1, 5)
      .column("rating", "int", "Star rating 1-5 of the review").range(1, 5)
      .column("language", "string", "ISO 639-1 language: as given, or detected (language_detected)").notNull()
      .column("language_detected", "boolean", "The source gave no language; it was detected from the text").notNull()
      .column("text_redacted", "string", "The text with PII replaced by [EMAIL], [PHONE], [CARD], [IBAN], [NAME]").notNull()
      .column("redacted_email", "int", "E-mail addresses replaced").notNull().min(0)
      .column("redacted_phone", "int", "Phone numbers replaced").notNull().min(0)
      .column("redacted_card", "int", "Card-like numbers replaced").notNull().min(0)
      .column("redacted_iban", "int", "IBAN-like numbers replaced").notNull().min(0)
      .column("redacted_name", "int", "Names replaced (the customer's own, or a name after a sign-off)").notNull().min(0)
      .column("tokens", "int", "Tokens after stop-word removal").notNull().min(0)
      .column("sentiment_score", "double", "Sentiment −1 (negative) … 1 (positive): model P(positive) − P(negative), or the lexicon score").notNull().range(-1, 1)
      .column("sentiment_label", "string", "negative, neutral or positive").notNull().accepted("negative", "neutral", "positive")
      .column("sentiment_method", "string", "model (learned from the scores) or lexicon (too little labelled text in the language)").notNull()
      .accepted("model", "lexicon")
      .column("topic_key", "string", "Dominant LDA topic, language-number (e.g. en-3); null when the language has too few texts for topics")
      .column("topic_label", "string", "Label of the dominant topic: its top three terms")
      .column("topic_mix", "array<double>", "Share of each topic of the language in the text (topic 1 first)")
      .key("text_id").zorderBy("response_date", "topic_key")
      .build();

  public static final TableContract VOICE_TOPIC = TableContract.table("voice_topic",
          "one row per topic x period (the last 12 months, and each month) x slice")
      .describe("Topics and pain points (SPEC §8.6): each LDA topic's label and top terms, and per period and slice its volume, share of detractors, average NPS/CSAT, sentiment, trend, and a pain score (texts × negativity, voice.pain_negativity) ranked per period and slice. Rebuilt on each run.")
      .column("run_id", "string", RUN_ID).notNull()
      .column("as_of_date", "date", "Texts up to this day").notNull()
      .column("topic_key", "string", "Topic: language-number").notNull()
      .column("language", "string", "Language of the topic model").notNull()
      .column("topic_label", "string", "The topic's top three terms").notNull()
      .column("top_terms", "array<string>", "The topic's eight most probable terms").notNull()
      .column("period_type", "string", "last_12_months or month").notNull().accepted("last_12_months", "month")
      .column("period_start", "date", "First day of the period").notNull()
      .column("slice_type", "string", "all, source (survey/review) or touchpoint").notNull()
      .column("slice_value", "string", "Value of the slice (all for all; unknown when missing)").notNull()
      .column("texts", "bigint", "Texts whose dominant topic this is").notNull().min(1)
      .column("detractor_pct", "double", "% of the survey texts with NPS 0-6").range(0, 100)
      .column("avg_nps", "double", "Mean NPS of the survey texts").range(0, 10)
      .column("avg_csat", "double", "Mean CSAT of the survey texts").range(1, 5)
      .column("avg_sentiment", "double", "Mean sentiment score").range(-1, 1)
      .column("negative_pct", "double", "% of texts with negative sentiment").range(0, 100)
      .column("texts_change_pct", "double", "Month rows: % change of texts vs the previous month (null for the first)")
      .column("negative_change_pts", "double", "Month rows: change of negative_pct vs the previous month, in points")
      .column("pain_score", "double", "texts × negativity (share negative, or share of detractors)").notNull().min(0)
      .column("pain_rank", "int", "1 = the biggest pain point of the period and slice").notNull().min(1)
      .column("low_confidence", "boolean", "Fewer texts than voice.pain_min_responses").notNull()
      .key("topic_key", "period_type", "period_start", "slice_type", "slice_value").zorderBy("period_start", "topic_key")
      .build();

  public static final TableContract VOICE_CUSTOMER = TableContract.table("voice_customer",
          "one row per as-of date x customer with a verbatim in the sentiment window")
      .describe("Each customer's recent verbatim sentiment (voice.sentiment_days up to the as-of date); feeds customer_360.sentiment_180d.")
      .column("as_of_date", "date", "As-of date").notNull()
      .column("customer_key", "string", "Pseudonymous customer key").notNull()
      .column("verbatims", "bigint", "Verbatims in the window").notNull().min(1)
      .column("sentiment_mean", "double", "Mean sentiment score in the window").notNull().range(-1, 1)
      .column("negative_verbatims", "bigint", "Verbatims with negative sentiment").notNull().min(0)
      .column("latest_sentiment", "string", "Sentiment label of the latest verbatim").notNull()
      .key("as_of_date", "customer_key").zorderBy("as_of_date")
      .build();

  public static final TableContract VOICE_MODEL = TableContract.table("voice_model",
          "one row per fit of the voice models")
      .describe("Each fit of the sentiment model and the per-language topic models: when, on what, with which settings, and where the models are saved. Between fits (voice.refit_days, voice.refit_growth), new and changed texts are scored with the latest fit's models; the fit's topics label voice_response and voice_topic.")
      .column("run_id", "string", "Run that fitted the models (voice_response.model_run_id)").notNull()
      .column("as_of_date", "date", "The models learned from texts up to this day").notNull()
      .column("fitted_at", "timestamp", "When the fit was recorded (UTC)").notNull()
      .column("texts", "bigint", "Texts up to the as-of date when the models were fitted").notNull().min(1)
      .column("sentiment_training_texts", "bigint", "Weakly labelled texts the sentiment model learned from (0: lexicon only)").notNull().min(0)
      .column("sentiment_holdout_accuracy", "double", "Accuracy against the weak labels on the held-out fifth (null: lexicon only)").range(0, 1)
      .column("model_languages", "array<string>", "Languages scored by the learned sentiment model").notNull()
      .column("topic_k", "map<string,int>", "Topics per language that has a topic model").notNull()
      .column("settings", "string", "The voice settings the models depend on and the cxlake version; other settings refit").notNull()
      .column("model_path", "string", "Folder of the saved models (sentiment/, topics-<language>/)").notNull()
      .key("run_id").zorderBy("as_of_date")
      .build();

  public static List<TableContract> all() {
    return List.of(VOICE_RESPONSE, VOICE_TOPIC, VOICE_CUSTOMER, VOICE_MODEL);
  }
}
