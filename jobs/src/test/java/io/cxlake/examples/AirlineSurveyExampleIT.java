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
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * conf/examples/airline-survey on a file in the shape of the Oddjob Airways export (70 columns,
 * no respondent id, no date, NPS coded 1-11, 23 attributes on 1-100 with unanswered ones empty):
 * NPS is recoded onto 0-10, a code off the scale is quarantined with its ratings, the ratings keep
 * their 1-100 scale, key drivers find the planted ones, the stages without data are skipped.
 */
class AirlineSurveyExampleIT {
  private static final String P = "asx";
  private static final int RESPONDENTS = 320;

  @Test
  void npsDriversFromASurveyExportOnItsOwnScales() throws Exception {
    TestSpark.dropDatabases(P);
    Path landing = Files.createTempDirectory("cxlake-airline-");
    StringBuilder csv = new StringBuilder("age,country,flight_class,flight_latest,flight_purpose,flight_type,gender,"
        + "language,nflights,status");
    for (String block : new String[] {"e", "s"}) {
      for (int j = 1; j <= 23; j++) {
        csv.append(',').append(block).append(j);
      }
    }
    csv.append(",nps,sat1,sat2,sat3,loy1,loy2,loy3,loy4,loy5,com1,com2,com3,overall_sat,reputation\n");
    Random rnd = new Random(11);
    int promoters = 0;
    int detractors = 0;
    int answered = 0;
    int ratings = 0;
    for (int i = 0; i < RESPONDENTS; i++) {
      int[] s = new int[24];
      StringBuilder row = new StringBuilder().append(20 + rnd.nextInt(50)).append(".0,")
          .append(i % 5 == 0 ? "us" : "de").append(',').append(i % 4 == 0 ? "Business" : "Economy")
          .append(",within the last 3 months,Leisure,Domestic,").append(i % 2 == 0 ? "male" : "female")
          .append(",German,3.0,Blue");
      for (int j = 1; j <= 23; j++) {
        row.append(',').append(1 + rnd.nextInt(100)).append(".0"); // expectations: not used
      }
      boolean bad = i == 17; // NPS code 12: off the 1-11 scale
      for (int j = 1; j <= 23; j++) {
        s[j] = 1 + rnd.nextInt(100);
        boolean blank = rnd.nextDouble() < 0.01;
        row.append(',').append(blank ? "" : s[j] + ".0");
        ratings += blank || bad ? 0 : 1;
      }
      // planted: s23 matters most, then s21; the others not at all
      double latent = 0.07 * s[23] + 0.035 * s[21] + rnd.nextGaussian() * 1.2;
      int nps = (int) Math.max(0, Math.min(10, Math.round(latent)));
      row.append(',').append(bad ? 12 : nps + 1).append(".0");
      if (!bad) {
        answered++;
        promoters += nps >= 9 ? 1 : 0;
        detractors += nps <= 6 ? 1 : 0;
      }
      row.append(",5.0,5.0,5.0,5.0,5.0,5.0,5.0,5.0,5.0,5.0,5.0,5.0,5.0\n");
      csv.append(row);
    }
    Files.writeString(landing.resolve("airlinesat.csv"), csv.toString());
    Path example = TestSpark.repoRoot().resolve("conf/examples/airline-survey");
    String settings = Files.readString(example.resolve("cxlake.yaml")).replaceAll("(?m)^sources:.*$", "")
        + "\ndrivers:\n  min_responses: 200\n  bootstrap: 50\n";
    JobContext ctx = TestSpark.context(P, example.resolve("sources.yaml"), landing, settings);
    List<JobRunner.StageOutcome> out = JobRunner.run(ctx, Modules.registry().pipeline());
    Map<String, String> status = new LinkedHashMap<>();
    out.forEach(o -> status.put(o.stage(), o.status() + (o.reason() == null ? "" : ": " + o.reason())
        + (o.error() == null ? "" : ": " + o.error())));
    System.out.println("airline-survey example: " + status);
    for (String stage : List.of("ingest", "curate", "metrics", "drivers", "journey", "enrich")) {
      assertEquals("success", status.get(stage), stage + " in " + status);
    }
    for (String stage : List.of("segment", "cluster", "voice", "churn", "alerts")) {
      assertTrue(status.get(stage).startsWith("skipped"), stage + " in " + status);
    }
    assertTrue(status.get("voice").contains("no survey comment or review text"), status.get("voice"));
    assertEquals(0, io.cxlake.cli.TestAccess.summarize(out));

    var spark = ctx.spark();
    // NPS 1-11 recoded onto 0-10; the code 12 quarantined, and its ratings with it (their response is not there)
    Row nps = spark.sql("SELECT count(*), min(nps), max(nps) FROM " + P + "_silver.survey_responses").first();
    assertEquals(RESPONDENTS - 1, nps.getLong(0));
    assertTrue(nps.getInt(1) >= 0 && nps.getInt(2) <= 10, nps.toString());
    assertEquals(1L, spark.sql("SELECT count(*) FROM " + P + "_ops.quarantine WHERE entity = 'survey_responses' "
        + "AND reason = 'out_of_range' AND detail LIKE 'nps=%'").first().getLong(0));
    assertEquals(23L, spark.sql("SELECT count(*) FROM " + P + "_ops.quarantine WHERE entity = 'survey_ratings' "
        + "AND reason = 'orphan_fk'").first().getLong(0));
    // ratings keep their scale; unanswered ones stay in silver, out of the gold facts
    Row facts = spark.sql("SELECT count(*), min(scale_min), max(scale_max), min(score_100), max(score_100) FROM "
        + P + "_gold.fact_survey_rating").first();
    assertEquals(ratings, facts.getLong(0));
    assertEquals(1, facts.getInt(1));
    assertEquals(100, facts.getInt(2));
    assertTrue(facts.getDouble(3) >= 0 && facts.getDouble(4) <= 100, facts.toString());
    // NPS over all responses, from the recoded answers
    double expectedNps = 100.0 * (promoters - detractors) / answered;
    double kpiNps = spark.sql("SELECT nps FROM " + P + "_gold.kpi_experience WHERE period_type = 'month' AND slice = 'all'")
        .first().getDouble(0);
    assertEquals(expectedNps, kpiNps, 5e-5); // kpi_experience keeps 4 decimals
    // the planted drivers come first
    List<String> top = spark.sql("SELECT driver FROM " + P + "_gold.key_driver WHERE outcome = 'nps' "
            + "AND slice_type = 'all' AND status = 'ok' ORDER BY importance_pct DESC LIMIT 2")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertEquals(List.of("s23", "s21"), top);
  }
}
