package io.cxlake.report;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxlake.TestSpark;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The report rendered from tiny hand-made gold tables: the page data equal the tables, tests and escaping are right. */
class ReportPagesTest {
  private static final LocalDate AS_OF = LocalDate.of(2026, 10, 31);
  private static Map<String, byte[]> files;

  @BeforeAll
  static void render() {
    SparkSession spark = TestSpark.session();
    Map<String, Dataset<Row>> tables = Map.of(
        "kpi_experience", spark.sql("SELECT * FROM VALUES "
            + "('month', 'all', 'all', DATE'2026-08-01', true, false, 30.0D, 5.0D, 20.2D, 39.8D, 60.0D, 2.0D, 5.1D, 0.1D, 70.0D, 1.0D),"
            + "('month', 'all', 'all', DATE'2026-09-01', true, false, 20.0D, 4.0D, 12.16D, 27.84D, 55.0D, 2.5D, 5.0D, 0.1D, 68.0D, 1.2D),"
            + "('month', 'all', 'all', DATE'2026-10-01', false, true, 25.0D, 9.0D, 7.4D, 42.6D, CAST(NULL AS DOUBLE), CAST(NULL AS DOUBLE), 4.9D, 0.2D, 66.0D, 2.0D),"
            + "('month', 'region', 'EU', DATE'2026-09-01', true, true, -10.0D, 12.0D, -33.5D, 13.5D, 40.0D, 6.0D, 4.0D, 0.3D, 50.0D, 3.0D),"
            + "('week', 'all', 'all', DATE'2026-10-26', false, false, 99.0D, 1.0D, 97.0D, 100.0D, 99.0D, 1.0D, 7.0D, 0.0D, 99.0D, 1.0D)"
            + " AS t(period_type, slice, slice_value, period_start, is_complete, low_confidence, nps, nps_se, nps_ci_low, "
            + "nps_ci_high, csat_top2_pct, csat_top2_se, ces_mean, ces_se, cx_index, cx_index_se)"),
        "kpi_operations", spark.sql("SELECT * FROM VALUES "
            + "('month', 'all', 'all', DATE'2026-08-01', true, CAST(1000.50 AS DECIMAL(18,2)), 40L, 250L, 20L, 8.0D, 10L, 9L, 90.0D, 250L, 20L, 8.0D, 2.0D, 3.0D, 9.0D, 20.0D, 50.0D),"
            + "('month', 'all', 'all', DATE'2026-09-01', true, CAST(1500.75 AS DECIMAL(18,2)), 50L, 200L, 30L, 15.0D, 10L, 8L, 80.0D, 200L, 30L, 15.0D, 3.0D, 4.0D, 10.0D, 22.0D, 60.0D)"
            + " AS t(period_type, slice, slice_value, period_start, is_complete, revenue, orders, active_customers, repurchasers, "
            + "repurchase_rate, renewals_decided, renewals_renewed, renewal_rate, active_at_start, churned_customers, churn_rate, "
            + "complaint_rate_per_1000, first_response_hours_median, first_response_hours_p90, resolution_hours_median, "
            + "resolution_hours_p90)"),
        "cx_alert", spark.sql("SELECT * FROM VALUES "
            + "(DATE'2026-10-31', 'month', DATE'2026-09-01', 'nps', 'region', 'EU', 'change', 'high', -10.0D, 25.0D, -35.0D, 'wald', 0.002D, 'NPS <script>alert(1)</script> fell'),"
            + "(DATE'2026-10-31', 'month', DATE'2026-10-01', 'churn_rate', 'all', 'all', 'threshold', 'critical', 15.0D, CAST(NULL AS DOUBLE), CAST(NULL AS DOUBLE), 'threshold', CAST(NULL AS DOUBLE), 'churn over 12%'),"
            + "(DATE'2026-10-31', 'month', DATE'2025-01-01', 'nps', 'all', 'all', 'change', 'low', 1.0D, 2.0D, -1.0D, 'wald', 0.04D, 'an old one')"
            + " AS t(as_of, period_type, period_start, kpi, slice, slice_value, alert_kind, severity, value, baseline_value, "
            + "change, method, p_value, message)"),
        "survival_model", spark.sql("SELECT * FROM VALUES "
            + "(DATE'2026-10-31', 'experience', 'nps_group=detractor', 'promoter', 2.23D, 1.84D, 2.57D, 0.0001D, 590L, 0.752D),"
            + "(DATE'2026-10-31', 'experience', 'tenure_years', CAST(NULL AS STRING), 0.91D, 0.85D, 0.97D, 0.01D, 590L, 0.752D),"
            + "(DATE'2026-09-30', 'experience', 'nps_group=detractor', 'promoter', 9.0D, 8.0D, 10.0D, 0.0001D, 500L, 0.7D)"
            + " AS t(as_of_date, model, covariate, reference, hazard_ratio, hazard_ratio_lower, hazard_ratio_upper, p_value, "
            + "customers, concordance)"));
    Pages pages = new Pages(tables::get, AS_OF, 25);
    files = Site.files(pages.all(2), new Site.Meta(AS_OF.toString(), "cx_gold", "run-1"));
  }

  private static String page(String file) {
    return new String(files.get(file), StandardCharsets.UTF_8);
  }

  private static JsonNode data(String file) throws Exception {
    Matcher m = Pattern.compile("<script type=\"application/json\" id=\"report-data\">(.*?)</script>", Pattern.DOTALL)
        .matcher(page(file));
    assertTrue(m.find(), file + " carries its chart data");
    return new ObjectMapper().readTree(m.group(1)).get("charts");
  }

