package io.cxlake.examples;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import io.cxlake.core.JobContext;
import io.cxlake.core.JobRunner;
import io.cxlake.pipeline.Modules;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * conf/examples/online-retail on a small file in the shape of UCI Online Retail (the publisher's
 * columns; customer ids like 17850.0; guest lines without a customer; C-invoices with negative
 * quantities; the same product twice in one invoice; a stock adjustment with a negative
 * quantity; a bad-debt adjustment with a negative price; one line with a broken date):
 * customers are derived from the orders, revenue nets credits and includes guests, only the
 * broken line is quarantined, and the customer analytics run while the survey stages are skipped.
 */
class OnlineRetailExampleIT {
  private static final String P = "orx";
  private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static JobContext ctx;
  private static List<JobRunner.StageOutcome> out;
  /** What the file holds, computed while writing it. */
  private static BigDecimal expectedRevenue = BigDecimal.ZERO;
  private static final Set<String> customers = new HashSet<>();
  private static final Set<String> guestInvoices = new HashSet<>();
  private static final Set<String> saleInvoices = new HashSet<>();
  private static int lines;

  @BeforeAll
  static void runTheExample() throws Exception {
    TestSpark.dropDatabases(P);
    Path landing = Files.createTempDirectory("cxlake-online-retail-");
    Files.writeString(landing.resolve("online_retail.csv"), file());
    Path example = TestSpark.repoRoot().resolve("conf/examples/online-retail");
    // The example's settings, with its sources file given by absolute path instead.
    String settings = Files.readString(example.resolve("cxlake.yaml")).replaceAll("(?m)^sources:.*$", "")
        + "\nchurn: {models: [logistic_regression], reg_params: [0.1]}\nsegmentation: {cluster: {k: '3', restarts: 1}}\n";
    ctx = TestSpark.context(P, example.resolve("sources.yaml"), landing, settings);
    out = JobRunner.run(ctx, Modules.registry().pipeline());
  }

  /** About 2,500 lines: 150 customers over 13 months, guests, cancellations and the file's quirks. */
  private static String file() {
    Random rnd = new Random(11);
    StringBuilder csv = new StringBuilder("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n");
    String[] countries = {"United Kingdom", "United Kingdom", "United Kingdom", "France", "Germany", "Australia"};
    int invoice = 536365;
    LocalDateTime start = LocalDateTime.of(2010, 12, 1, 8, 26);
    for (int c = 0; c < 150; c++) {
      String id = (12346 + c) + ".0";
      String country = countries[rnd.nextInt(countries.length)];
      int lifetimeDays = 30 + rnd.nextInt(370);
      int gap = 7 + rnd.nextInt(60);
      for (int day = rnd.nextInt(60); day < Math.min(lifetimeDays, 370); day += gap) {
        String no = String.valueOf(invoice++);
        LocalDateTime t = start.plusDays(day).plusMinutes(rnd.nextInt(600));
        List<String[]> items = new ArrayList<>();
        for (int l = 0; l < 1 + rnd.nextInt(5); l++) {
          items.add(new String[] {"8" + (5000 + rnd.nextInt(40)), String.valueOf(1 + rnd.nextInt(12)),
              String.format("%.2f", 0.85 + rnd.nextInt(900) / 100.0)});
        }
        if (rnd.nextInt(8) == 0) {
          items.add(items.get(0)); // the same product scanned twice: a legitimate second line
        }
        for (String[] it : items) {
          line(csv, no, it[0], "\"LANTERN, WHITE\"", Integer.parseInt(it[1]), t, it[2], id, country);
          customers.add(id.replace(".0", ""));
          saleInvoices.add(no);
        }
        if (rnd.nextInt(10) == 0) { // a cancellation of the first item
          String[] it = items.get(0);
          line(csv, "C" + (invoice++), it[0], "LANTERN", -Integer.parseInt(it[1]), t.plusHours(3), it[2], id, country);
        }
      }
    }
    for (int g = 0; g < 60; g++) { // guest checkouts
      String no = String.valueOf(invoice++);
      LocalDateTime t = start.plusDays(rnd.nextInt(370)).plusMinutes(rnd.nextInt(600));
      for (int l = 0; l < 1 + rnd.nextInt(3); l++) {
        line(csv, no, "22" + (100 + rnd.nextInt(50)), "CANDLE", 1 + rnd.nextInt(6), t, String.format("%.2f", 1 + rnd.nextInt(500) / 100.0), "", "United Kingdom");
      }
      guestInvoices.add(no);
      saleInvoices.add(no);
    }
    // A stock adjustment (negative quantity, no price, no customer): a credit of zero value.
    line(csv, String.valueOf(invoice++), "21134", "damaged", -12, start.plusDays(100), "0.0", "", "United Kingdom");
    // A bad-debt adjustment with a negative price: a credit.
    line(csv, "A563186", "B", "Adjust bad debt", 1, start.plusDays(250), "-11062.06", "", "United Kingdom");
    // A line whose date cannot be read: the one really bad row, quarantined.
    csv.append("581999,22100,CANDLE,2,2011-13-45 25:61:00,1.25,12346.0,United Kingdom\n");
    lines++;
    return csv.toString();
  }

  private static void line(StringBuilder csv, String no, String stock, String description, int quantity,
      LocalDateTime t, String price, String customer, String country) {
    csv.append(String.join(",", no, stock, description, String.valueOf(quantity), TS.format(t), price, customer, country))
        .append('\n');
    expectedRevenue = expectedRevenue.add(new BigDecimal(quantity).multiply(new BigDecimal(price)));
    lines++;
  }

