package io.cxlake.ingest;

import static org.apache.spark.sql.functions.*;
import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import io.cxlake.core.Entities;
import io.cxlake.core.EntitySpec;
import io.cxlake.core.SourcesConfig;
import io.cxlake.curate.Validation;
import io.cxlake.metrics.Facts;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Ratings on the source's own scales: recoded or bounded at ingest, checked by curate, rescaled in gold. */
class RatingScalesTest {
  private static final SparkSession spark = TestSpark.session();
  private static final Timestamp FAR = Timestamp.valueOf("2100-01-01 00:00:00");

  private static SourcesConfig.Source source(List<SourcesConfig.Scale> scales) {
    return new SourcesConfig.Source("*.csv", "csv", null, true, null, null, null, null, scales);
  }

  private static Dataset<Row> ingestAndValidate(Dataset<Row> file, EntitySpec e, SourcesConfig.Source source) {
    Dataset<Row> bronze = IngestStage.mapped(file, e, source, IngestStage.mapping(e, source),
        List.of(new LandingFile("file:/landing/" + e.name() + ".csv", 100, 0))).withColumn("_batch_id", lit("b1"));
    return Validation.validate(bronze, e, FAR);
  }

  /** response_id -> "value|reasons" */
  private static Map<String, String> byId(Dataset<Row> validated, String column) {
    return validated.select(col("response_id"), concat_ws("|", coalesce(col(column).cast("string"), lit("null")),
            array_join(col("_reasons"), ","))).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.getString(1)));
  }

  @Test
  void npsCodedOneToElevenIsShiftedOntoZeroToTenAndOutOfScaleCodesAreQuarantined() {
    Dataset<Row> file = spark.sql("SELECT * FROM VALUES ('r1', '1.0'), ('r2', '11'), ('r3', '9.0'), ('r4', '12'), "
        + "('r5', '0'), ('r6', '99'), ('r7', 'ten'), ('r8', NULL) AS t(response_id, nps)");
    SourcesConfig.Source s = source(List.of(new SourcesConfig.Scale("nps", null, 1, 11, 99)));
    Map<String, String> v = byId(ingestAndValidate(file, Entities.SURVEY_RESPONSES, s), "nps");
    assertTrue(v.get("r1").startsWith("0|"), v.get("r1"));
    assertTrue(v.get("r2").startsWith("10|"), v.get("r2"));
    assertTrue(v.get("r3").startsWith("8|"), v.get("r3"));
    assertTrue(v.get("r4").contains("out_of_range"), "12 is beyond the 1-11 coding: " + v.get("r4"));
    assertTrue(v.get("r5").contains("out_of_range"), "0 is below the 1-11 coding: " + v.get("r5"));
    assertTrue(v.get("r6").startsWith("null|") && !v.get("r6").contains("out_of_range"), "99 = not applicable: " + v.get("r6"));
    assertTrue(v.get("r7").contains("bad_type"), v.get("r7"));
    assertTrue(v.get("r8").startsWith("null|") && !v.get("r8").contains("out_of_range"), v.get("r8"));
  }

  @Test
  void attributeSetsKeepTheirOwnScaleAndNotApplicableIsNoAnswer() {
    Dataset<Row> file = spark.sql("SELECT * FROM VALUES "
        + "('r1', 's1', '76.0'), ('r1', 'wifi', '0'), ('r1', 'seat', '5'), "
        + "('r2', 's1', '100'), ('r2', 'wifi', '6'), ('r2', 'seat', '1'), "
        + "('r3', 's1', '101'), ('r3', 'wifi', '3'), ('r3', 'seat', NULL) AS t(response_id, attribute, score)");
    SourcesConfig.Source s = source(List.of(
        new SourcesConfig.Scale("score", null, 1, 100, null),          // the default: every other attribute
        new SourcesConfig.Scale("score", List.of("wifi"), 1, 5, 0)));  // wifi on 1-5, 0 = not applicable
    Dataset<Row> validated = ingestAndValidate(file, Entities.SURVEY_RATINGS, s).cache();
    Map<String, String> v = validated.select(concat_ws("/", col("response_id"), col("attribute")),
            concat_ws("|", coalesce(col("score").cast("string"), lit("null")), col("scale_min"), col("scale_max"),
                array_join(col("_reasons"), ","))).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.getString(1)));
    assertEquals("76|1|100|", v.get("r1/s1"));
    assertEquals("null|1|5|", v.get("r1/wifi"), "not applicable: no answer, not an error");
    assertEquals("5|1|100|", v.get("r1/seat"), "an attribute of no set is on the default scale");
    assertEquals("100|1|100|", v.get("r2/s1"));
    assertEquals("6|1|5|out_of_range", v.get("r2/wifi"));
    assertEquals("101|1|100|out_of_range", v.get("r3/s1"));
    assertEquals("null|1|100|", v.get("r3/seat"));

    // gold: answered ratings only, each rescaled on its own scale
    Dataset<Row> responses = spark.sql("SELECT * FROM VALUES ('r1', 'k1', DATE'2024-01-01', 'flight', 1.0D), "
        + "('r2', 'k2', DATE'2024-01-01', 'flight', 1.0D) AS t(response_id, customer_key, response_date, touchpoint, weight)");
    Dataset<Row> valid = validated.where(size(col("_reasons")).equalTo(0));
    Map<String, Double> score100 = Facts.surveyRatings(valid, responses).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.<String>getAs("response_id") + "/" + r.getAs("attribute"),
            r -> r.<Double>getAs("score_100")));
    // (76 − 1) / 99 × 100 and (5 − 1) / 99 × 100 on 1-100; 1 is the bottom of its scale
    assertEquals(round(Map.of("r1/s1", 75.0 / 99 * 100, "r1/seat", 4.0 / 99 * 100, "r2/s1", 100.0, "r2/seat", 0.0), 6),
        score100);
    validated.unpersist();
  }

  @Test
  void ratingsWithoutDeclaredScalesKeepTheCanonicalOneToFiveAndWholeNumbersMayHaveDecimals() {
    Dataset<Row> file = spark.sql("SELECT * FROM VALUES ('r1', 'speed', '5'), ('r1', 'price', '7'), ('r1', 'comfort', '4.0'), "
        + "('r1', 'value', '4.5') AS t(response_id, attribute, score)");
    Map<String, String> v = ingestAndValidate(file, Entities.SURVEY_RATINGS, source(null))
        .select(col("attribute"), array_join(col("_reasons"), ",")).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.getString(1)));
    // "4.0" is the whole number 4 as spreadsheets export it; "4.5" is not a rating
    assertEquals(Map.of("speed", "", "price", "out_of_range", "comfort", "", "value", "bad_type"), v);
  }

  private static Map<String, Double> round(Map<String, Double> m, int digits) {
    double f = Math.pow(10, digits);
    return m.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> Math.round(e.getValue() * f) / f));
  }
}
