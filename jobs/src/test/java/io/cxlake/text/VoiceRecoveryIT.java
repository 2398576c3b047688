package io.cxlake.text;

import io.cxlake.pipeline.Modules;
import static org.apache.spark.sql.functions.*;
import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.GeneratedLakehouse;
import io.cxlake.TestSpark;
import io.cxlake.contract.ContractAssert;
import io.cxlake.contract.TableContract;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The voice stage on generated data (scale 0.05, seed 2024) against the planted truth: every
 * planted PII value redacted and none left in any gold string column, sentiment accuracy against
 * the planted sentiment, topics for every language, a consistent pain ranking, and the sentiment
 * in customer_360.
 */
class VoiceRecoveryIT {
  private static GeneratedLakehouse lake;
  private static SparkSession spark;
  private static Dataset<Row> truth;
  private static Dataset<Row> voice;

  @BeforeAll
  static void run() throws Exception {
    lake = GeneratedLakehouse.get();
    spark = TestSpark.session();
    // The production settings (best of four LDA fits): the purity and ranking asserted here are
    // what a user gets.
    io.cxlake.core.JobContext ctx = lake.context("");
    io.cxlake.core.JobRunner.run(ctx, TestSpark.plan("voice"))
        .forEach(o -> assertEquals("success", o.status(), o.stage() + ": " + o.error()));
    truth = spark.read().option("header", "true").csv(lake.localLanding.resolve("_truth/verbatims.csv").toString())
        .withColumnRenamed("language", "planted_language").cache();
    voice = spark.table(lake.gold("voice_response")).cache();
  }

  @AfterAll
  static void release() {
    // the suite shares one session: cached tables of one class would crowd the next ones
    truth.unpersist();
    voice.unpersist();
  }

  @Test
  void everyPlantedPiiIsRedactedAndNoneReachesGold() {
    List<Row> planted = truth.where(col("pii").isNotNull()).groupBy("pii").count().collectAsList();
    assertEquals(5, planted.size(), "all five PII types are planted");
    for (Row p : planted) {
      String type = p.getString(0);
      long caught = truth.where(col("pii").equalTo(type)).join(voice, col("id").equalTo(col("text_id")))
          .where(col("redacted_" + type).gt(0).and(col("text_redacted").contains("[" + type.toUpperCase() + "]"))).count();
      System.out.printf("voice recovery: PII %s planted %d, redacted %d%n", type, p.getLong(1), caught);
      assertEquals(p.getLong(1), caught, type);
    }
    // scan every string column of every gold table for what the generator plants
    String[] patterns = {Redaction.EMAIL, Redaction.IBAN, Redaction.CARD, "\\+44 20 7946 [0-9]{4}",
        "(?i)regards, \\p{Lu}\\p{Ll}+"};
    for (TableContract c : Modules.registry().contracts()) {
      String table = lake.gold(c.name());
      if (!spark.catalog().tableExists(table)) {
        continue;
      }
      Dataset<Row> t = spark.table(table);
      Column any = lit(false);
      List<String> scanned = new java.util.ArrayList<>();
      for (StructField f : t.schema().fields()) {
        // identifiers (hex keys, run ids) can look like digit runs and are not text
        if (f.dataType().equals(DataTypes.StringType) && !f.name().endsWith("_key") && !f.name().endsWith("_id")) {
          scanned.add(f.name());
          for (String p : patterns) {
            any = any.or(coalesce(col(f.name()).rlike(p), lit(false)));
          }
        }
      }
      assertEquals(0, t.where(any).count(), table + " holds PII in one of " + scanned);
    }
  }

  @Test
  void sentimentMatchesThePlantedSentiment() {
    Row r = truth.join(voice, col("id").equalTo(col("text_id")))
        .agg(avg(when(col("sentiment").equalTo(col("sentiment_label")), 1.0).otherwise(0.0)), count(lit(1))).first();
    System.out.printf("voice recovery: sentiment accuracy %.4f on %d texts%n", r.getDouble(0), r.getLong(1));
    assertEquals(truth.count(), r.getLong(1), "every planted verbatim is in voice_response");
    assertTrue(r.getDouble(0) >= 0.80, "accuracy " + r.getDouble(0));
    assertEquals(0, voice.where("sentiment_method = 'lexicon' AND language IN ('en', 'es', 'pt')").count());
  }