  /** Also the suite's orders-only run: what runs and what is skipped when a shop has no surveys. */
  @Test
  void theTransactionsOnlyShopGetsItsAnalyticsAndTheSurveyStagesAreSkipped() {
    Map<String, String> status = new LinkedHashMap<>();
    out.forEach(o -> status.put(o.stage(), o.status() + (o.reason() == null ? "" : ": " + o.reason())
        + (o.error() == null ? "" : ": " + o.error())));
    System.out.println("online-retail example: " + status);
    for (String stage : List.of("ingest", "curate", "metrics", "segment", "cluster", "clv", "churn", "alerts", "enrich")) {
      assertEquals("success", status.get(stage), stage + " in " + status);
    }
    assertEquals("skipped: " + P + "_gold.fact_survey_rating has no rows", status.get("drivers"));
    assertEquals("skipped: " + P + "_gold.fact_survey_response has no rows", status.get("journey"));
    assertEquals("skipped: none of " + P + "_silver.survey_responses, " + P + "_silver.reviews has rows", status.get("voice"));
    assertEquals(0, io.cxlake.cli.TestAccess.summarize(out), "skips for missing input keep the exit code 0");
    assertEquals(3, ctx.spark().sql("SELECT * FROM " + P + "_ops.pipeline_run WHERE run_id = '" + ctx.runId()
        + "' AND status = 'skipped'").count(), "the skips are in the run log");
    assertEquals(0, ctx.spark().table(P + "_gold.kpi_experience").count());
    // survival: lifetime curves, but no experience model without a single NPS answer
    assertEquals("success", status.get("survival"), "survival in " + status);
    assertTrue(ctx.spark().table(P + "_gold.survival_group").where("population = 'lifetime'").count() > 0);
    assertEquals(0, ctx.spark().table(P + "_gold.survival_group").where("population = 'experience'").count());
    assertEquals(0, ctx.spark().table(P + "_gold.survival_model").count(), "no Cox model of experience without answers");
  }

  @Test
  void theReportShowsWhatTheShopHasAndSaysInOneLineWhatItLacks() throws Exception {
    assertEquals("success", out.stream().filter(o -> o.stage().equals("report")).findFirst().orElseThrow().status());
    Path report = Path.of(java.net.URI.create(io.cxlake.report.ReportStage.location(ctx, io.cxlake.report.ReportStage.asOf(ctx))));
    String index = Files.readString(report.resolve("index.html"));
    assertTrue(index.contains("figure-name\">Revenue") && index.contains("figure-name\">Repurchase rate"), "ops headlines");
    assertFalse(index.contains("figure-name\">NPS"), "no survey headline without surveys");
    assertTrue(Files.readString(report.resolve("experience.html")).contains("No rows in kpi_experience for "));
    assertTrue(Files.readString(report.resolve("drivers.html")).contains("No key_driver table: the drivers stage has not written it"));
    String value = Files.readString(report.resolve("value.html"));
    assertTrue(value.contains("Customer lifetime (all customers)"), "lifetime curves from the orders alone");
    assertTrue(value.contains("No rows in survival_model for "), "no hazard ratios without answers");
    assertTrue(Files.size(report.resolve("assets/echarts.min.js")) > 500_000);
  }

  @Test
  void customersAreDerivedFromTheOrdersAndEveryOneIsSegmented() {
    assertEquals(customers.size(), ctx.spark().table(P + "_silver.dim_customer").count());
    Row uk = ctx.spark().sql("SELECT country, region, acquisition_channel FROM " + P + "_silver.dim_customer WHERE customer_id = '12346'").first();
    assertNotNull(uk);
    assertEquals("online", uk.getString(2));
    assertTrue(List.of("UK", "Europe", "Rest of world").contains(uk.getString(1)), uk.toString());
    long c360 = ctx.spark().table(P + "_gold.customer_360").count();
    assertEquals(customers.size(), c360);
    assertEquals(c360, ctx.spark().table(P + "_gold.customer_360").where("rfm_segment IS NOT NULL").count());
    assertEquals(c360, ctx.spark().table(P + "_gold.customer_value").selectExpr("customer_key").distinct().count());
    assertTrue(ctx.spark().table(P + "_gold.churn_score").count() > 0);
  }

  @Test
  void revenueNetsCreditsAndIncludesGuestsAndOnlyTheBrokenLineIsQuarantined() {
    List<Row> quarantined = ctx.spark().sql("SELECT reason, raw_record FROM " + P + "_ops.quarantine").collectAsList();
    assertEquals(1, quarantined.size(), quarantined.toString());
    assertEquals("unparseable_ts", quarantined.get(0).getString(0));
    assertTrue(quarantined.get(0).getString(1).contains("581999"));
    Row kpi = ctx.spark().sql("SELECT sum(revenue), sum(orders), sum(guest_orders) FROM " + P
        + "_gold.kpi_operations WHERE period_type = 'month' AND slice = 'all'").first();
    assertEquals(0, expectedRevenue.setScale(2).compareTo(kpi.getDecimal(0)),
        "revenue " + kpi.getDecimal(0) + " vs the file's Σ quantity × price (the broken line has none)");
    assertEquals(saleInvoices.size(), kpi.getLong(1), "orders are invoices, not lines");
    assertEquals(guestInvoices.size(), kpi.getLong(2));
    assertEquals(lines - 1, ctx.spark().table(P + "_silver.orders").count(), "every other line is in silver");
  }
}
