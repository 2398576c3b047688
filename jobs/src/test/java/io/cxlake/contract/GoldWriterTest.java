package io.cxlake.contract;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import io.cxlake.core.CxlakeConfig;
import io.cxlake.core.JobContext;
import io.cxlake.core.JobRunner;
import io.cxlake.core.Stage;
import io.cxlake.core.StageResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Table contracts: DDL with comments and constraints, data-quality checks, blocking and exit codes. */
class GoldWriterTest {
  private static final String P = "gw";
  private static SparkSession spark;
  private static Path sources;

  static final TableContract SHARES = TableContract.table("shares", "one row per group")
      .describe("Test table of shares.")
      .column("grp", "string", "Group").notNull()
      .column("a_pct", "double", "Share a").range(0, 100)
      .column("b_pct", "double", "Share b").range(0, 100)
      .invariant("shares_sum_to_100", "abs(a_pct + b_pct - 100) < 0.001", "a_pct + b_pct = 100")
      .column("kind", "string", "Kind").accepted("x", "y")
      .expect("kind_is_x", "kind = 'x'", "kind is usually x")
      .key("grp")
      .build();

  @BeforeAll
  static void setUp() {
    spark = TestSpark.session();
    TestSpark.dropDatabases(P);
    sources = TestSpark.repoRoot().resolve("conf/sources.yaml");
  }

  private static Dataset<Row> rows(String values) {
    return spark.sql("SELECT * FROM VALUES " + values + " AS t(grp, a_pct, b_pct, kind)");
  }

  private static JobContext ctx(String settings) {
    return TestSpark.context(P, sources, null, settings);
  }

  private static long version(String table) {
    return spark.sql("DESCRIBE HISTORY " + table + " LIMIT 1").first().getLong(0);
  }

  @Test
  void createsTheTableWithCommentsNotNullAndCheckConstraints() {
    JobContext ctx = ctx("");
    GoldWriter w = new GoldWriter(ctx);
    assertTrue(w.overwrite(SHARES, rows("('g1', 40.0, 60.0, 'x'), ('g2', 10.0, 90.0, 'y')")));
    w.flush();
    String table = ctx.catalog().gold("shares");
    Row comment = spark.sql("DESCRIBE TABLE EXTENDED " + table).where("col_name = 'Comment'").first();
    assertEquals("Test table of shares. Grain: one row per group.", comment.getString(1));
    assertEquals("Share a", spark.sql("DESCRIBE TABLE " + table).where("col_name = 'a_pct'").first().getString(2));
    Map<String, String> props = spark.sql("SHOW TBLPROPERTIES " + table).collectAsList().stream()
        .collect(java.util.stream.Collectors.toMap(r -> r.getString(0), r -> r.getString(1)));
    assertTrue(props.containsKey("delta.constraints.shares_sum_to_100"), props.toString());
    assertTrue(props.containsKey("delta.constraints.a_pct_range"));
    assertTrue(props.containsKey("delta.constraints.kind_accepted"));
    assertFalse(props.containsKey("delta.constraints.kind_is_x"), "warn checks are not enforced");
    assertFalse(spark.table(table).schema().apply("grp").nullable());
    // The warn check recorded its violation; every check has a result row.
    Dataset<Row> dq = spark.table(ctx.catalog().ops("dq_result")).where("run_id = '" + ctx.runId() + "'");
    assertEquals(SHARES.checks().size(), dq.count());
    Row warn = dq.where("check_name = 'kind_is_x'").first();
    assertEquals("warn", warn.getAs("status"));
    assertEquals(1L, (long) warn.getAs("observed_value"));
    assertEquals("pass", dq.where("check_name = 'unique_key'").first().getAs("status"));
  }

