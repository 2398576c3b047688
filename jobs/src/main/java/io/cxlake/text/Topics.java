package io.cxlake.text;

import static org.apache.spark.sql.functions.*;

import io.cxlake.core.CxlakeConfig;
import io.cxlake.core.Progress;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.clustering.LDA;
import org.apache.spark.ml.clustering.LDAModel;
import org.apache.spark.ml.feature.CountVectorizerModel;
import org.apache.spark.ml.feature.StopWordsRemover;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * LDA topics per language (a topic model across languages would split topics by language
 * instead of by subject): term counts of the tokens without sentiment words, k topics (fixed,
 * or the k of voice.topic_range with the lowest held-out perplexity), a label from each topic's
 * top terms, and each text's topic mix and dominant topic.
 */
public final class Topics {
  private Topics() {}

  /** One learned topic. key = language-number, e.g. en-3. */
  public record Topic(String key, String language, int number, String label, List<String> terms, List<Double> weights) {}

  /**
   * One language's fitted topic model as a pipeline from a text's words to its topic mix: the
   * sentiment terms left out (StopWordsRemover: words → content), the vocabulary
   * (CountVectorizerModel: content → counts) and the LDA model (counts → topicDistribution).
   * Saved with the fit, it assigns topics to texts that come later.
   */
  public record LanguageModel(String language, PipelineModel pipeline) {
    String[] vocabulary() {
      return ((CountVectorizerModel) pipeline.stages()[1]).vocabulary();
    }

    LDAModel lda() {
      return (LDAModel) pipeline.stages()[2];
    }

    /** The topics with their labels and eight top terms. */
    List<Topic> topics() {
      String[] vocab = vocabulary();
      List<Topic> out = new ArrayList<>();
      for (Row t : lda().describeTopics(8).collectAsList()) {
        int number = t.getInt(0) + 1;
        List<Integer> idx = t.getList(1);
        List<Double> w = t.getList(2);
        List<String> terms = idx.stream().map(i -> vocab[i]).toList();
        out.add(new Topic(language + "-" + number, language, number,
            String.join(" / ", terms.subList(0, Math.min(3, terms.size()))), terms, w));
      }
      return out;
    }
  }

  /**
   * assigned: id, topic_key, topic_mix (array<double>); languages without enough texts have no
   * rows. {@code models}: one per language with topics, to be saved.
   */
  public record Result(Dataset<Row> assigned, List<Topic> topics, java.util.Map<String, Integer> k,
      List<Dataset<Row>> cached, List<LanguageModel> models) {
    /** Frees the persisted topic assignments; call once {@link #assigned} is written. */
    public void release() {
      cached.forEach(Dataset::unpersist);
    }
  }

  /**
   * A term whose texts nearly lack one of the sentiment classes (its share of that class is below
   * this fraction of the class's overall share) says how the writer felt, not what about: "awful",
   * "keeps getting worse", "ok", "amazing experience". Such terms are left out of the topic model.
   */
  static final double SENTIMENT_RATIO = 0.25;

  /**
   * Per language, the terms associated with sentiment: among weakly labelled texts, min over the
   * classes of P(class | term) / P(class) below {@link #SENTIMENT_RATIO}.
   */
  static java.util.Map<String, List<String>> sentimentTerms(Dataset<Row> texts, int minDocs) {
    Dataset<Row> labelled = texts.where(col("label").isNotNull());
    Dataset<Row> base = labelled.groupBy("language", "label").count()
        .withColumn("base", col("count").divide(sum("count").over(
            org.apache.spark.sql.expressions.Window.partitionBy("language")))).drop("count");
    Dataset<Row> perTerm = labelled.select(col("language"), col("label"), explode(array_distinct(col("tokens"))).as("term"))
        .groupBy("language", "term", "label").count();
    Dataset<Row> classes = base.select("language", "label");
    List<Row> rows = perTerm.groupBy("language", "term").agg(sum("count").as("docs"))
        .where(col("docs").geq(minDocs))
        .join(classes, "language")
        .join(perTerm, new String[] {"language", "term", "label"}, "left")
        .join(base, new String[] {"language", "label"})
        .withColumn("ratio", coalesce(col("count"), lit(0L)).divide(col("docs")).divide(col("base")))
        .groupBy("language", "term").agg(min("ratio").as("min_ratio"))
        .where(col("min_ratio").lt(SENTIMENT_RATIO))
        .select("language", "term").collectAsList();
    java.util.Map<String, List<String>> out = new java.util.HashMap<>();
    rows.forEach(r -> out.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(r.getString(1)));
    return out;
  }

