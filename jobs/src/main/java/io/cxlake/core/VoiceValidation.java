package io.cxlake.core;

import static io.cxlake.core.ConfigLoader.fail;
import static io.cxlake.core.ConfigLoader.positive;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;

/** Validates the voice section; every error names the key and the file. */
public final class VoiceValidation {
  private VoiceValidation() {}

  static void validate(CxlakeConfig.Voice v, JsonNode t, String f) {
    if (v.languages() == null || v.languages().isEmpty()
        || !List.of("en", "es", "pt", "zh").containsAll(v.languages())) {
      fail(t, f, "voice.languages", "must list some of en, es, pt, zh, was " + v.languages());
    }
    positive(v.minLabelled(), "voice.min_labelled", t, f);
    if (v.neutralBand() == null || v.neutralBand() < 0 || v.neutralBand() >= 1) {
      fail(t, f, "voice.neutral_band", "must be 0 or more and below 1, was " + v.neutralBand());
    }
    if (v.topics() == null || v.topics() < 0 || v.topics() == 1 || v.topics() > 100) {
      fail(t, f, "voice.topics", "must be 0 (choose by perplexity) or 2..100, was " + v.topics());
    }
    List<Integer> r = v.topicRange();
    if (r == null || r.size() != 2 || r.get(0) == null || r.get(1) == null || r.get(0) < 2 || r.get(1) < r.get(0)) {
      fail(t, f, "voice.topic_range", "must be [smallest, largest] with 2 <= smallest <= largest, was " + r);
    }
    positive(v.ldaIterations(), "voice.lda_iterations", t, f);
    positive(v.topicRestarts(), "voice.topic_restarts", t, f);
    positive(v.topicSample(), "voice.topic_sample", t, f);
    positive(v.vocabulary(), "voice.vocabulary", t, f);
    positive(v.minDocFreq(), "voice.min_doc_freq", t, f);
    positive(v.minTopicDocs(), "voice.min_topic_docs", t, f);
    positive(v.sentimentDays(), "voice.sentiment_days", t, f);
    positive(v.painMinResponses(), "voice.pain_min_responses", t, f);
    if (!Set.of("sentiment", "detractors").contains(v.painNegativity())) {
      fail(t, f, "voice.pain_negativity", "must be sentiment or detractors, was '" + v.painNegativity() + "'");
    }
    if (v.seed() == null) {
      fail(t, f, "voice.seed", "must be set");
    }
  }
}
