package io.cxlake.text;

import static org.apache.spark.sql.functions.*;

import io.cxlake.core.CxlakeConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.feature.CountVectorizer;
import org.apache.spark.ml.feature.IDF;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Sentiment learned from the scores as weak labels: promoters (NPS 9-10) and review ratings 4-5
 * are positive, passives (7-8) and ratings 3 neutral, detractors (0-6) and ratings 1-2 negative.
 * TF-IDF of words and word bigrams feed a multinomial logistic regression; score = P(positive) −
 * P(negative) in −1…1, label = the most likely class. Languages with fewer labelled texts than
 * voice.min_labelled get the lexicon score instead (docs/voice.md#sentiment).
 */
public final class Sentiment {
  private Sentiment() {}

  static final String[] LABELS = {"negative", "neutral", "positive"};

  /**
   * A fitted sentiment scorer: the TF-IDF and logistic regression pipeline of the languages with
   * enough weakly labelled texts ({@code modelled}; null pipeline when there are none); every
   * other language gets the lexicon score.
   */
  public record Model(PipelineModel pipeline, List<String> modelled) {}

  /**
   * @param scored          the input rows plus sentiment_score, sentiment_label, sentiment_method (model | lexicon)
   * @param holdoutAccuracy accuracy against the weak labels on the held-out fifth of the labelled texts (NaN without a model)
   * @param model           what scored them, to be saved for texts that come later
   */
  public record Result(Dataset<Row> scored, double holdoutAccuracy, long holdoutRows, long trainingRows,
      List<String> lexiconLanguages, Model model) {}

  /** Weak label 0 (negative), 1 (neutral), 2 (positive) from the NPS of a survey or the rating of a review. */
  public static Column weakLabel(Column nps, Column rating) {
    return when(nps.geq(9), 2.0).when(nps.geq(7), 1.0).when(nps.isNotNull(), 0.0)
        .when(rating.geq(4), 2.0).when(rating.equalTo(3), 1.0).when(rating.isNotNull(), 0.0);
  }

  /** Words and word bigrams. */
  static Column terms(Column tokens) {
    Column bigrams = transform(sequence(lit(1), greatest(size(tokens).minus(1), lit(1))),
        i -> concat(element_at(tokens, i), lit(" "), element_at(tokens, i.plus(1))));
    return when(size(tokens).geq(2), concat(tokens, bigrams)).otherwise(tokens);
  }

  private static Column heldOut(VoiceConfig cfg) {
    return pmod(xxhash64(col("id"), lit((long) cfg.seed())), lit(5)).equalTo(0);
  }

  /**
   * Fits the model on the weakly labelled texts (all but a held-out fifth) and scores every text.
   *
   * @param texts id, language, tokens (array), label (weak label or null)
   * @param cache keeps the predictions until the caller has written them
   */
  public static Result score(Dataset<Row> texts, VoiceConfig cfg, io.cxlake.platform.CacheScope cache) {
    List<Row> counts = texts.where(col("label").isNotNull()).groupBy("language").count().collectAsList();
    List<String> modelled = new ArrayList<>();
    List<String> lexicon = new ArrayList<>();
    for (Row r : counts) {
      (r.getLong(1) >= cfg.minLabelled() ? modelled : lexicon).add(r.getString(0));
    }
    if (modelled.isEmpty()) {
      Model none = new Model(null, List.of());
      return new Result(apply(texts, none, cfg), Double.NaN, 0, 0, lexicon, none);
    }
    Dataset<Row> withTerms = texts.withColumn("terms", terms(col("tokens")));
    Dataset<Row> train = withTerms.where(col("label").isNotNull().and(col("language").isin(modelled.toArray()))
        .and(not(heldOut(cfg))));
    Model model = new Model(new Pipeline().setStages(new PipelineStage[] {
        new CountVectorizer().setInputCol("terms").setOutputCol("tf").setVocabSize(50_000).setMinDF(2),
        new IDF().setInputCol("tf").setOutputCol("features"),
        new LogisticRegression().setFamily("multinomial").setLabelCol("label").setFeaturesCol("features")
            .setRegParam(0.01).setElasticNetParam(0).setMaxIter(100)}).fit(train), List.copyOf(modelled));
    // kept: the held-out accuracy and the write both read the predictions
    Dataset<Row> predicted = cache.keep(predict(withTerms, model));
    Row acc = predicted.where(heldOut(cfg).and(col("label").isNotNull()).and(col("language").isin(modelled.toArray())))
        .agg(avg(when(col("prediction").equalTo(col("label")), 1.0).otherwise(0.0)), count(lit(1))).first();
    long trainRows = train.count();
    return new Result(label(predicted, model, cfg), acc.isNullAt(0) ? Double.NaN : acc.getDouble(0), acc.getLong(1),
        trainRows, lexicon, model);
  }

  /**
   * Scores texts with a model fitted earlier: its languages get its prediction, the others the
   * lexicon (a language it has not seen included).
   *
   * @param texts id, language, tokens (array)
   */
  public static Dataset<Row> apply(Dataset<Row> texts, Model model, VoiceConfig cfg) {
    if (model.pipeline() == null) {
      return label(texts, model, cfg);
    }
    return label(predict(texts.withColumn("terms", terms(col("tokens"))), model), model, cfg);
  }

  private static Dataset<Row> predict(Dataset<Row> withTerms, Model model) {
    return model.pipeline().transform(withTerms)
        .withColumn("p", org.apache.spark.ml.functions.vector_to_array(col("probability"), "float64"));
  }

  /** sentiment_score, sentiment_label and sentiment_method from the prediction (modelled languages) or the lexicon. */
  private static Dataset<Row> label(Dataset<Row> rows, Model model, VoiceConfig cfg) {
    Column lexScore = Lexicon.score(col("tokens"), col("language"));
    Column lexLabel = when(lexScore.gt(cfg.neutralBand()), "positive").when(lexScore.lt(-cfg.neutralBand()), "negative")
        .otherwise("neutral");
    if (model.pipeline() == null) {
      return rows.withColumn("sentiment_score", lexScore).withColumn("sentiment_label", lexLabel)
          .withColumn("sentiment_method", lit("lexicon"));
    }
    Column isModelled = col("language").isin(model.modelled().toArray());
    Column modelScore = element_at(col("p"), 3).minus(element_at(col("p"), 1));
    Column modelLabel = element_at(array(lit(LABELS[0]), lit(LABELS[1]), lit(LABELS[2])),
        col("prediction").cast("int").plus(1));
    return rows
        .withColumn("sentiment_score", when(isModelled, modelScore).otherwise(lexScore))
        .withColumn("sentiment_label", when(isModelled, modelLabel).otherwise(lexLabel))
        .withColumn("sentiment_method", when(isModelled, lit("model")).otherwise(lit("lexicon")))
        .drop("terms", "tf", "features", "rawPrediction", "probability", "prediction", "p");
  }
}
