package io.cxlake.notebook;

import io.cxlake.segment.SegmentationConfig;
import io.cxlake.churn.ChurnConfig;
import io.cxlake.drivers.DriversConfig;
import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import io.cxlake.core.ConfigException;
import io.cxlake.core.CxlakeException;
import io.cxlake.core.JobContext;
import io.cxlake.core.Stage;
import io.cxlake.core.StageResult;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The notebook API: HTML tables, charts as images, stages re-run with YAML settings. */
class NotebookTest {
  private static SparkSession spark;
  private static Notebook nb;
  private static Notebook.Recorder shown;

  @BeforeAll
  static void attach() {
    spark = TestSpark.session();
    shown = new Notebook.Recorder();
    nb = Notebook.attach(spark, TestSpark.config("nb", TestSpark.repoRoot().resolve("conf/sources.yaml")),
        TestSpark.repoRoot(), shown);
  }

  private static Dataset<Row> trend() {
    return spark.sql("SELECT DATE'2026-01-01' + make_interval(0, m) AS period_start, r AS region, "
        + "10.0 * m - 5 AS nps, 10.0 * m - 15 AS nps_ci_low, 10.0 * m + 5 AS nps_ci_high "
        + "FROM range(1, 7) AS t(m) CROSS JOIN (SELECT explode(array('EU', 'NA')) AS r)")
        .selectExpr("CAST(period_start AS DATE) AS period_start", "region", "nps", "nps_ci_low", "nps_ci_high");
  }

  @Test
  void showRendersAnEscapedRoundedHtmlTableAndSaysWhenRowsAreLeftOut() {
    int before = shown.payloads.size();
    nb.show(spark.sql("SELECT '<script>x</script>' AS comment, 12.3456789D AS nps, 3.0D AS whole, "
        + "array('a', 'b') AS terms, CAST(NULL AS STRING) AS missing FROM range(3)"), 2);
    assertEquals("text/html", shown.mimeTypes.get(before));
    String html = (String) shown.payloads.get(before);
    assertTrue(html.contains("&lt;script&gt;x&lt;/script&gt;") && !html.contains("<script>"), html);
    assertTrue(html.contains(">12.346<") && html.contains(">3<") && html.contains("[a, b]"), html);
    assertEquals(2, html.split("<tr>").length - 2, "two data rows under the header");
    assertTrue(html.contains("2 rows shown; more not shown"), html);
  }

  @Test
  void aTrendWithBandsIsAPngImageWithALineAndABandPerSlice() {
    Charts.Chart chart = Charts.trend(trend(), "NPS by region", "period_start", "nps", "nps_ci_low", "nps_ci_high", "region");
    assertEquals(4, chart.seriesCount(), "EU, EU CI, NA, NA CI");
    BufferedImage img = chart.image();
    assertEquals(900, img.getWidth());
    assertEquals(420, img.getHeight());
    byte[] png = chart.png();
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
    int before = shown.payloads.size();
    nb.show(chart);
    assertEquals("image/png", shown.mimeTypes.get(before));
    assertInstanceOf(BufferedImage.class, shown.payloads.get(before));
  }

