package io.cxlake.platform;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import io.cxlake.core.TableVersions;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The changed days metrics recomputes: read from a table's change data feed they are the days
 * the version comparison finds (an update counts its old and its new day; a rewrite of an
 * unchanged row is not written by silver's MERGE); without a feed the read fails, so metrics
 * falls back to the comparison.
 */
class ChangeFeedDaysTest {

  @Test
  void theFeedGivesTheDaysTheComparisonGives() {
    SparkSession spark = TestSpark.session();
    spark.sql("CREATE DATABASE IF NOT EXISTS cf_silver");
    for (String feed : List.of("true", "false")) {
      String t = "cf_silver.orders_" + feed;
      spark.sql("DROP TABLE IF EXISTS " + t);
      spark.sql("CREATE TABLE " + t + " (order_id STRING, order_ts TIMESTAMP, _row_hash BIGINT) USING DELTA"
          + " TBLPROPERTIES ('delta.enableChangeDataFeed' = '" + feed + "', 'delta.enableDeletionVectors' = 'true')");
      spark.sql("INSERT INTO " + t + " VALUES ('O1', TIMESTAMP'2026-01-05 10:00:00', 1),"
          + " ('O2', TIMESTAMP'2026-01-06 10:00:00', 2), ('O3', TIMESTAMP'2026-01-07 10:00:00', 3)");
      spark.sql("CREATE OR REPLACE TEMP VIEW cf_upsert AS SELECT * FROM VALUES"
          + " ('O1', TIMESTAMP'2026-01-05 10:00:00', 1L),"       // unchanged: not rewritten
          + " ('O2', TIMESTAMP'2026-02-10 09:00:00', 22L),"      // moved: its old and new day
          + " ('O4', TIMESTAMP'2026-02-11 23:30:00', 4L)"        // new
          + " AS s(order_id, order_ts, _row_hash)");
      spark.sql("MERGE INTO " + t + " t USING cf_upsert s ON t.order_id = s.order_id"
          + " WHEN MATCHED AND t._row_hash <> s._row_hash THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *");
    }
    List<LocalDate> expected = List.of(LocalDate.parse("2026-01-06"), LocalDate.parse("2026-02-10"),
        LocalDate.parse("2026-02-11"));

    String withFeed = "cf_silver.orders_true";
    long now = TableVersions.latest(spark, withFeed);
    assertEquals(2, now);
    assertEquals(expected, GoldState.days(GoldState.changes(spark, withFeed, 1, now), List.of(col("order_ts"))));
    assertEquals(expected, GoldState.changedDays(List.of("order_id"), spark.table(withFeed),
        GoldState.atVersion(spark, withFeed, 1), List.of(col("order_ts"))), "the comparison finds the same days");

    String without = "cf_silver.orders_false";
    assertThrows(Exception.class, () -> GoldState.days(GoldState.changes(spark, without, 1, 2), List.of(col("order_ts"))),
        "a table without a feed cannot answer: metrics compares the versions instead");
  }
}