  @Test
  void aViolatedContractCheckBlocksTheCommitAndFailsTheJob() {
    JobContext ctx = ctx("");
    String table = ctx.catalog().gold("shares");
    GoldWriter first = new GoldWriter(ctx);
    first.overwrite(SHARES, rows("('g1', 40.0, 60.0, 'x')"));
    long before = version(table);
    Stage stage = new Stage() {
      @Override
      public String name() {
        return "bad";
      }

      @Override
      public StageResult run(JobContext c) {
        GoldWriter w = new GoldWriter(c);
        w.overwrite(SHARES, rows("('g1', 40.0, 50.0, 'x'), ('g1', 50.0, 50.0, 'x')"));
        w.flush();
        return new StageResult(0, w.rowsWritten(), Map.of(), w.problems());
      }
    };
    List<JobRunner.StageOutcome> out = JobRunner.run(ctx, List.of(stage));
    assertEquals("failed", out.get(0).status());
    assertTrue(out.get(0).error().contains("shares_sum_to_100"), out.get(0).error());
    assertEquals(before, version(table), "nothing committed");
    assertEquals(1L, spark.table(table).count());
    Dataset<Row> dq = spark.table(ctx.catalog().ops("dq_result")).where("run_id = '" + ctx.runId() + "' AND status = 'fail'");
    assertEquals(List.of("shares_sum_to_100", "unique_key"),
        dq.select("check_name").orderBy("check_name").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    assertFalse((boolean) dq.first().getAs("table_written"));
    assertEquals(1, io.cxlake.cli.TestAccess.summarize(out), "the job exits non-zero");
  }

  @Test
  void aFailingCustomCheckWritesTheRowsThenFailsTheJob() {
    JobContext ctx = ctx("quality: {checks: [{table: shares, name: a_below_30, expression: 'a_pct < 30', severity: fail}]}");
    GoldWriter w = new GoldWriter(ctx);
    assertTrue(w.overwrite(SHARES, rows("('g1', 40.0, 60.0, 'x'), ('g2', 20.0, 80.0, 'x')")));
    w.flush();
    assertEquals(2L, spark.table(ctx.catalog().gold("shares")).count());
    assertEquals(1, w.problems().size());
    assertTrue(w.problems().get(0).contains("a_below_30 failed on 1 of 2 rows"), w.problems().get(0));
    Row r = spark.table(ctx.catalog().ops("dq_result")).where("run_id = '" + ctx.runId() + "' AND check_name = 'a_below_30'").first();
    assertEquals("fail", r.getAs("status"));
    assertEquals("custom", r.getAs("check_kind"));
    assertTrue((boolean) r.getAs("table_written"));
  }

  @Test
  void replaceWhereKeepsTheOtherRows() {
    JobContext ctx = ctx("");
    GoldWriter w = new GoldWriter(ctx);
    w.overwrite(SHARES, rows("('g1', 40.0, 60.0, 'x'), ('g2', 10.0, 90.0, 'y')"));
    w.replace(SHARES, rows("('g2', 50.0, 50.0, 'y')"), "grp = 'g2'");
    List<Row> all = spark.table(ctx.catalog().gold("shares")).orderBy("grp").collectAsList();
    assertEquals(2, all.size());
    assertEquals(40.0, all.get(0).getDouble(1));
    assertEquals(50.0, all.get(1).getDouble(1));
  }

  @Test
  void aTableThatDriftedFromItsContractNeedsAFullRefresh() {
    JobContext ctx = ctx("");
    String table = ctx.catalog().gold("drifted");
    spark.sql("DROP TABLE IF EXISTS " + table);
    spark.sql("CREATE TABLE " + table + " (grp STRING, old_col INT) USING DELTA");
    TableContract drifted = TableContract.table("drifted", "one row per group").describe("Drift test.")
        .column("grp", "string", "Group").notNull().key("grp").build();
    io.cxlake.core.CxlakeException e = assertThrows(io.cxlake.core.CxlakeException.class,
        () -> ContractTables.ensure(spark, table, drifted, false));
    assertTrue(e.getMessage().contains("column old_col not in the contract"), e.getMessage());
    ContractTables.ensure(spark, table, drifted, true);
    assertEquals(1, spark.table(table).columns().length);
  }

  @Test
  void aContractWithAChangeFeedGetsItOnANewTableAndOnOneWrittenBeforeIt() {
    JobContext ctx = ctx("");
    TableContract fed = SHARES.toBuilder().changeFeed().build();
    assertTrue(fed.changeFeed());
    assertFalse(SHARES.changeFeed());
    String created = ctx.catalog().gold("fed_new");
    ContractTables.ensure(spark, created, fed, false);
    assertEquals("true", changeFeed(created));
    // a table of an older cxlake, created without it: the next write turns it on
    String older = ctx.catalog().gold("fed_older");
    spark.sql("DROP TABLE IF EXISTS " + older);
    ContractTables.ensure(spark, older, SHARES, false);
    assertNull(changeFeed(older));
    ContractTables.ensure(spark, older, fed, false);
    assertEquals("true", changeFeed(older));
    spark.sql("INSERT INTO " + older + " VALUES ('g1', 40.0, 60.0, 'x')");
    assertEquals(1, io.cxlake.platform.GoldState.changes(spark, older, version(older) - 1, version(older)).count(),
        "the insert is in the feed");
  }

  private static String changeFeed(String table) {
    return spark.sql("SHOW TBLPROPERTIES " + table).where("key = 'delta.enableChangeDataFeed'").collectAsList().stream()
        .map(r -> r.getString(1)).findFirst().orElse(null);
  }

  @Test
  void contractsRejectColumnsWithoutDescriptions() {
    assertThrows(IllegalStateException.class,
        () -> TableContract.table("t", "one row per x").describe("T.").column("x", "string", "").build());
    assertThrows(IllegalStateException.class,
        () -> TableContract.table("t", "one row per x").describe("T.").column("x", "string", "X").key("y").build());
  }
}