  @Test
  void barsQuadrantsLinesAndCalibrationDraw() {
    Dataset<Row> drivers = spark.sql("SELECT * FROM VALUES ('reliability', 30.0, 25.0, 35.0, 60.0), "
        + "('price', 20.0, 15.0, 26.0, 40.0), ('app', 5.0, 2.0, 9.0, 80.0) AS t(driver, importance, lo, hi, performance)");
    assertEquals(3, Charts.bar(drivers, "Importance", "driver", "importance", "lo", "hi").seriesCount());
    assertEquals(1, Charts.bar(drivers, "Importance", "driver", "importance", null, null).seriesCount());
    assertNotNull(Charts.quadrant(drivers, "Quadrant", "driver", "importance", "performance", 18.3, 60).image());
    Dataset<Row> deciles = spark.sql("SELECT id AS decile, 3.0 / id AS model, 1.5 / id AS baseline, "
        + "id / 10.0 - 0.05 AS predicted, id / 10.0 - 0.02 AS observed FROM range(1, 11)");
    assertEquals(2, Charts.lines(deciles, "Lift", "decile", 1.0, "model", "baseline").seriesCount());
    assertEquals(2, Charts.calibration(deciles, "Calibration", "predicted", "observed").seriesCount());
    // Kaplan-Meier steps with bands (none while survival is 1), and a forest plot of hazard ratios
    Dataset<Row> km = spark.sql("SELECT * FROM VALUES ('detractor', 30.0, 0.8, 0.7, 0.9), ('detractor', 90.0, 0.6, 0.5, 0.7), "
        + "('promoter', 30.0, 1.0, NULL, NULL), ('promoter', 90.0, 0.9, 0.8, 0.95) AS t(nps_group, time, survival, lo, hi)");
    assertEquals(3, Charts.steps(km, "Retention", "time", "survival", "lo", "hi", "nps_group").seriesCount(),
        "two lines, one band (promoters have a single bounded point)");
    Dataset<Row> ratios = spark.sql("SELECT * FROM VALUES ('detractor', 1.9, 1.5, 2.4), ('passive', 1.3, 1.1, 1.7) "
        + "AS t(covariate, hazard_ratio, lo, hi)");
    Charts.Chart forest = Charts.forest(ratios, "Hazard ratios", "covariate", "hazard_ratio", "lo", "hi", 1.0);
    assertEquals(4, forest.seriesCount(), "an interval per row, the no-effect line, the points");
    assertNotNull(forest.image());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Charts.bar(spark.range(6000).selectExpr("CAST(id AS STRING) AS k", "1.0 AS v"), "t", "k", "v", null, null));
    assertTrue(e.getMessage().contains("aggregate or filter first"), e.getMessage());
  }

  @Test
  void settingsMergeOverTheConfigurationAndAreValidatedLikeTheFile() {
    assertEquals("4", nb.withOverrides("segmentation: {cluster: {k: 4}}").config().get(SegmentationConfig.SECTION).cluster().k());
    assertEquals(List.of("gbt"), nb.withOverrides("churn:\n  models: [gbt]\n").config().get(ChurnConfig.SECTION).models());
    // everything else stays as configured
    assertEquals(nb.config().get(DriversConfig.SECTION).bootstrap(), nb.withOverrides("churn: {models: [gbt]}").config().get(DriversConfig.SECTION).bootstrap());
    ConfigException e = assertThrows(ConfigException.class, () -> nb.withOverrides("churn: {modles: [gbt]}"));
    assertTrue(e.key().contains("modles"), e.key());
    ConfigException notAMapping = assertThrows(ConfigException.class, () -> nb.withOverrides("[1, 2]"));
    assertTrue(notAMapping.getMessage().contains("<notebook settings>") && notAMapping.getMessage().contains("YAML mapping"),
        notAMapping.getMessage());
  }

  @Test
  void runShowsTheSummaryAndRaisesAFailedStage() {
    Stage ok = new Stage() {
      public String name() {
        return "probe";
      }

      public StageResult run(JobContext ctx) {
        return new StageResult(1, ctx.config().get(SegmentationConfig.SECTION).cluster().k().equals("3") ? 3 : 0, Map.of(), List.of());
      }
    };
    int before = shown.payloads.size();
    assertEquals(3, nb.run("segmentation: {cluster: {k: 3}}", ok).get(0).result().rowsOut());
    assertTrue(((String) shown.payloads.get(before)).contains("<td>probe</td><td>success</td>"));
    Stage failing = new Stage() {
      public String name() {
        return "broken";
      }

      public StageResult run(JobContext ctx) {
        throw new CxlakeException("no input");
      }
    };
    CxlakeException e = assertThrows(CxlakeException.class, () -> nb.run("", failing));
    assertEquals("broken failed: no input", e.getMessage());
  }
}