  /**
   * @param texts id, language, tokens, label (weak sentiment label or null)
   */
  public static Result fit(Dataset<Row> texts, VoiceConfig cfg) {
    List<Topic> topics = new ArrayList<>();
    java.util.Map<String, Integer> ks = new java.util.LinkedHashMap<>();
    List<Dataset<Row>> assigned = new ArrayList<>();
    List<LanguageModel> models = new ArrayList<>();
    java.util.Map<String, List<String>> sentimentTerms = sentimentTerms(texts, cfg.minDocFreq());
    Dataset<Row> docs = words(texts);
    // a fixed number, not the input's: AQE leaves a repartition to a given number as it is
    int partitions = texts.sparkSession().sessionState().conf().numShufflePartitions();
    List<Row> sizes = docs.groupBy("language").count().orderBy(col("count").desc()).collectAsList();
    for (Row size : sizes) {
      String lang = size.getString(0);
      if (lang == null || size.getLong(1) < cfg.minTopicDocs()) {
        continue;
      }
      List<String> drop = sentimentTerms.getOrDefault(lang, List.of());
      Progress.info("topics {}: {} sentiment terms left out, e.g. {}", lang, drop.size(),
          drop.stream().sorted().limit(12).toList());
      // A hash-set filter (StopWordsRemover), not a literal list in the plan: the sentiment terms
      // grow with the vocabulary, and checking each token against a list would be O(tokens x terms).
      StopWordsRemover remover = new StopWordsRemover().setInputCol("words").setOutputCol("content")
          .setStopWords(drop.toArray(new String[0])).setCaseSensitive(true);
      Dataset<Row> language = docs.where(col("language").equalTo(lang)).select("id", "words");
      Dataset<Row> one = remover.transform(language).select("id", "content")
          // Online LDA seeds each partition's document initialisation with seed + partition index,
          // so the same texts in other files would get other topics: a fixed layout by text id.
          .repartition(partitions, col("id")).sortWithinPartitions("id");
      String[] vocab = vocabulary(one, cfg.vocabulary(), cfg.minDocFreq());
      if (vocab.length == 0) {
        Progress.info("topics {}: no term occurs in {} texts; no topics", lang, cfg.minDocFreq());
        continue;
      }
      CountVectorizerModel cv = new CountVectorizerModel(vocab).setInputCol("content").setOutputCol("counts");
      Dataset<Row> vectors = cv.transform(one).persist(StorageLevel.MEMORY_AND_DISK());
      try {
        // LDA learns from words that occur together; a text with one content word has nothing to
        // teach it (it is still assigned below)
        Dataset<Row> learning = vectors.where(size(col("content")).geq(2));
        int k = cfg.topics() > 0 ? cfg.topics() : chooseK(learning, cfg);
        LDAModel lda = bestOf(learning, k, cfg, lang);
        // no estimator among the stages: fit only checks the columns and puts the three together
        LanguageModel model = new LanguageModel(lang,
            new Pipeline().setStages(new PipelineStage[] {remover, cv, lda}).fit(language));
        ks.put(lang, k);
        models.add(model);
        topics.addAll(model.topics());
        Dataset<Row> a = mix(lda.transform(vectors), lang)
            // the fitted model's transform is not cheap to recompute per consumer; persisted (not
            // a local checkpoint) so that a lost executor's blocks are recomputed from lineage
            .persist(StorageLevel.MEMORY_AND_DISK());
        a.count();
        assigned.add(a);
      } finally {
        vectors.unpersist();
      }
    }
    return new Result(union(assigned), topics, ks, assigned, models);
  }

  /**
   * Topics of texts from models fitted earlier; texts of a language without a model get none.
   *
   * @param texts id, language, tokens
   */
  public static Result assign(Dataset<Row> texts, List<LanguageModel> models) {
    Dataset<Row> docs = words(texts);
    List<Dataset<Row>> assigned = new ArrayList<>();
    List<Topic> topics = new ArrayList<>();
    java.util.Map<String, Integer> ks = new java.util.LinkedHashMap<>();
    for (LanguageModel m : models) {
      Dataset<Row> a = mix(m.pipeline().transform(docs.where(col("language").equalTo(m.language())).select("id", "words")),
          m.language()).persist(StorageLevel.MEMORY_AND_DISK());
      assigned.add(a);
      topics.addAll(m.topics());
      ks.put(m.language(), m.lda().getK());
    }
    return new Result(union(assigned), topics, ks, assigned, models);
  }

  /** The tokens without sentiment lexicon words: what topic models learn from. */
  private static Dataset<Row> words(Dataset<Row> texts) {
    return texts.withColumn("words", TextPrep.without(col("tokens"), Lexicon.all()));
  }

