package io.cxlake.text;

import static org.apache.spark.sql.functions.*;
import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.GeneratedLakehouse;
import io.cxlake.TestSpark;
import io.cxlake.cli.GoldTables;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The voice stage on generated data (scale 0.05, seed 2024) against the planted truth: every
 * planted PII value redacted and none left in any gold string column, sentiment accuracy, topic
 * purity, and the planted worst topic ranked first.
 */
class VoiceRecoveryTest {
  private static GeneratedLakehouse lake;
  private static SparkSession spark;
  private static Dataset<Row> truth;
  private static Dataset<Row> voice;

  @BeforeAll
  static void run() throws Exception {
    lake = GeneratedLakehouse.get();
    spark = TestSpark.session();
    lake.run(new VoiceStage());
    truth = spark.read().option("header", "true").csv(lake.landing.resolve("_truth/verbatims.csv").toString())
        .withColumnRenamed("language", "planted_language").cache();
    voice = spark.table(lake.gold("voice_response")).cache();
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
    for (TableContract c : GoldTables.all()) {
      String table = lake.gold(c.name());
      if (!spark.catalog().tableExists(table)) {
        continue;
      }
      Dataset<Row> t = spark.table(table);
      for (StructField f : t.schema().fields()) {
        // identifiers (hex keys, run ids) can look like digit runs and are not text
        if (f.dataType().equals(DataTypes.StringType) && !f.name().endsWith("_key") && !f.name().endsWith("_id")) {
          Column any = lit(false);
          for (String p : patterns) {
            any = any.or(col(f.name()).rlike(p));
          }
          assertEquals(0, t.where(any).count(), table + "." + f.name() + " holds PII");
        }
      }
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
    Dataset<Row> joined = truth.join(voice, col("id").equalTo(col("text_id"))).where(col("topic_key").isNotNull());
    List<Row> cells = joined.groupBy(col("planted_language"), col("topic"), col("topic_key")).count().collectAsList();
    Map<String, List<Row>> byPlanted = cells.stream().collect(Collectors.groupingBy(r -> r.getString(0) + "/" + r.getString(1)));
    long total = 0;
    long majority = 0;
    for (Map.Entry<String, List<Row>> e : byPlanted.entrySet()) {
      long n = e.getValue().stream().mapToLong(r -> r.getLong(3)).sum();
      long max = e.getValue().stream().mapToLong(r -> r.getLong(3)).max().orElse(0);
      System.out.printf("voice recovery: purity %-22s %.3f (%d texts)%n", e.getKey(), (double) max / n, n);
      total += n;
      majority += max;
    }
    double purity = (double) majority / total;
    System.out.printf("voice recovery: topic purity %.4f%n", purity);
    assertTrue(purity >= 0.7, "purity " + purity);
  }

  @Test
  void thePlantedWorstTopicRanksFirst() {
    // planted: the topic with the most negative verbatims (volume x negativity)
    Row worst = truth.where("sentiment = 'negative'").groupBy("topic").count().orderBy(col("count").desc()).first();
    Row first = spark.table(lake.gold("voice_topic"))
        .where("period_type = 'last_12_months' AND slice_type = 'all' AND pain_rank = 1").first();
    String learned = first.getAs("topic_key");
    Row majority = truth.join(voice.where(col("topic_key").equalTo(learned)), col("id").equalTo(col("text_id")))
        .groupBy("topic").count().orderBy(col("count").desc()).first();
    System.out.printf("voice recovery: top pain point %s (%s) is planted %s; planted worst %s%n", learned,
        first.getAs("topic_label"), majority.getString(0), worst.getString(0));
    assertEquals(worst.getString(0), majority.getString(0));
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