  @Test
  void plantedTopicsMostlyShareOneLearnedTopic() {
    // per language (each has its own topic model): the share of a planted topic's texts in its most common learned topic
    List<Row> cells = truth.join(voice, col("id").equalTo(col("text_id"))).where(col("topic_key").isNotNull())
        .groupBy(col("planted_language"), col("topic"), col("topic_key")).count().collectAsList();
    Map<String, List<Row>> byPlanted = cells.stream().collect(Collectors.groupingBy(r -> r.getString(0) + "/" + r.getString(1)));
    long total = 0;
    long majority = 0;
    for (List<Row> rows : byPlanted.values()) {
      total += rows.stream().mapToLong(r -> r.getLong(3)).sum();
      majority += rows.stream().mapToLong(r -> r.getLong(3)).max().orElse(0);
    }
    double purity = (double) majority / total;
    System.out.printf("voice recovery: topic purity %.4f over %d planted language-topics%n", purity, byPlanted.size());
    assertEquals(18, byPlanted.size(), "6 planted topics in 3 languages");
    assertTrue(purity >= 0.7, "purity " + purity);
  }

  @Test
  void everyTextWithEnoughLanguageDataHasATopicAndTheRankingIsConsistent() {
    // each language of the generator has enough texts for its own topic model
    assertEquals(0, voice.where("topic_key IS NULL").count());
    assertEquals(3, voice.select("language").where("language IN ('en', 'es', 'pt')").distinct().count());
    Dataset<Row> pain = spark.table(lake.gold("voice_topic")).where("period_type = 'last_12_months' AND slice_type = 'all'");
    long topics = pain.count();
    assertEquals(topics, pain.select("pain_rank").distinct().count(), "ranks 1..n without ties");
    Row first = pain.orderBy("pain_rank").first();
    Row max = pain.agg(max("pain_score")).first();
    assertEquals(max.getDouble(0), first.<Double>getAs("pain_score"), 1e-9);
    // the pain score is texts x share negative
    pain.collectAsList().forEach(r -> assertEquals(r.<Long>getAs("texts") * r.<Double>getAs("negative_pct") / 100,
        r.<Double>getAs("pain_score"), 1e-6));
  }

  @Test
  void thePainRankingPutsThePlantedWorstTopicFirst() {
    String worst = lake.truth.at("/voice/worst_topic").asText();
    Row first = spark.table(lake.gold("voice_topic")).where("period_type = 'last_12_months' AND slice_type = 'all'")
        .orderBy("pain_rank").first();
    // What the texts of the top-ranked learned topic were planted about.
    List<Row> planted = truth.join(voice, col("id").equalTo(col("text_id")))
        .where(col("topic_key").equalTo(first.<String>getAs("topic_key")))
        .groupBy("topic").count().orderBy(col("count").desc()).collectAsList();
    long texts = planted.stream().mapToLong(r -> r.getLong(1)).sum();
    System.out.printf("voice recovery: pain rank 1 = %s (%s), planted topics of its texts %s%n",
        first.<String>getAs("topic_key"), first.<String>getAs("topic_label"), planted);
    assertEquals(worst, planted.get(0).getString(0), "rank 1 " + first + " holds " + planted);
    assertTrue(planted.get(0).getLong(1) >= 0.6 * texts, planted.toString());
  }

  @Test
  void tablesCarryContractsAndSentimentReachesCustomer360() {
    for (TableContract c : VoiceContracts.all()) {
      ContractAssert.carries(spark, lake.gold(c.name()), c);
    }
    long withSentiment = spark.table(lake.gold("customer_360")).where("sentiment IS NOT NULL").count();
    long customers = spark.table(lake.gold("voice_customer")).count();
    assertTrue(customers > 0);
    assertEquals(customers, withSentiment);
  }
}
