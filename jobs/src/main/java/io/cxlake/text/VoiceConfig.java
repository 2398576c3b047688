package io.cxlake.text;

import java.util.List;
import java.util.Set;
import io.cxlake.core.ConfigCheck;
import io.cxlake.core.ConfigSection;

/** Voice of the customer (SPEC §8.6); docs/voice.md. */
public record VoiceConfig(
    /* Languages with their own tokenization and stop words (en, es, pt; zh by character bigrams); others use en rules. */
    java.util.List<String> languages,
    /* A language with fewer weakly labelled texts gets lexicon sentiment instead of the learned model. */
    Integer minLabelled,
    /* Sentiment scores within ±this are neutral (lexicon); the model labels by its most likely class. */
    Double neutralBand,
    /* LDA topics per language; 0 = choose k by held-out perplexity over topic_range. */
    Integer topics,
    /* Smallest and largest k tried when topics is 0. */
    java.util.List<Integer> topicRange,
    /* LDA iterations (online variational Bayes, whole corpus per iteration). */
    Integer ldaIterations,
    /* LDA fits from different seeds; the highest log likelihood wins. */
    Integer topicRestarts,
    /* LDA is fitted on at most this many texts per language (every text is then assigned). */
    Integer topicSample,
    /* Vocabulary size per language. */
    Integer vocabulary,
    /* A term must occur in at least this many texts. */
    Integer minDocFreq,
    /* A language needs this many texts for its own topics. */
    Integer minTopicDocs,
    /* customer_360 sentiment: mean of the customer's verbatims of the last this many days. */
    Integer sentimentDays,
    /* Topic-periods with fewer texts are flagged low_confidence. */
    Integer painMinResponses,
    /* Negativity of the pain score (texts × negativity): sentiment (share of negative texts) | detractors (share of NPS 0-6). */
    String painNegativity,
    /* Seed of splits and LDA. */
    Integer seed,
    /* Refit the sentiment and topic models when the as-of date is this many days after the last fit; 0 = every run. */
    Integer refitDays,
    /* Refit when the texts added since the last fit exceed this share of the texts it learned from. */
    Double refitGrowth) {

  /** The "voice" section of conf/cxlake.yaml. */
  public static final ConfigSection<VoiceConfig> SECTION = new ConfigSection<>("voice", VoiceConfig.class, VoiceConfig::validate);

  static void validate(VoiceConfig c, ConfigCheck check) {
    if (c.languages() == null || c.languages().isEmpty()
        || !List.of("en", "es", "pt", "zh").containsAll(c.languages())) {
      check.fail("voice.languages", "must list some of en, es, pt, zh, was " + c.languages());
    }
    check.positive(c.minLabelled(), "voice.min_labelled");
    if (c.neutralBand() == null || c.neutralBand() < 0 || c.neutralBand() >= 1) {
      check.fail("voice.neutral_band", "must be 0 or more and below 1, was " + c.neutralBand());
    }
    if (c.topics() == null || c.topics() < 0 || c.topics() == 1 || c.topics() > 100) {
      check.fail("voice.topics", "must be 0 (choose by perplexity) or 2..100, was " + c.topics());
    }
    List<Integer> r = c.topicRange();
    if (r == null || r.size() != 2 || r.get(0) == null || r.get(1) == null || r.get(0) < 2 || r.get(1) < r.get(0)) {
      check.fail("voice.topic_range", "must be [smallest, largest] with 2 <= smallest <= largest, was " + r);
    }
    check.positive(c.ldaIterations(), "voice.lda_iterations");
    check.positive(c.topicRestarts(), "voice.topic_restarts");
    check.positive(c.topicSample(), "voice.topic_sample");
    check.positive(c.vocabulary(), "voice.vocabulary");
    check.positive(c.minDocFreq(), "voice.min_doc_freq");
    check.positive(c.minTopicDocs(), "voice.min_topic_docs");
    check.positive(c.sentimentDays(), "voice.sentiment_days");
    check.positive(c.painMinResponses(), "voice.pain_min_responses");
    if (!Set.of("sentiment", "detractors").contains(c.painNegativity())) {
      check.fail("voice.pain_negativity", "must be sentiment or detractors, was '" + c.painNegativity() + "'");
    }
    if (c.seed() == null) {
      check.fail("voice.seed", "must be set");
    }
    if (c.refitDays() == null || c.refitDays() < 0) {
      check.fail("voice.refit_days", "must be 0 (refit on every run) or more, was " + c.refitDays());
    }
    if (c.refitGrowth() == null || !(c.refitGrowth() >= 0)) {
      check.fail("voice.refit_growth", "must be 0 or more (a share: 0.2 = 20% more texts), was " + c.refitGrowth());
    }
  }
}