  @Test
  void everyPageAndAssetIsWritten() {
    assertEquals(List.of("index.html", "experience.html", "operations.html", "segments.html", "churn.html", "drivers.html",
        "voice.html", "value.html", "assets/echarts.min.js", "assets/ECHARTS-LICENSE.txt", "assets/ECHARTS-NOTICE.txt",
        "assets/report.js", "assets/report.css"), List.copyOf(files.keySet()));
    assertTrue(files.get("assets/echarts.min.js").length > 500_000, "the ECharts bundle");
    for (String p : List.of("index.html", "churn.html")) {
      assertFalse(page(p).contains("http://") || page(p).contains("https://"), p + " loads nothing from the network");
      assertTrue(page(p).contains("<script src=\"assets/echarts.min.js\"></script>"));
    }
  }

  @Test
  void headlinesCompareTheLastTwoCompleteMonthsWithTheirTests() {
    String index = page("index.html");
    assertTrue(index.contains("Month 2026-09 against 2026-08."), "the partial October is not a headline");
    // NPS 20 (se 4) vs 30 (se 5): z = -10 / sqrt(41), p = 0.118350 (scipy.stats.norm)
    assertTrue(index.contains("-10.0 pts"));
    assertTrue(index.contains("no significant change (p &#61; 0.1183)"), "Mustache escapes = as &#61;");
    // churn 30/200 vs 20/250: pooled z = 2.3479, p = 0.018881 (statsmodels proportions_ztest)
    assertTrue(index.contains("+7.0 pts"));
    assertTrue(index.contains("significant rise (p &#61; 0.0189)"));
    assertTrue(index.contains("1,501"), "revenue of September (1,500.75)");
    assertTrue(index.contains("+50.0%"), "revenue change (1,500.75 / 1,000.50 - 1)");
  }

  @Test
  void alertsOfThePeriodAreEscapedAndSortedBySeverity() {
    String index = page("index.html");
    assertTrue(index.contains("2 alerts on the periods since 2026-09-01"), "the 2025 alert is history, not the period");
    assertFalse(index.contains("an old one"));
    assertTrue(index.contains("NPS &lt;script&gt;alert(1)&lt;/script&gt; fell"));
    assertFalse(index.contains("<script>alert(1)"));
    assertTrue(index.indexOf("churn over 12%") < index.indexOf("NPS &lt;script&gt;"), "critical before high");
    assertTrue(index.contains("region: EU"));
  }

  @Test
  void experienceTrendsCarryTheTableValuesPerSlice() throws Exception {
    JsonNode nps = data("experience.html").get("chart-1");
    assertEquals("line", nps.get("kind").asText());
    JsonNode all = nps.get("data").get("variants").get("all");
    assertEquals(List.of("2026-08", "2026-09", "2026-10"), texts(all.get("x")));
    JsonNode s = all.get("series").get(0);
    assertEquals(List.of(30.0, 20.0, 25.0), numbers(s.get("y")));
    assertEquals(List.of(20.2, 12.16, 7.4), numbers(s.get("low")));
    assertEquals(List.of(39.8, 27.84, 42.6), numbers(s.get("high")));
    assertEquals("[false,false,true]", s.get("weak").toString(), "low-confidence points are marked");
    JsonNode eu = nps.get("data").get("variants").get("region: EU").get("series").get(0);
    assertEquals(List.of(-10.0), numbers(eu.get("y")));
    // CSAT band: value ± 1.959964 se; null values stay null
    JsonNode csat = data("experience.html").get("chart-2").get("data").get("variants").get("all").get("series").get(0);
    assertEquals(60.0 - 1.959964 * 2.0, csat.get("low").get(0).asDouble(), 1e-9);
    assertTrue(csat.get("y").get(2).isNull());
  }

  @Test
  void hazardRatiosOfTheAsOfDate() throws Exception {
    JsonNode forest = data("value.html").get("chart-1");
    assertEquals("forest", forest.get("kind").asText());
    JsonNode rows = forest.get("data").get("variants").get("experience (590 customers, C = 0.752)").get("rows");
    assertEquals(2, rows.size(), "only the rows of 2026-10-31");
    assertEquals("nps_group=detractor vs promoter", rows.get(0).get("name").asText());
    assertEquals(2.23, rows.get(0).get("value").asDouble());
    assertEquals(1.84, rows.get(0).get("low").asDouble());
    assertEquals(2.57, rows.get(0).get("high").asDouble());
    assertEquals("tenure_years", rows.get(1).get("name").asText());
  }

  @Test
  void missingTablesAreSaidInOneLine() {
    assertTrue(page("segments.html").contains("No customer_rfm table: the segment stage has not written it on this "
        + "warehouse (skipped for lack of data, or not run; cx_ops.pipeline_run says which)."));
    assertTrue(page("churn.html").contains("No churn_model_run table: the churn stage has not written it"));
    assertTrue(page("value.html").contains("No value_at_risk table"));
    assertTrue(page("index.html").contains("No detractor_followup table"));
  }

  @Test
  void scriptJsonCannotCloseItsElement() {
    String json = Site.scriptJson(Map.of("t", "</script><b>&"));
    assertFalse(json.contains("<") || json.contains(">") || json.contains("&"));
    assertEquals("{\"t\":\"\\u003c/script\\u003e\\u003cb\\u003e\\u0026\"}", json);
  }

  private static List<String> texts(JsonNode a) {
    return java.util.stream.StreamSupport.stream(a.spliterator(), false).map(JsonNode::asText).toList();
  }

  private static List<Double> numbers(JsonNode a) {
    return java.util.stream.StreamSupport.stream(a.spliterator(), false).map(JsonNode::asDouble).toList();
  }
}
