package io.cxlake;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.core.JobContext;
import io.cxlake.core.JobRunner;
import io.cxlake.core.StageResult;
import io.cxlake.curate.CurateStage;
import io.cxlake.ingest.IngestStage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Hand-made landing files: bad files, duplicates, orphans, and an update in a later batch. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LandingEdgeCasesTest {
  private static final String P = "le";
  private static final String HEADER = "customer_id,signup_date,country,region,acquisition_channel,plan,birth_year,email,phone\n";
  private static SparkSession spark;
  private static Path landing;
  private static Path sources;
  private static StageResult firstIngest;

  @BeforeAll
  static void firstBatch() throws Exception {
    spark = TestSpark.session();
    TestSpark.dropDatabases(P);
    landing = Files.createTempDirectory("cxlake-le-");
    sources = landing.resolve("sources.yaml");
    Files.writeString(sources, """
        landing_root: .
        entities:
          customers: {path: customers/*.csv, format: csv}
          orders: {path: orders/*.csv, format: csv}
          digital_events: {path: digital_events/*.parquet, format: parquet}
          reviews: {path: reviews/*.jsonl, format: json, required: false}
        """);
    write("customers/c1.csv", HEADER
        + "C1,2024-01-05, us ,NA-East,referral,,1980,A@X.com,\n"
        + "C2,2024-02-05,BR,LATAM,social,basic,,b@x.com,\n"
        + "C2,2024-02-05,BR,LATAM,partner,basic,,b@x.com,\n");
    write("orders/o1.csv", "order_id,customer_id,order_ts,product_id,category,quantity,amount,discount,channel,status\n"
        + "O1,C1,2025-03-01 10:00:00,P1,home,1,10.50,0,web,Completed\n"
        + "O2,C9,2025-03-02 11:00:00,P2,home,2,20.00,0,web,completed\n");
    write("orders/o_bad_header.csv", "order_id,customer,when\nO3,C1,2025-01-01\n");
    write("orders/o_empty.csv", "");
    write("digital_events/part-0.parquet", "this is not parquet at all");
    firstIngest = JobRunner.run(ctx(), List.of(TestSpark.stage("ingest"))).get(0).result();
    JobRunner.run(ctx(), List.of(TestSpark.stage("curate")));
  }

  private static JobContext ctx() {
    return TestSpark.context(P, sources, null);
  }

  private static void write(String rel, String content) throws Exception {
    Path f = landing.resolve(rel);
    Files.createDirectories(f.getParent());
    Files.writeString(f, content);
  }

  private static long count(String sql) {
    return spark.sql(sql).first().getLong(0);
  }

  @Test
  @Order(1)
  void badFilesAreReportedClearlyWhileTheRestIngests() {
    List<String> problems = firstIngest.problems();
    assertEquals(2, problems.size(), problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("orders: ") && p.contains("o_bad_header.csv")
        && p.contains("header lacks columns [order_ts, product_id")), problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("digital_events: ") && p.contains("part-0.parquet")
        && p.contains("not a readable Parquet file")), problems.toString());
    assertEquals(3, count("SELECT count(*) FROM " + P + "_bronze.customers"));
    assertEquals(2, count("SELECT count(*) FROM " + P + "_bronze.orders"), "the good orders file still ingests");
    assertEquals(1, count("SELECT count(*) FROM " + P + "_ops.ingest_file WHERE status = 'empty' AND path LIKE '%o_empty.csv'"));
    assertEquals(2, count("SELECT count(*) FROM " + P + "_ops.ingest_file WHERE status = 'rejected'"));
    assertEquals(1, count("SELECT count(*) FROM " + P + "_ops.ingest_file WHERE status = 'missing' AND entity = 'reviews'"),
        "an optional source with no file is logged, not a failure");
    assertEquals(1, count("SELECT count(*) FROM " + P + "_ops.pipeline_run WHERE job = 'ingest' AND status = 'failed'"
        + " AND error LIKE '%o_bad_header.csv%'"), "on_bad_file: fail makes the job fail after ingesting the rest");
  }

  @Test
  @Order(2)
  void firstRowOfAKeyWinsWithinABatchAndConflictsAreQuarantined() {
    Row c2 = spark.sql("SELECT acquisition_channel FROM " + P + "_silver.dim_customer WHERE customer_id = 'C2'").first();
    assertEquals("social", c2.getString(0));
    Row q = spark.sql("SELECT reason, record_key, raw_record FROM " + P + "_ops.quarantine WHERE entity = 'customers'").first();
    assertEquals("duplicate_key", q.getString(0));
    assertEquals("C2", q.getString(1));
    assertTrue(q.getString(2).contains("partner"));
  }

  @Test
  @Order(3)
  void orphansAreQuarantinedAndValuesConformed() {
    assertEquals(List.of("O1"), spark.sql("SELECT order_id FROM " + P + "_silver.orders").as(
        org.apache.spark.sql.Encoders.STRING()).collectAsList());
    Row o = spark.sql("SELECT status, amount FROM " + P + "_silver.orders").first();
    assertEquals("completed", o.getString(0));
    assertEquals(new java.math.BigDecimal("10.50"), o.getDecimal(1));
    assertEquals("orphan_fk", spark.sql("SELECT reason FROM " + P + "_ops.quarantine WHERE entity = 'orders'").first().getString(0));
    Row c1 = spark.sql("SELECT country, email FROM " + P + "_silver.dim_customer WHERE customer_id = 'C1'").first();
    assertEquals("US", c1.getString(0));
    assertEquals("a@x.com", c1.getString(1));
  }

  @Test
  @Order(4)
  void aNewerRecordForTheSameKeyReplacesTheOldOne() throws Exception {
    write("customers/c2.csv", HEADER + "C1,2024-01-05,US,NA-West,referral,plus,1980,a@x.com,\n");
    JobContext second = ctx();
    List<JobRunner.StageOutcome> out = JobRunner.run(second, List.of(TestSpark.stage("ingest"), TestSpark.stage("curate")));
    assertEquals(1, out.get(0).result().counts().get("customers"), "only the new file is read");
    assertEquals(List.of("failed", "skipped"), out.stream().map(JobRunner.StageOutcome::status).toList(),
        "the bad files still fail ingest, which stops the stages after it");
    JobRunner.run(second, List.of(TestSpark.stage("curate")));
    Row c1 = spark.sql("SELECT region, plan FROM " + P + "_silver.dim_customer WHERE customer_id = 'C1'").first();
    assertEquals("NA-West", c1.getString(0));
    assertEquals("plus", c1.getString(1));
    assertEquals(2, count("SELECT count(*) FROM " + P + "_silver.dim_customer"));
    assertEquals(1, count("SELECT accepted_rows FROM " + P + "_ops.curate_batch WHERE entity = 'customers' AND batch_id = '"
        + second.runId() + "'"));
    assertEquals(1, count("SELECT count(*) FROM " + P + "_ops.quarantine WHERE entity = 'customers'"),
        "quarantine is not duplicated by the second run");
  }

  @Test
  @Order(5)
  void absentOptionalColumnsReadAsNull() throws Exception {
    write("customers/c3.csv", "customer_id,signup_date,country,region,acquisition_channel\nC3,2024-03-01,DE,EU,search\n");
    JobRunner.run(ctx(), List.of(TestSpark.stage("ingest"), TestSpark.stage("curate")));
    JobRunner.run(ctx(), List.of(TestSpark.stage("curate")));
    Row c3 = spark.sql("SELECT region, plan, birth_year, email, phone FROM " + P + "_silver.dim_customer WHERE customer_id = 'C3'").first();
    assertEquals("EU", c3.getString(0));
    for (int i = 1; i < 5; i++) {
      assertTrue(c3.isNullAt(i), c3.toString());
    }
    assertEquals(0, count("SELECT count(*) FROM " + P + "_ops.ingest_file WHERE path LIKE '%c3.csv' AND status = 'rejected'"));
  }

  @Test
  @Order(6)
  void aDerivedEntityWhoseQueryNamesAnUnknownColumnIsAConfigurationError() throws Exception {
    Path bad = landing.resolve("derived.yaml");
    Files.writeString(bad, """
        landing_root: .
        entities:
          orders: {path: orders/o1.csv, format: csv}
          customers:
            query: "SELECT customer_id, min(order_ts) AS signup_date, first(shop_country) AS country FROM orders GROUP BY 1"
        """);
    List<JobRunner.StageOutcome> out = JobRunner.run(TestSpark.context(P, bad, null), List.of(TestSpark.stage("ingest")));
    assertEquals("failed", out.get(0).status());
    assertEquals(2, out.get(0).exitCode(), "a configuration error: exit code 2");
    assertTrue(out.get(0).error().startsWith(bad + ": key 'entities.customers.query': ")
        && out.get(0).error().contains("shop_country"), out.get(0).error());
    assertEquals(0, count("SELECT count(*) FROM " + P + "_bronze.customers WHERE _source_file LIKE 'query:%'"),
        "nothing was written");
  }

  @Test
  @Order(7)
  void aFullRefreshRebuildsSilverAsTheBatchesLeftIt() {
    String silver = "SELECT customer_id, region, plan, _row_hash FROM " + P + "_silver.dim_customer";
    List<Row> before = spark.sql(silver + " ORDER BY customer_id").collectAsList();
    long quarantined = count("SELECT count(*) FROM " + P + "_ops.quarantine");
    JobRunner.run(TestSpark.context(P, sources, null, true, ""), List.of(TestSpark.stage("curate")));
    // every batch again, into the emptied tables (appended, not merged): the latest batch still wins
    assertEquals(before, spark.sql(silver + " ORDER BY customer_id").collectAsList());
    assertEquals(quarantined, count("SELECT count(*) FROM " + P + "_ops.quarantine"));
    assertEquals(0, count("SELECT count(*) FROM (SELECT order_id, line_id FROM " + P + "_silver.orders"
        + " GROUP BY 1, 2 HAVING count(*) > 1)"));
  }
}
