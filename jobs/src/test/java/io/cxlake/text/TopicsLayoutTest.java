package io.cxlake.text;

import static org.apache.spark.sql.functions.*;
import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * SPEC §11 "re-runs are identical": the same texts give the same topics however they are laid
 * out in files. A healed run reads equal rows from other files (KillAndHealIT found 75 of 1,781
 * responses in another topic before the layout and the vocabulary order were fixed).
 */
class TopicsLayoutTest {
  /** Three subjects' vocabularies (LdaCorpusTest writes its texts from them too). */
  static final String[][] SUBJECTS = {
      {"courier", "parcel", "delivery", "tracking", "driver", "doorstep", "box", "depot"},
      {"bank", "charge", "refund", "invoice", "price", "card", "billing", "payment"},
      {"app", "login", "password", "screen", "update", "crash", "button", "account"}};

  /** 900 texts, 300 per subject, each 4-7 words of its subject and one word of another. */
  private static Dataset<Row> texts() {
    Random random = new Random(11);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 900; i++) {
      String[] subject = SUBJECTS[i % 3];
      List<String> words = new ArrayList<>();
      int n = 4 + random.nextInt(4);
      for (int w = 0; w < n; w++) {
        words.add(subject[random.nextInt(subject.length)]);
      }
      String[] other = SUBJECTS[(i + 1) % 3];
      words.add(other[random.nextInt(other.length)]);
      rows.add(RowFactory.create(String.format("T%04d", i), "en", words, null));
    }
    return TestSpark.session().createDataFrame(rows, new StructType().add("id", "string").add("language", "string")
        .add("tokens", DataTypes.createArrayType(DataTypes.StringType)).add("label", "string"));
  }

  private static VoiceConfig config() {
    return new VoiceConfig(List.of("en"), 300, 0.2, 3, List.of(2, 4), 30, 2, 10_000, 200, 3, 100, 180, 20,
        "sentiment", 42, 28, 0.2);
  }

  private static Map<String, String> assignments(Topics.Result result) {
    return result.assigned().select("id", "topic_key").collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.getString(1)));
  }

  @Test
  void theSameTextsInAnotherLayoutGetTheSameTopics() {
    Dataset<Row> texts = texts();
    Topics.Result oneFile = Topics.fit(texts.coalesce(1).sortWithinPartitions("id"), config());
    Topics.Result sevenFiles = Topics.fit(texts.orderBy(rand(3)).repartition(7), config());
    try {
      assertEquals(3, oneFile.topics().size());
      assertEquals(oneFile.topics().stream().map(t -> t.key() + " " + t.terms()).toList(),
          sevenFiles.topics().stream().map(t -> t.key() + " " + t.terms()).toList(), "topics and their top terms");
      for (int t = 0; t < 3; t++) {
        List<Double> a = oneFile.topics().get(t).weights();
        List<Double> b = sevenFiles.topics().get(t).weights();
        for (int w = 0; w < a.size(); w++) {
          assertEquals(a.get(w), b.get(w), 1e-9, "weight " + w + " of topic " + (t + 1));
        }
      }
      Map<String, String> a = assignments(oneFile);
      Map<String, String> b = assignments(sevenFiles);
      assertEquals(900, a.size());
      assertEquals(a, b, "every text's topic");
      // the topics found are the subjects: each subject's texts share one dominant topic
      for (int s = 0; s < 3; s++) {
        int subject = s;
        long distinct = a.entrySet().stream().filter(e -> Integer.parseInt(e.getKey().substring(1)) % 3 == subject)
            .map(Map.Entry::getValue).distinct().count();
        assertEquals(1, distinct, "texts of subject " + s + " fall in one topic");
      }
    } finally {
      oneFile.release();
      sevenFiles.release();
    }
  }

  @Test
  void vocabularyBreaksTiesByTerm() {
    Dataset<Row> docs = TestSpark.session().createDataFrame(List.of(
        RowFactory.create("a", List.of("zeta", "alpha", "beta", "beta")),
        RowFactory.create("b", List.of("zeta", "alpha", "beta", "gamma")),
        RowFactory.create("c", List.of("alpha", "zeta", "gamma"))),
        new StructType().add("id", "string").add("content", DataTypes.createArrayType(DataTypes.StringType)));
    // alpha, beta and zeta occur 3 times each (a tie, broken by term), gamma twice
    assertArrayEquals(new String[] {"alpha", "beta", "zeta", "gamma"}, Topics.vocabulary(docs, 10, 2));
    assertArrayEquals(new String[] {"alpha", "beta"}, Topics.vocabulary(docs, 2, 2), "the cut at the size");
    assertArrayEquals(new String[] {"alpha", "zeta"}, Topics.vocabulary(docs, 10, 3), "at least 3 texts");
  }
}
