package io.cxlake.maintain;

import io.cxlake.pipeline.Modules;
import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import io.cxlake.cli.TestAccess;
import io.cxlake.contract.TableContract;
import io.cxlake.core.ConfigException;
import io.cxlake.core.ConfigLoader;
import io.cxlake.core.CxlakeConfig;
import io.cxlake.core.CxlakeException;
import io.cxlake.core.JobContext;
import io.cxlake.core.StageResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * `maintain`, `history` and `restore` on a tiny gold table written in three appends (three
 * files): restore brings back an earlier version as a new one; maintain compacts to one
 * Z-ordered file without changing a row, vacuums what no retained version needs, and finds
 * nothing to do the second time; a restore to a vacuumed version fails with a clear cause.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MaintenanceTest {
  private static final String P = "mt";
  private static final String TABLE = P + "_gold.tiny";
  private static final TableContract TINY = TableContract.table("tiny", "one row per id")
      .describe("test table")
      .column("id", "BIGINT", "id").notNull()
      .column("region", "STRING", "region")
      .column("amount", "DOUBLE", "amount")
      .zorderBy("region")
      .build();
  private static SparkSession spark;
  private static JobContext ctx;

  @BeforeAll
  static void threeAppends() {
    spark = TestSpark.session();
    TestSpark.dropDatabases(P);
    spark.sql("CREATE DATABASE " + P + "_gold");
    spark.sql("CREATE TABLE " + TABLE + " (id BIGINT, region STRING, amount DOUBLE) USING delta");
    for (int batch = 0; batch < 3; batch++) {
      spark.sql("INSERT INTO " + TABLE + " SELECT id + " + batch * 10 + ", element_at(array('EU', 'NA', 'APAC'), "
          + "CAST(id % 3 AS INT) + 1), id * 1.5 FROM range(10)");
    }
    ctx = TestSpark.context(P, TestSpark.repoRoot().resolve("conf/sources.yaml"), null,
        "maintenance: {layers: [gold], zorder: true, vacuum_retention_hours: 0, allow_short_retention: true}");
  }

  private static long files() {
    return spark.sql("DESCRIBE DETAIL " + TABLE).first().<Long>getAs("numFiles");
  }

  private static double sum() {
    return spark.sql("SELECT sum(amount) + sum(id) FROM " + TABLE).first().getDouble(0);
  }

  @Test
  @Order(1)
  void restoreBringsBackAnEarlierVersionAsANewVersion() {
    List<Row> history = TestAccess.history(spark, ctx, "tiny", 10);
    // create (0) and three appends (1-3), newest first
    assertEquals(List.of(3L, 2L, 1L, 0L), history.stream().map(r -> r.getLong(0)).toList());
    assertEquals("WRITE", history.get(0).getString(2));
    assertEquals(30, spark.table(TABLE).count());

    assertEquals(4, TestAccess.restore(ctx, "tiny", 1));
    assertEquals(10, spark.table(TABLE).count());
    assertEquals("RESTORE", TestAccess.history(spark, ctx, TABLE, 1).get(0).getString(2));
    // ... and undone the same way
    assertEquals(5, TestAccess.restore(ctx, TABLE, 3));
    assertEquals(30, spark.table(TABLE).count());
    assertThrows(IllegalArgumentException.class, () -> TestAccess.restore(ctx, "tiny", 99));
    assertThrows(IllegalArgumentException.class, () -> TestAccess.restore(ctx, "no_such_table", 1));
  }

  @Test
  @Order(2)
  void maintainCompactsZOrdersAndVacuumsWithoutChangingARow() {
    double before = sum();
    assertTrue(files() >= 3, "files before: " + files());
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    StageResult r = new MaintainStage(List.of(TINY), new PrintStream(buf, true, StandardCharsets.UTF_8)).run(ctx);
    assertEquals(1, r.counts().get("tables"));
    assertTrue(r.counts().get("files_compacted") >= 3, r.counts().toString());
    assertEquals(1, r.counts().get("files_added"));
    assertEquals(1, files());
    assertEquals(before, sum(), 1e-9);
    assertEquals(30, spark.table(TABLE).count());
    // History: OPTIMIZE, then VACUUM START / END.
    Row optimize = TestAccess.history(spark, ctx, TABLE, 5).stream().filter(h -> h.getString(2).equals("OPTIMIZE"))
        .findFirst().orElseThrow();
    assertTrue(optimize.getString(3).contains("region"), "zOrderBy in " + optimize.getString(3));
    // Retention 0: every file the current version does not use is gone from storage.
    assertTrue(r.counts().get("files_vacuumed") >= 3, r.counts().toString());
    String printed = buf.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains(TABLE) && printed.contains("region"), printed);

    StageResult again = new MaintainStage(List.of(TINY), new PrintStream(new ByteArrayOutputStream())).run(ctx);
    assertEquals(0, again.counts().get("files_compacted"));
    assertEquals(0, again.counts().get("files_vacuumed"));
    assertEquals(before, sum(), 1e-9);
    // The session's safety check is back on after the stage.
    assertEquals("true", spark.conf().get("spark.databricks.delta.retentionDurationCheck.enabled", "true"));
  }

  @Test
  @Order(3)
  void restoringAVacuumedVersionFailsWithItsCause() {
    CxlakeException e = assertThrows(CxlakeException.class, () -> TestAccess.restore(ctx, "tiny", 1));
    assertTrue(e.getMessage().startsWith("restore of " + TABLE + " to version 1 failed"), e.getMessage());
    assertEquals(30, spark.table(TABLE).count());
  }

  @Test
  void zOrderLeavesOutPartitionColumns() {
    TableContract partitioned = TableContract.table("p", "g").describe("d")
        .column("as_of_date", "DATE", "d").column("region", "STRING", "r")
        .partitionBy("as_of_date").zorderBy("as_of_date", "region").build();
    assertEquals(Map.of("g.p", List.of("region"), "g.tiny", List.of("region")),
        MaintainStage.zorderColumns(List.of(partitioned, TINY), "g", true));
    assertEquals(Map.of(), MaintainStage.zorderColumns(List.of(partitioned, TINY), "g", false));
  }

  @Test
  void aShortRetentionNeedsToBeAllowed(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("short.yaml");
    Files.writeString(f, "maintenance:\n  vacuum_retention_hours: 24\n");
    ConfigException e = assertThrows(ConfigException.class, () -> Modules.configLoader().load(f.toString()));
    assertEquals("maintenance.vacuum_retention_hours", e.key());
    assertEquals(f.toString(), e.file());
    Files.writeString(f, "maintenance:\n  vacuum_retention_hours: 24\n  allow_short_retention: true\n");
    assertEquals(24, Modules.configLoader().load(f.toString()).config().get(MaintenanceConfig.SECTION).vacuumRetentionHours());
    Files.writeString(f, "maintenance:\n  layers: [gold, platinum]\n");
    assertEquals("maintenance.layers", assertThrows(ConfigException.class, () -> Modules.configLoader().load(f.toString())).key());
  }
}
