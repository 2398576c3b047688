package io.cxlake.examples;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import io.cxlake.core.JobContext;
import io.cxlake.core.JobRunner;
import io.cxlake.pipeline.Modules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * conf/examples/clothing-reviews on a file in the shape of the Women's E-Commerce Clothing
 * Reviews export (an unnamed first column, titles, texts with doubled quotes and line breaks,
 * reviews without text): only reviews land, voice runs on them with the stars as weak labels,
 * every other stage is skipped, and the run exits 0.
 */
class ClothingReviewsExampleIT {
  private static final String P = "crx";
  private static final String[] GOOD = {"love this dress", "fits perfectly", "soft fabric and \"\"true\"\" to size", "gorgeous color"};
  private static final String[] BAD = {"fabric is cheap", "runs small, returned it", "poor quality stitching", "zipper broke"};

  @Test
  void voiceRunsOnReviewsAloneAndEverythingElseIsSkipped() throws Exception {
    TestSpark.dropDatabases(P);
    Path landing = Files.createTempDirectory("cxlake-clothing-");
    StringBuilder csv = new StringBuilder(",Clothing ID,Age,Title,Review Text,Rating,Recommended IND,"
        + "Positive Feedback Count,Division Name,Department Name,Class Name\n");
    Random rnd = new Random(3);
    int withText = 0;
    for (int i = 0; i < 600; i++) {
      int rating = 1 + rnd.nextInt(5);
      String[] words = rating >= 4 ? GOOD : rating <= 2 ? BAD : new String[] {"it is okay", "average dress"};
      String text = i % 50 == 7 ? "" : "\"" + words[rnd.nextInt(words.length)] + (i % 9 == 0 ? ".\nWould buy again?" : "")
          + " " + words[rnd.nextInt(words.length)] + "\"";
      withText += text.isEmpty() ? 0 : 1;
      csv.append(i).append(',').append(1000 + rnd.nextInt(30)).append(",35,").append(i % 3 == 0 ? "Nice" : "")
          .append(',').append(text).append(',').append(rating).append(",1,0,General,Dresses,Dresses\n");
    }
    Files.writeString(landing.resolve("reviews.csv"), csv.toString());
    Path example = TestSpark.repoRoot().resolve("conf/examples/clothing-reviews");
    String settings = Files.readString(example.resolve("cxlake.yaml")).replaceAll("(?m)^sources:.*$", "");
    JobContext ctx = TestSpark.context(P, example.resolve("sources.yaml"), landing, settings);
    List<JobRunner.StageOutcome> out = JobRunner.run(ctx, Modules.registry().pipeline());
    Map<String, String> status = new LinkedHashMap<>();
    out.forEach(o -> status.put(o.stage(), o.status() + (o.reason() == null ? "" : ": " + o.reason())
        + (o.error() == null ? "" : ": " + o.error())));
    System.out.println("clothing-reviews example: " + status);
    for (String stage : List.of("ingest", "curate", "voice", "report")) {
      assertEquals("success", status.get(stage), stage + " in " + status);
    }
    for (String stage : List.of("metrics", "segment", "cluster", "drivers", "journey", "churn", "alerts", "enrich")) {
      assertTrue(status.get(stage).startsWith("skipped"), stage + " in " + status);
    }
    assertEquals(0, io.cxlake.cli.TestAccess.summarize(out));
    assertEquals(600, ctx.spark().table(P + "_silver.reviews").count(), "line breaks and doubled quotes stay inside a review");
    // a title alone is a text too: only reviews with neither are left out
    long expected = ctx.spark().table(P + "_silver.reviews").where("text IS NOT NULL AND length(trim(text)) > 0").count();
    assertTrue(expected >= withText, expected + " texts");
    assertEquals(expected, ctx.spark().table(P + "_gold.voice_response").count());
    double accuracy = ctx.spark().sql("SELECT avg(CASE WHEN (rating >= 4 AND sentiment_label = 'positive') "
        + "OR (rating <= 2 AND sentiment_label = 'negative') OR (rating = 3 AND sentiment_label = 'neutral') THEN 1.0D ELSE 0.0D END) "
        + "FROM " + P + "_gold.voice_response").first().getDouble(0);
    System.out.printf("clothing-reviews example: sentiment agrees with the stars on %.3f of the texts%n", accuracy);
    assertTrue(accuracy > 0.8, "sentiment agrees with the stars on " + accuracy);
  }
}
