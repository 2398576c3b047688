package io.cxlake.platform;

import io.cxlake.core.DeltaRetry;
import static org.apache.spark.sql.functions.*;

import io.cxlake.core.JobContext;
import io.cxlake.core.OpsTables;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * What a gold stage last processed: the Delta version of each source table and the as-of
 * date (cx_ops.gold_state). The next run reads the rows that changed since those versions
 * (the table's change data feed, or else the old version compared with the current one) and
 * from their dates the periods to recompute.
 */
public final class GoldState {
  private static final StructType SCHEMA = new StructType()
      .add("stage", DataTypes.StringType, false)
      .add("source_table", DataTypes.StringType, false)
      .add("source_version", DataTypes.LongType, false)
      .add("as_of", DataTypes.DateType, false)
      .add("run_id", DataTypes.StringType, false)
      .add("recorded_at", DataTypes.TimestampType, false);

  private GoldState() {}

  /** The previous run's state: versions per source table and its as-of date. */
  public record Previous(Map<String, Long> versions, LocalDate asOf) {}

  /** The latest version of each table (read from its Delta log, no Spark job). */
  public static Map<String, Long> currentVersions(SparkSession spark, List<String> tables) {
    Map<String, Long> v = new LinkedHashMap<>();
    for (String t : tables) {
      v.put(t, io.cxlake.core.TableVersions.latest(spark, t));
    }
    return v;
  }

  /** The state of the stage's latest recorded run, or null when it never ran. */
  public static Previous previous(JobContext ctx, String stage) {
    Dataset<Row> state = ctx.spark().table(ctx.catalog().ops(OpsTables.GOLD_STATE)).where(col("stage").equalTo(stage));
    Row last = state.orderBy(col("recorded_at").desc(), col("run_id").desc()).select("run_id").limit(1)
        .collectAsList().stream().findFirst().orElse(null);
    if (last == null) {
      return null;
    }
    Map<String, Long> versions = new HashMap<>();
    LocalDate asOf = null;
    for (Row r : state.where(col("run_id").equalTo(last.getString(0))).select("source_table", "source_version", "as_of")
        .collectAsList()) {
      versions.put(r.getString(0), r.getLong(1));
      asOf = r.getDate(2).toLocalDate();
    }
    return new Previous(versions, asOf);
  }

  public static void record(JobContext ctx, String stage, Map<String, Long> versions, LocalDate asOf) {
    Timestamp now = Timestamp.from(Instant.now());
    List<Row> rows = new ArrayList<>();
    versions.forEach((t, v) -> rows.add(RowFactory.create(stage, t, v, Date.valueOf(asOf), ctx.runId(), now)));
    String table = ctx.catalog().ops(OpsTables.GOLD_STATE);
    DeltaRetry.write(table, () -> ctx.spark().createDataFrame(rows, SCHEMA).write().format("delta").mode("append")
        .saveAsTable(table));
  }

  /**
   * Days (UTC) of the rows that differ between a table's version {@code oldVersion} and now:
   * rows added, removed or changed (compared on the key and the row hash), both the old and the
   * new version of a changed row. {@code dayColumns} are date or timestamp expressions of the row.
   * Reads both versions whole: {@link #changes} reads only what changed, where the table keeps a
   * change data feed.
   */
  public static List<LocalDate> changedDays(List<String> key, Dataset<Row> current, Dataset<Row> old,
      List<Column> dayColumns) {
    List<String> match = new ArrayList<>(key);
    match.add("_row_hash");
    Column[] matchCols = match.stream().map(c -> col(c)).toArray(Column[]::new);
    String[] using = match.toArray(String[]::new);
    Dataset<Row> added = current.join(old.select(matchCols), using, "left_anti");
    Dataset<Row> removed = old.join(current.select(matchCols), using, "left_anti");
    return days(added.unionByName(removed), dayColumns);
  }

  /**
   * The rows a table's change data feed recorded after version {@code fromVersion} up to
   * {@code toVersion}: inserted and deleted rows and both images of an updated one (Delta
   * writes an update only when the row hash differs: silver's MERGE). Evaluating it fails when
   * the feed does not cover those versions (it was turned on later, or vacuumed).
   */
  public static Dataset<Row> changes(SparkSession spark, String table, long fromVersion, long toVersion) {
    return spark.read().format("delta").option("readChangeFeed", "true").option("startingVersion", fromVersion + 1)
        .option("endingVersion", toVersion).table(table);
  }

  /** The distinct days (UTC) of some rows, from date or timestamp expressions of each row. */
  public static List<LocalDate> days(Dataset<Row> rows, List<Column> dayColumns) {
    Column days = array(dayColumns.stream().map(c -> to_date(c)).toArray(Column[]::new));
    return rows.select(explode(days).as("d")).where(col("d").isNotNull()).distinct()
        .collectAsList().stream().map(r -> r.getDate(0).toLocalDate()).sorted().toList();
  }

  /** A table at an earlier version (Delta time travel). */
  public static Dataset<Row> atVersion(SparkSession spark, String table, long version) {
    return spark.sql("SELECT * FROM " + table + " VERSION AS OF " + version);
  }
}
