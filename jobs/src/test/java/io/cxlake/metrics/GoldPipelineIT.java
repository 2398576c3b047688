package io.cxlake.metrics;

import io.cxlake.alerts.AlertsStage;
import io.cxlake.alerts.AlertsConfig;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxlake.GeneratedLakehouse;
import io.cxlake.TestHdfs;
import io.cxlake.TestSpark;
import io.cxlake.contract.TableContract;
import io.cxlake.core.JobRunner;
import io.cxlake.core.Stage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The shared generated lakehouse (scale 0.05, on HDFS) through alerts: the planted NPS drop
 * raises an alert in its slice and month, reruns change nothing, new data recomputes only the
 * periods it touches and matches a full rebuild (a changed or new customer: the periods of their
 * activity), and every gold table carries its contract.
 *
 * <p>It is the one test that changes the shared silver and facts (it lands late orders, a late
 * response, a moved and a new customer), so it runs after every other test class that reads them ({@link Order} with
 * the class orderer of junit-platform.properties).
 */
@Order(Integer.MAX_VALUE - 1)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GoldPipelineIT {
  private static GeneratedLakehouse lake;
  private static SparkSession spark;
  private static JsonNode truth;
  private static String printed;

  @BeforeAll
  static void runAlerts() throws Exception {
    lake = GeneratedLakehouse.get();
    spark = TestSpark.session();
    truth = lake.truth;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    run(new AlertsStage(new PrintStream(buf, true, StandardCharsets.UTF_8)));
    printed = buf.toString(StandardCharsets.UTF_8);
  }

  private static List<JobRunner.StageOutcome> run(Stage... stages) {
    return lake.run(stages);
  }

  private static String gold(String table) {
    return lake.gold(table);
  }

  private static Map<String, Long> versions() {
    Map<String, Long> v = new HashMap<>();
    for (TableContract c : GoldContracts.all()) {
      v.put(c.name(), spark.sql("DESCRIBE HISTORY " + gold(c.name()) + " LIMIT 1").first().getLong(0));
    }
    return v;
  }

  @Test
  @Order(1)
  void thePlantedNpsDropRaisesAnAlertInItsSliceAndMonth() {
    String month = truth.at("/kpi_drop/month").asText();
    String region = truth.at("/kpi_drop/slice_value").asText();
    Dataset<Row> alert = spark.table(gold("cx_alert")).where("kpi = 'nps' AND alert_kind = 'change' AND slice = 'region' "
        + "AND slice_value = '" + region + "' AND period_type = 'month' AND period_start = DATE'" + month + "-01'");
    assertEquals(1, alert.count(), "alerts: " + spark.table(gold("cx_alert")).where("kpi = 'nps'").collectAsList());
    Row a = alert.first();
    assertTrue(List.of("medium", "high", "critical").contains(a.<String>getAs("severity")), a.toString());
    assertTrue(a.<Double>getAs("change") < -20, a.toString());
    assertTrue(a.<Double>getAs("p_value") < 0.05, a.toString());
    assertTrue(printed.contains("nps in region=" + region + " fell to"), printed);
    // No other region dropped significantly in that month.
    assertEquals(0, spark.table(gold("cx_alert")).where("kpi = 'nps' AND alert_kind = 'change' AND slice = 'region' "
        + "AND slice_value <> '" + region + "' AND period_start = DATE'" + month + "-01'").count());
  }

  @Test
  @Order(2)
  void aSliceBelowTheMinimumNRaisesNoChangeAlert() {
    AlertsConfig a = TestSpark.section(AlertsConfig.SECTION, "");
    for (Row r : spark.table(gold("cx_alert")).where("alert_kind = 'change'").collectAsList()) {
      assertTrue(r.<Double>getAs("n") >= a.minResponses() && r.<Double>getAs("baseline_n") >= a.minResponses(), r.toString());
    }
    // The planted drop's slice-month has a few dozen responses: with a minimum above that, no alert.
    String month = truth.at("/kpi_drop/month").asText();
    String region = truth.at("/kpi_drop/slice_value").asText();
    Dataset<Row> responses = spark.table(gold("fact_survey_response"))
        .join(spark.table(gold("dim_customer")).select("customer_key", "region"), "customer_key");
    Dataset<Row> stats = AlertsStage.experienceStats(responses, "month", 3, List.of("region"));
    AlertsConfig strict = TestSpark.section(AlertsConfig.SECTION, "alerts: {min_responses: 1000}");
    Dataset<Row> none = AlertsStage.evaluate(stats, strict, 30, LocalDate.of(2026, 10, 31), "t")
        .where("slice_value = '" + region + "' AND period_start = DATE'" + month + "-01' AND alert_kind = 'change'");
    assertEquals(0, none.count());
    Dataset<Row> some = AlertsStage.evaluate(stats, a, 30, LocalDate.of(2026, 10, 31), "t")
        .where("slice_value = '" + region + "' AND period_start = DATE'" + month + "-01' AND kpi = 'nps' AND alert_kind = 'change'");
    assertEquals(1, some.count(), "same statistics, default minimum: the alert is there");
  }

  @Test
  @Order(3)
  void kpisAreConsistentWithTheFacts() {
    Row all = spark.sql("SELECT sum(responses), sum(CASE WHEN slice = 'region' THEN responses END) FROM " + gold("kpi_experience")
        + " WHERE period_type = 'month' AND slice IN ('all', 'region')").first();
    long facts = spark.table(gold("fact_survey_response")).count();
    assertEquals(facts, all.getLong(0) / 2, "the all slice and the region slices each count every response once");
    assertEquals(facts, all.getLong(1));
    Row rev = spark.sql("SELECT sum(revenue) FROM " + gold("kpi_operations") + " WHERE period_type = 'week' AND slice = 'all'").first();
    Row factRev = spark.sql("SELECT sum(net_amount) FROM " + gold("fact_order") + " WHERE is_completed").first();
    assertEquals(0, factRev.getDecimal(0).compareTo(rev.getDecimal(0)));
    long customers = truth.at("/generator/customers").asLong();
    assertEquals(customers, spark.sql("SELECT count(*) FROM " + gold("customer_360")).first().getLong(0));
    assertEquals(0, spark.sql("SELECT count(*) FROM " + gold("detractor_followup")
        + " WHERE verbatim_redacted RLIKE '@|[0-9]{4} [0-9]{4}|\\\\+[0-9]{2} '").first().getLong(0), "no PII left");
  }

  @Test
  @Order(4)
  void everyGoldTableCarriesItsContract() {
    for (TableContract c : GoldContracts.all()) {
      io.cxlake.contract.ContractAssert.carries(spark, gold(c.name()), c);
    }
    long failed = spark.table(GeneratedLakehouse.PREFIX + "_ops.dq_result").where("status = 'fail'").count();
    assertEquals(0, failed, "no data-quality failures on generated data");
  }

  @Test
  @Order(5)
  void aRerunForTheSameAsOfChangesNothing() {
    Map<String, Long> before = versions();
    List<JobRunner.StageOutcome> out = run(TestSpark.stage("metrics"), new AlertsStage(new PrintStream(new ByteArrayOutputStream())));
    assertEquals(0L, out.get(0).result().counts().get("tables_written"));
    assertEquals(0L, out.get(0).result().rowsOut());
    assertEquals(before, versions());
  }

  @Test
  @Order(6)
  void newDataRecomputesOnlyTheTouchedPeriodsAndMatchesAFullRebuild() throws Exception {
    String oldRun = spark.sql("SELECT max(run_id) FROM " + gold("kpi_experience")).first().getString(0);
    // Two new orders and one new response in March 2026 for an existing customer.
    String customer = spark.sql("SELECT customer_id FROM " + GeneratedLakehouse.PREFIX + "_silver.dim_customer ORDER BY customer_id LIMIT 1").first().getString(0);
    land("orders/orders_late.csv",
        "order_id,customer_id,order_ts,product_id,category,quantity,amount,discount,channel,status\n"
            + "OLATE0001," + customer + ",2026-03-10 10:00:00,P1,books,1,20.00,0.00,web,completed\n"
            + "OLATE0002," + customer + ",2026-03-12 10:00:00,P1,books,1,30.00,5.00,web,completed\n");
    land("survey_responses/late.jsonl",
        "{\"response_id\":\"SRLATE01\",\"customer_id\":\"" + customer + "\",\"survey_type\":\"transactional\","
            + "\"touchpoint\":\"website\",\"journey_stage\":\"purchase\",\"channel\":\"web\","
            + "\"responded_ts\":\"2026-03-11T10:00:00Z\",\"nps\":0,\"csat\":1}\n");
    List<JobRunner.StageOutcome> day = run(TestSpark.stage("ingest"), TestSpark.stage("curate"), TestSpark.stage("metrics"));
    assertEquals(2L, day.get(2).result().counts().get("silver_changes_from_feed"),
        "the new orders and response are read from the silver tables' change feeds, not by comparing versions");
    String newRun = spark.sql("SELECT max(run_id) FROM " + gold("kpi_experience")).first().getString(0);
    assertNotEquals(oldRun, newRun);
    Dataset<Row> exp = spark.table(gold("kpi_experience"));
    assertEquals(newRun, exp.where("period_type = 'month' AND period_start = DATE'2026-03-01' AND slice = 'all'")
        .first().getAs("run_id"));
    assertEquals(oldRun, exp.where("period_type = 'month' AND period_start = DATE'2026-02-01' AND slice = 'all'")
        .first().getAs("run_id"), "February was not recomputed");
    assertEquals(oldRun, exp.where("period_type = 'month' AND period_start = DATE'2026-04-01' AND slice = 'all'")
        .first().getAs("run_id"), "April was not recomputed");
    assertEquals(oldRun, spark.table(gold("kpi_operations"))
        .where("period_type = 'month' AND period_start = DATE'2026-01-01' AND slice = 'all'").first().getAs("run_id"));
    assertEquals(newRun, spark.table(gold("kpi_operations"))
        .where("period_type = 'month' AND period_start = DATE'2026-05-01' AND slice = 'all'").first().getAs("run_id"),
        "orders reach forward by churn_inactivity_days");

    assertFactsMerged("fact_order", "fact_survey_response");
    assertIncrementalEqualsAFullRebuild();
  }

  @Test
  @Order(7)
  void aNewCustomerAndAMovedOneRecomputeTheirActivityPeriodsOnlyAndMatchAFullRebuild() throws Exception {
    String oldRun = spark.sql("SELECT max(run_id) FROM " + gold("kpi_operations")).first().getString(0);
    String silver = GeneratedLakehouse.PREFIX + "_silver.";
    // The customer with the fewest orders moves to another region; a new one buys once in June 2025.
    Row moved = spark.sql("SELECT c.customer_id, c.signup_date, c.country, c.region, c.acquisition_channel, c.plan, "
        + "c.birth_year, c.email, c.phone FROM " + silver + "dim_customer c JOIN " + silver + "orders o USING (customer_id) "
        + "GROUP BY ALL ORDER BY count(*), 1 LIMIT 1").first();
    String otherRegion = spark.sql("SELECT min(region) FROM " + silver + "dim_customer WHERE region <> '" + moved.getString(3)
        + "'").first().getString(0);
    StringBuilder csv = new StringBuilder("customer_id,signup_date,country,region,acquisition_channel,plan,birth_year,email,phone\n");
    for (int i = 0; i < moved.size(); i++) {
      csv.append(i == 0 ? "" : ",").append(i == 3 ? otherRegion : moved.isNullAt(i) ? "" : moved.get(i).toString());
    }
    csv.append("\nCNEW0001,2025-06-01,US,").append(otherRegion).append(",web,,1990,,\n");
    land("customers/customers_changed.csv", csv.toString());
    land("orders/orders_new_customer.csv",
        "order_id,customer_id,order_ts,product_id,category,quantity,amount,discount,channel,status\n"
            + "ONEW0001,CNEW0001,2025-06-15 10:00:00,P1,books,1,25.00,0.00,web,completed\n");
    List<String> untouched = List.of("fact_renewal", "fact_interaction", "fact_survey_response", "fact_survey_rating");
    Map<String, Long> untouchedBefore = untouched.stream().collect(Collectors.toMap(f -> f, GoldPipelineIT::version));
    run(TestSpark.stage("ingest"), TestSpark.stage("curate"), TestSpark.stage("metrics"));
    String newRun = spark.sql("SELECT max(run_id) FROM " + gold("kpi_operations")).first().getString(0);
    assertNotEquals(oldRun, newRun);
    assertEquals(untouchedBefore, untouched.stream().collect(Collectors.toMap(f -> f, GoldPipelineIT::version)),
        "a fact with no row to recompute (no renewal, contact or response changed) is not written");
    Dataset<Row> months = spark.table(gold("kpi_operations")).where("period_type = 'month' AND slice = 'all'");
    assertEquals(newRun, months.where("period_start = DATE'2025-06-01'").first().getAs("run_id"),
        "the new customer's order month");
    long recomputed = months.where("run_id = '" + newRun + "'").count();
    assertTrue(recomputed >= 1 && recomputed < months.count(),
        recomputed + " of " + months.count() + " months recomputed: only those of the two customers' activity");
    assertEquals(0, spark.table(gold("kpi_heart")).where("run_id = '" + newRun + "'").count(),
        "kpi_heart reads no customer attribute: not recomputed");
    assertFactsMerged("fact_order");
    assertIncrementalEqualsAFullRebuild();
  }

  /**
   * Facts depend on the as-of date too: an order placed, a renewal decided, a contact answered
   * or resolved, a response given after the previous as-of date enters (or changes) with the
   * new one, with no change in silver.
   */
  @Test
  @Order(8)
  void theAsOfDateMovingOnRecomputesTheFactRowsOfTheDaysBetweenAndMatchesAFullRebuild() {
    LocalDate earlier = LocalDate.of(2026, 10, 17);
    lake.run(earlier, true, List.of(TestSpark.stage("metrics")));
    long ordersBefore = spark.table(gold("fact_order")).count();
    long unresolvedBefore = spark.table(gold("fact_interaction")).where("NOT is_resolved").count();
    lake.run(null, false, List.of(TestSpark.stage("metrics")));
    assertFactsMerged(FACTS.toArray(String[]::new));
    assertTrue(spark.table(gold("fact_order")).count() > ordersBefore, "the orders of the days between entered");
    assertTrue(spark.table(gold("fact_interaction")).where("NOT is_resolved AND opened_date <= DATE'" + earlier + "'")
        .count() < unresolvedBefore, "contacts open at the earlier date and resolved since are resolved now");
    assertIncrementalEqualsAFullRebuild();
    spark.sql("DELETE FROM " + gold("customer_360") + " WHERE snapshot_date = DATE'" + earlier + "'");
  }

  private static long version(String table) {
    return spark.sql("DESCRIBE HISTORY " + gold(table) + " LIMIT 1").first().getLong(0);
  }

  /** The facts' latest commits merged the recomputed keys only: none rewrote a fact. */
  private static void assertFactsMerged(String... facts) {
    for (String fact : facts) {
      assertEquals("MERGE", spark.sql("DESCRIBE HISTORY " + gold(fact) + " LIMIT 1").first().getAs("operation"),
          fact + " merged");
    }
  }

  private static final List<String> FACTS =
      List.of("fact_order", "fact_renewal", "fact_interaction", "fact_survey_response", "fact_survey_rating");

  /** The facts and KPI tables as the incremental runs left them equal, row for row, a full rebuild. */
  private static void assertIncrementalEqualsAFullRebuild() {
    Map<String, Dataset<Row>> incremental = new HashMap<>();
    List<String> compared = new java.util.ArrayList<>(FACTS);
    compared.addAll(List.of("kpi_experience", "kpi_operations", "kpi_heart"));
    for (String t : compared) {
      incremental.put(t, spark.table(gold(t)).drop("run_id").localCheckpoint());
    }
    lake.run(true, List.of(TestSpark.stage("metrics")));
    for (String t : incremental.keySet()) {
      Dataset<Row> full = spark.table(gold(t)).drop("run_id");
      List<Row> onlyIncremental = incremental.get(t).exceptAll(full).limit(5).collectAsList();
      List<Row> onlyFull = full.exceptAll(incremental.get(t)).limit(5).collectAsList();
      assertEquals(List.of(), onlyIncremental, t + ": incremental rows not in the full rebuild; full has " + onlyFull);
      assertEquals(List.of(), onlyFull, t + ": full-rebuild rows missing from the incremental result");
    }
  }

  /** A new landing file on the shared lakehouse's HDFS landing root. */
  private static void land(String relative, String text) throws Exception {
    try (FSDataOutputStream out = TestHdfs.fileSystem().create(new org.apache.hadoop.fs.Path(lake.landing + "/" + relative))) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }
}
