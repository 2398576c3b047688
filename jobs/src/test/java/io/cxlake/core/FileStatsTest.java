package io.cxlake.core;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import java.time.LocalDate;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The latest day of a timestamp from the files' statistics: the same day a scan gives (the last
 * microsecond of a day included), and no answer, so that the caller scans, where the statistics
 * cannot be trusted or are missing: deleted rows (deletion vectors), statistics turned off, no
 * value at all.
 */
class FileStatsTest {
  private static SparkSession spark;

  @BeforeAll
  static void setUp() {
    spark = TestSpark.session();
    spark.sql("CREATE DATABASE IF NOT EXISTS filestats");
  }

  private static String table(String name, String properties) {
    String t = "filestats." + name;
    spark.sql("DROP TABLE IF EXISTS " + t);
    spark.sql("CREATE TABLE " + t + " (id INT, ts TIMESTAMP) USING delta" + properties);
    // two files; the latest value is the last microsecond of 2026-03-31 (UTC)
    insert(t, "(1, TIMESTAMP'2026-03-01 10:00:00'), (2, NULL)");
    insert(t, "(3, TIMESTAMP'2026-03-31 23:59:59.999999'), (4, TIMESTAMP'2026-03-02 08:00:00')");
    return t;
  }

  /** One commit of one file. */
  private static void insert(String table, String values) {
    spark.sql("INSERT INTO " + table + " SELECT /*+ COALESCE(1) */ * FROM VALUES " + values + " AS v(id, ts)");
  }

  @Test
  void theLatestDayComesFromTheStatisticsAndEqualsTheScan() {
    String t = table("plain", "");
    assertEquals(Optional.of(LocalDate.of(2026, 3, 31)), FileStats.latestDay(spark, t, "ts"));
    assertEquals(LocalDate.of(2026, 3, 31), FileStats.latestDayOrScan(spark, t, "ts"));
    assertEquals(java.sql.Date.valueOf("2026-03-31"), spark.sql("SELECT max(to_date(ts)) FROM " + t).first().getDate(0));
  }

  @Test
  void deletedRowsAndMissingStatisticsAreScanned() {
    String dv = table("deleted", " TBLPROPERTIES ('delta.enableDeletionVectors' = 'true')");
    spark.sql("DELETE FROM " + dv + " WHERE id = 3"); // a deletion vector: the file's maximum is still 03-31
    assertEquals(1L, spark.sql("DESCRIBE HISTORY " + dv).where("operation = 'DELETE'").first()
        .<String, String>getJavaMap(spark.sql("DESCRIBE HISTORY " + dv).schema().fieldIndex("operationMetrics"))
        .entrySet().stream().filter(e -> e.getKey().equals("numDeletionVectorsAdded")).mapToLong(e -> Long.parseLong(e.getValue()))
        .sum(), "the delete marked the row in place");
    assertEquals(Optional.empty(), FileStats.latestDay(spark, dv, "ts"), "a bound on 03-31, the exact maxima on 03-01");
    assertEquals(LocalDate.of(2026, 3, 2), FileStats.latestDayOrScan(spark, dv, "ts"));
    // the usual case after a MERGE: newer rows in a new file, later than every bound
    insert(dv, "(5, TIMESTAMP'2026-04-02 00:00:00')");
    assertEquals(Optional.of(LocalDate.of(2026, 4, 2)), FileStats.latestDay(spark, dv, "ts"));

    String noStats = table("nostats", " TBLPROPERTIES ('delta.dataSkippingNumIndexedCols' = '0')");
    assertEquals(Optional.empty(), FileStats.latestDay(spark, noStats, "ts"));
    assertEquals(LocalDate.of(2026, 3, 31), FileStats.latestDayOrScan(spark, noStats, "ts"));

    String empty = "filestats.nulls";
    spark.sql("DROP TABLE IF EXISTS " + empty);
    spark.sql("CREATE TABLE " + empty + " (id INT, ts TIMESTAMP) USING delta");
    assertNull(FileStats.latestDayOrScan(spark, empty, "ts"), "no rows");
    spark.sql("INSERT INTO " + empty + " VALUES (1, NULL)");
    assertEquals(Optional.empty(), FileStats.latestDay(spark, empty, "ts"));
    assertNull(FileStats.latestDayOrScan(spark, empty, "ts"), "no value");

    // the latest of several tables' days: a table without a value is passed over; none, null
    assertEquals(LocalDate.of(2026, 4, 2), FileStats.latestDayOrScan(spark, java.util.Map.of(dv, "ts", noStats, "ts", empty, "ts")));
    assertNull(FileStats.latestDayOrScan(spark, java.util.Map.of(empty, "ts")));
  }
}