  /** id, topic_mix and the dominant topic_key from an LDA model's topicDistribution. */
  private static Dataset<Row> mix(Dataset<Row> distributions, String lang) {
    return distributions
        .withColumn("topic_mix", org.apache.spark.ml.functions.vector_to_array(col("topicDistribution"), "float64"))
        .withColumn("topic_key", concat(lit(lang + "-"),
            array_position(col("topic_mix"), array_max(col("topic_mix"))).cast("string")))
        .select("id", "topic_key", "topic_mix");
  }

  private static Dataset<Row> union(List<Dataset<Row>> parts) {
    return parts.stream().reduce(Dataset::unionByName).orElse(null);
  }

  /**
   * The at most {@code size} terms that occur in at least {@code minDocs} texts, by occurrences
   * and then by term. CountVectorizer orders by occurrences alone, so equally frequent terms (and
   * the cut at the size) came in partition order, and a term's index decides which column of
   * LDA's random initial topics it gets. Bounded by the configured size, so collecting it is safe.
   */
  static String[] vocabulary(Dataset<Row> docs, int size, int minDocs) {
    return docs.select(col("id"), explode(col("content")).as("term"))
        .groupBy("id", "term").count()
        .groupBy("term").agg(sum("count").as("occurrences"), count(lit(1)).as("texts"))
        .where(col("texts").geq(minDocs))
        .orderBy(col("occurrences").desc(), col("term"))
        .limit(size)
        .select("term").as(org.apache.spark.sql.Encoders.STRING()).collectAsList()
        .toArray(new String[0]);
  }

  /**
   * LDA's likelihood has many local optima, and on short texts a single fit often merges two
   * subjects: voice.topic_restarts fits from different seeds (in parallel threads, on a sample of
   * at most voice.topic_sample texts) and the one with the highest log likelihood wins.
   */
  static LDAModel bestOf(Dataset<Row> vectors, int k, VoiceConfig cfg, String lang) {
    long n = vectors.count();
    Dataset<Row> sample = n <= cfg.topicSample() ? vectors
        : vectors.where(pmod(xxhash64(col("id"), lit((long) cfg.seed())), lit(1_000_000L))
            .lt(1_000_000L * cfg.topicSample() / n));
    List<Integer> seeds = new ArrayList<>();
    for (int r = 0; r < cfg.topicRestarts(); r++) {
      seeds.add(cfg.seed() + r);
    }
    LdaCorpus corpus = LdaCorpus.of(sample, "counts");
    List<LDAModel> fits = io.cxlake.platform.Parallel.map(seeds, seed -> corpus.fit(lda(k, cfg).setSeed(seed)));
    LDAModel best = null;
    double bestLl = Double.NEGATIVE_INFINITY;
    for (int r = 0; r < fits.size(); r++) {
      double ll = fits.size() == 1 ? 0 : fits.get(r).logLikelihood(sample);
      if (best == null || ll > bestLl) {
        best = fits.get(r);
        bestLl = ll;
      }
    }
    Progress.info("topics {}: best of {} fits on {} of {} texts{}", lang, fits.size(), Math.min(n, cfg.topicSample()), n,
        corpus.onDriver() ? " (on the driver)" : "");
    return best;
  }

  private static LDA lda(int k, VoiceConfig cfg) {
    // Verbatims are short and mostly about one thing: small concentrations make topic mixes and
    // topics sparse; each iteration draws a mini-batch the size of the corpus (a Poisson resample;
    // online LDA's default is 5%).
    return new LDA().setK(k).setMaxIter(cfg.ldaIterations()).setSeed(cfg.seed()).setOptimizer("online")
        .setSubsamplingRate(1.0).setDocConcentration(new double[] {0.05}).setTopicConcentration(0.01)
        .setFeaturesCol("counts");
  }

  /** The k of voice.topic_range with the lowest perplexity on a held-out fifth. */
  static int chooseK(Dataset<Row> vectors, VoiceConfig cfg) {
    Dataset<Row> train = vectors.where(pmod(xxhash64(col("id"), lit((long) cfg.seed())), lit(5)).notEqual(0));
    Dataset<Row> test = vectors.where(pmod(xxhash64(col("id"), lit((long) cfg.seed())), lit(5)).equalTo(0));
    int best = cfg.topicRange().get(0);
    double bestPerplexity = Double.POSITIVE_INFINITY;
    LdaCorpus corpus = LdaCorpus.of(train, "counts");
    for (int k = cfg.topicRange().get(0); k <= cfg.topicRange().get(1); k++) {
      double perplexity = corpus.fit(lda(k, cfg)).logPerplexity(test);
      Progress.info("topics: k = {} held-out log perplexity {}", k, String.format("%.4f", perplexity));
      if (perplexity < bestPerplexity) {
        bestPerplexity = perplexity;
        best = k;
      }
    }
    return best;
  }
}
