package io.cxlake;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxlake.core.Entities;
import io.cxlake.core.EntitySpec;
import io.cxlake.core.JobContext;
import io.cxlake.core.JobRunner;
import io.cxlake.core.StageResult;
import io.cxlake.curate.CurateStage;
import io.cxlake.generate.Generator;
import io.cxlake.ingest.IngestStage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Generated data with dirty rows of every kind through ingest and curate. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineTest {
  private static final String P = "pt";
  private static Path landing;
  private static JsonNode truth;
  private static SparkSession spark;
  private static Path sources;

  @BeforeAll
  static void generateAndRun() throws Exception {
    spark = TestSpark.session();
    TestSpark.dropDatabases(P);
    landing = Files.createTempDirectory("cxlake-pt-landing-");
    Generator.generate(new Generator.Params(0.004, 31, landing, 0.06, LocalDate.of(2026, 10, 31), 24));
    truth = new ObjectMapper().readTree(landing.resolve("_truth.json").toFile());
    sources = TestSpark.repoRoot().resolve("conf/sources.yaml");
    List<JobRunner.StageOutcome> out = JobRunner.run(TestSpark.context(P, sources, landing),
        List.of(TestSpark.stage("ingest"), TestSpark.stage("curate")));
    out.forEach(o -> assertEquals("success", o.status(), o.stage() + ": " + o.error()));
  }

  private static long count(String sql) {
    return spark.sql(sql).first().getLong(0);
  }

  @Test
  @Order(1)
  void quarantineCountsPerReasonEqualTheTruth() {
    Map<String, Long> observed = new HashMap<>();
    for (Row r : spark.sql("SELECT entity, reason, count(*) FROM " + P + "_ops.quarantine GROUP BY 1, 2").collectAsList()) {
      observed.put(r.getString(0) + "/" + r.getString(1), r.getLong(2));
    }
    for (Row r : spark.sql("SELECT entity, sum(exact_duplicate_rows) FROM " + P + "_ops.curate_batch GROUP BY 1").collectAsList()) {
      if (r.getLong(1) > 0) {
        observed.put(r.getString(0) + "/exact_duplicate", r.getLong(1));
      }
    }
    Map<String, Long> expected = new HashMap<>();
    Set<String> reasons = new HashSet<>();
    Iterator<Map.Entry<String, JsonNode>> entities = truth.at("/dirty_rows/by_entity").fields();
    while (entities.hasNext()) {
      Map.Entry<String, JsonNode> e = entities.next();
      e.getValue().fields().forEachRemaining(r -> {
        expected.put(e.getKey() + "/" + r.getKey(), r.getValue().asLong());
        reasons.add(r.getKey());
      });
    }
    assertEquals(expected, observed);
    // The planted data exercises every reason code.
    assertEquals(Set.of("null_key", "missing_value", "bad_type", "unparseable_ts", "out_of_range", "invalid_value",
        "future_ts", "orphan_fk", "duplicate_key", "exact_duplicate", "malformed_record"), reasons);
  }

  @Test
  @Order(2)
  void bronzeEqualsSilverPlusQuarantinePlusExactDuplicates() {
    for (EntitySpec e : Entities.ALL) {
      long bronze = count("SELECT count(*) FROM " + P + "_bronze." + e.name());
      long silver = count("SELECT count(*) FROM " + P + "_silver." + e.silverTable());
      long quarantined = count("SELECT count(*) FROM " + P + "_ops.quarantine WHERE entity = '" + e.name() + "'");
      long dups = count("SELECT coalesce(sum(exact_duplicate_rows), 0) FROM " + P + "_ops.curate_batch WHERE entity = '"
          + e.name() + "'");
      assertEquals(bronze, silver + quarantined + dups, e.name());
      assertEquals(truth.at("/row_counts/" + e.name() + "/total").asLong(), bronze, e.name() + " bronze = landed rows");
    }
  }

  @Test
  @Order(3)
  void quarantineKeepsRawRecordAndReason() {
    Row r = spark.sql("SELECT raw_record, detail, reason_codes FROM " + P + "_ops.quarantine"
        + " WHERE entity = 'orders' AND reason = 'bad_type' LIMIT 1").first();
    assertTrue(r.getString(0).contains("\"quantity\":\"1O\""), r.getString(0));
    assertEquals("quantity=1O", r.getString(1));
    assertEquals(List.of("bad_type"), r.getList(2));
    Row m = spark.sql("SELECT raw_record FROM " + P + "_ops.quarantine WHERE reason = 'malformed_record' LIMIT 1").first();
    assertTrue(m.getString(0).contains("_corrupt_record"), m.getString(0));
  }

  @Test
  @Order(4)
  void silverIsTypedAndConformed() {
    Row r = spark.sql("SELECT typeof(amount), typeof(order_ts), typeof(quantity) FROM " + P + "_silver.orders LIMIT 1").first();
    assertEquals("decimal(18,2)", r.getString(0));
    assertEquals("timestamp", r.getString(1));
    assertEquals("int", r.getString(2));
    assertEquals(0, count("SELECT count(*) FROM " + P + "_silver.orders o LEFT ANTI JOIN " + P
        + "_silver.dim_customer c USING (customer_id)"), "no orphan orders in silver");
  }

  @Test
  @Order(5)
  void rerunningIngestAndCurateAddsNoRows() {
    Map<String, Long> before = tableCounts();
    JobContext again = TestSpark.context(P, sources, landing);
    List<JobRunner.StageOutcome> out = JobRunner.run(again, List.of(TestSpark.stage("ingest"), TestSpark.stage("curate")));
    StageResult ingest = out.get(0).result();
    assertEquals(0, ingest.rowsOut(), "no file is ingested twice");
    assertEquals(tableCounts(), before);
    assertTrue(count("SELECT count(*) FROM " + P + "_ops.ingest_file WHERE run_id = '" + again.runId()
        + "' AND status = 'skipped_unchanged'") >= 9);
    assertEquals(4, count("SELECT count(*) FROM " + P + "_ops.pipeline_run WHERE status = 'success'"));
  }

  @Test
  @Order(6)
  void aCurateKilledBeforeItsLedgerCommitIsHealedByTheRerun() {
    // Curate writes silver, then every entity's quarantine rows in one commit, then the ledger:
    // without the ledger rows the batches count as not curated. A rerun curates them again and
    // replaces their quarantine rows rather than adding a second copy.
    Map<String, Long> before = tableCounts();
    Map<String, Long> quarantinedBefore = new HashMap<>();
    spark.sql("SELECT entity, count(*) FROM " + P + "_ops.quarantine GROUP BY entity").collectAsList()
        .forEach(r -> quarantinedBefore.put(r.getString(0), r.getLong(1)));
    spark.sql("DELETE FROM " + P + "_ops.curate_batch WHERE entity IN ('orders', 'survey_responses')");
    JobContext again = TestSpark.context(P, sources, landing);
    List<JobRunner.StageOutcome> out = JobRunner.run(again, List.of(TestSpark.stage("curate")));
    assertEquals("success", out.get(0).status(), String.valueOf(out.get(0).error()));
    assertTrue(out.get(0).result().rowsIn() > 0, "the two entities' batches were curated again");
    assertEquals(before, tableCounts());
    Map<String, Long> quarantinedAfter = new HashMap<>();
    spark.sql("SELECT entity, count(*) FROM " + P + "_ops.quarantine GROUP BY entity").collectAsList()
        .forEach(r -> quarantinedAfter.put(r.getString(0), r.getLong(1)));
    assertEquals(quarantinedBefore, quarantinedAfter);
    assertTrue(quarantinedAfter.get("orders") > 0, "orders has quarantined rows to replace");
    assertEquals(quarantinedAfter.get("orders"), count("SELECT count(*) FROM " + P + "_ops.quarantine WHERE entity = 'orders'"
        + " AND run_id = '" + again.runId() + "'"), "the rerun's rows replaced the first run's");
  }

  @Test
  @Order(7)
  void tablesAndSqlCommandsPrintTheCatalog() throws Exception {
    String tables = capture(() -> io.cxlake.cli.TestAccess.tables(spark, TestSpark.context(P, sources, landing)));
    assertTrue(tables.contains(P + "_silver.orders"), tables);
    assertTrue(tables.contains(P + "_ops.quarantine"), tables);
    assertTrue(tables.contains("Grain: one row per order_id"), tables);
    String csv = capture(() -> io.cxlake.cli.TestAccess.sql(spark,
        "SELECT count(*) AS n FROM " + P + "_silver.dim_customer", "csv"));
    assertEquals("n\n" + count("SELECT count(*) FROM " + P + "_silver.dim_customer") + "\n", csv);
    String json = capture(() -> io.cxlake.cli.TestAccess.sql(spark, "SELECT 1 AS a, 'x' AS b", "json"));
    assertEquals("{\"a\":1,\"b\":\"x\"}\n", json);
  }

  @Test
  @Order(8)
  void aQuarantinedRowFixedAndRelandedFlowsToSilverAndTheQuarantineKeepsItsHistory() throws Exception {
    // An order rejected for one reason only (a quantity that is not a number), as it was landed.
    Row bad = spark.sql("SELECT record_key, raw_record, source_file FROM " + P + "_ops.quarantine WHERE entity = 'orders'"
        + " AND reason_codes = array('bad_type') AND detail LIKE 'quantity=%' ORDER BY record_key LIMIT 1").first();
    String recordKey = bad.getString(0);
    String[] key = recordKey.split("\\|"); // order_id|line_id
    String inSilver = "SELECT count(*) FROM " + P + "_silver.orders WHERE order_id = '" + key[0] + "' AND line_id = '" + key[1] + "'";
    assertEquals(0, count(inSilver));
    String before = capture(() -> io.cxlake.cli.TestAccess.quarantine(spark, TestSpark.context(P, sources, landing),
        "orders", "bad_type", 2));
    assertTrue(before.matches("(?s).*Quarantine \\(" + P + "_ops.quarantine\\) for entity orders, reason bad_type: "
        + "\\d+ rows, 0 with their key in silver now.*"), before);
    assertTrue(before.contains("orders / bad_type\n  key "), before);
    assertTrue(before.contains("quantity="), before);

    // The source fixes the row: the same columns as the file it came from, a numeric quantity.
    String file = bad.getString(2);
    java.nio.file.Path source = file.startsWith("file:") ? java.nio.file.Path.of(java.net.URI.create(file)) : java.nio.file.Path.of(file);
    List<String> header = List.of(Files.readAllLines(source).get(0).split(","));
    JsonNode raw = new ObjectMapper().readTree(bad.getString(1));
    List<String> fixed = header.stream().map(c -> c.equals("quantity") ? "1" : raw.path(c).asText(""))
        .map(v -> v.contains(",") ? "\"" + v + "\"" : v).toList();
    Files.writeString(source.resolveSibling("orders_fixed.csv"), String.join(",", header) + "\n" + String.join(",", fixed) + "\n");
    long quarantined = count("SELECT count(*) FROM " + P + "_ops.quarantine WHERE entity = 'orders'");
    List<JobRunner.StageOutcome> out = JobRunner.run(TestSpark.context(P, sources, landing),
        List.of(TestSpark.stage("ingest"), TestSpark.stage("curate")));
    out.forEach(o -> assertEquals("success", o.status(), o.stage() + ": " + o.error()));

    assertEquals(1, count(inSilver));
    assertEquals(quarantined, count("SELECT count(*) FROM " + P + "_ops.quarantine WHERE entity = 'orders'"),
        "the quarantine keeps the rejected row");
    String after = capture(() -> io.cxlake.cli.TestAccess.quarantine(spark, TestSpark.context(P, sources, landing),
        "orders", "bad_type", 50));
    assertTrue(after.contains(", 1 with their key in silver now"), after);
    assertTrue(after.contains("key " + recordKey + " (in silver now)"), after);
  }

  @Test
  @Order(9)
  void silverResolvesEveryGoldKeyToItsCustomerAndTheKeyNeedsTheSecret() {
    String map = P + "_silver.customer_key";
    long customers = count("SELECT count(*) FROM " + P + "_silver.dim_customer");
    assertEquals(customers, count("SELECT count(*) FROM " + map));
    assertEquals(customers, count("SELECT count(DISTINCT customer_key) FROM " + map));
    byte[] secret = io.cxlake.platform.PseudonymSecret.of(TestSpark.context(P, sources, landing));
    Row r = spark.table(map).orderBy("customer_id").select(org.apache.spark.sql.functions.col("customer_id"),
        org.apache.spark.sql.functions.col("customer_key"),
        io.cxlake.platform.Pseudonym.customerKey(org.apache.spark.sql.functions.col("customer_id"), secret),
        org.apache.spark.sql.functions.expr("substring(sha2(concat('cxlake|', customer_id), 256), 1, 16)")).first();
    assertEquals(r.getString(2), r.getString(1), "the map holds the key metrics gives the customer");
    assertNotEquals(r.getString(3), r.getString(1), "the old unkeyed hash of the id does not give the key");
  }

  private static Map<String, Long> tableCounts() {
    Map<String, Long> m = new HashMap<>();
    for (EntitySpec e : Entities.ALL) {
      m.put("bronze." + e.name(), count("SELECT count(*) FROM " + P + "_bronze." + e.name()));
      m.put("silver." + e.name(), count("SELECT count(*) FROM " + P + "_silver." + e.silverTable()));
    }
    m.put("quarantine", count("SELECT count(*) FROM " + P + "_ops.quarantine"));
    m.put("curate_batch", count("SELECT count(*) FROM " + P + "_ops.curate_batch"));
    return m;
  }

  /** What {@code body} prints to standard output. */
  static String capture(Console.Body body) throws Exception {
    return Console.capture(body).out();
  }
}
