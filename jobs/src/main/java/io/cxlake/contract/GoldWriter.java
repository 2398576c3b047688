package io.cxlake.contract;

import io.cxlake.core.DeltaRetry;
import io.cxlake.core.HaltPoints;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import io.cxlake.core.CxlakeConfig;
import io.cxlake.core.JobContext;
import io.cxlake.core.OpsTables;
import io.cxlake.core.Progress;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * The one way rows reach a gold table: shape them to the contract, run the contract's checks
 * (and the operator's quality.checks) on exactly the rows about to be written, record the
 * results, and commit only when no contract check marked "fail" is violated. A violated custom
 * "fail" check does not block the commit; it makes the job exit non-zero after writing.
 * Results go to cx_ops.dq_result in one append at {@link #flush()}.
 */
public final class GoldWriter {
  private static final AtomicInteger VIEW_SEQ = new AtomicInteger();
  private static final StructType DQ_SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("table_name", DataTypes.StringType, false)
      .add("check_name", DataTypes.StringType, false)
      .add("check_kind", DataTypes.StringType, false)
      .add("severity", DataTypes.StringType, false)
      .add("status", DataTypes.StringType, false)
      .add("observed_value", DataTypes.LongType, false)
      .add("threshold", DataTypes.LongType, false)
      .add("rows_checked", DataTypes.LongType, false)
      .add("expression", DataTypes.StringType, true)
      .add("table_written", DataTypes.BooleanType, false)
      .add("checked_at", DataTypes.TimestampType, false);

  private final JobContext ctx;
  private final List<Row> results = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private long rowsWritten;
  private int tablesWritten;

  public GoldWriter(JobContext ctx) {
    this.ctx = ctx;
  }

  /** Replaces the whole table. Returns whether the rows were committed. */
  public boolean overwrite(TableContract contract, Dataset<Row> rows) {
    return write(contract, rows, new Overwrite());
  }

  /**
   * Replaces the rows matching {@code replaceWhere} (a SQL predicate every new row must also
   * satisfy) and leaves the rest of the table as it is.
   */
  public boolean replace(TableContract contract, Dataset<Row> rows, String replaceWhere) {
    return write(contract, rows, new ReplaceWhere(replaceWhere));
  }

  /**
   * Upserts {@code rows} by the contract's key (a row equal to the stored one is left as it is)
   * and deletes the stored rows whose key is among {@code touchedKeys} but not among
   * {@code rows}: the rows a stage recomputed for the keys its input changed, which may have
   * left. The checks see the upserted rows only; the key check makes them unique, as the MERGE
   * needs.
   */
  public boolean merge(TableContract contract, Dataset<Row> rows, Dataset<Row> touchedKeys) {
    return write(contract, rows, new Merge(touchedKeys));
  }

  /** How the rows are committed. */
  private sealed interface Commit {}

  private record Overwrite() implements Commit {}

  private record ReplaceWhere(String predicate) implements Commit {}

  private record Merge(Dataset<Row> touchedKeys) implements Commit {}

  private boolean write(TableContract contract, Dataset<Row> rows, Commit how) {
    SparkSession spark = ctx.spark();
    String table = ctx.catalog().gold(contract.name());
    long t0 = System.nanoTime();
    ContractTables.ensure(spark, table, contract, ctx.fullRefresh());
    long t1 = System.nanoTime();
    Dataset<Row> shaped = shape(contract, rows).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      List<TableContract.Check> checks = new ArrayList<>(contract.checks());
      checks.addAll(customChecks(contract.name()));
      List<QualityChecks.Outcome> outcomes = QualityChecks.evaluate(shaped, checks, contract.key());
      long t2 = System.nanoTime();
      List<String> blocking = new ArrayList<>();
      for (QualityChecks.Outcome o : outcomes) {
        if (o.passed() || o.check().severity() != TableContract.Severity.FAIL) {
          continue;
        }
        String what = contract.name() + ": check " + o.check().name() + " failed on " + o.violations() + " of "
            + o.rowsChecked() + " rows (" + o.check().description() + ")";
        if (o.check().kind().equals("custom")) {
          problems.add(what);
        } else {
          blocking.add(what);
        }
      }
      boolean commit = blocking.isEmpty();
      if (commit) {
        String view = "_cxlake_gold_" + VIEW_SEQ.incrementAndGet();
        shaped.createOrReplaceTempView(view);
        String done;
        try {
          HaltPoints.beforeCommit("gold." + contract.name());
          // A maintenance job (OPTIMIZE) may commit to the table meanwhile: retried.
          if (how instanceof Merge m) {
            done = DeltaRetry.write(table, () -> merge(table, contract, shaped, m.touchedKeys()));
          } else if (how instanceof ReplaceWhere r) {
            DeltaRetry.write(table, () -> spark.sql("INSERT INTO " + table + " REPLACE WHERE " + r.predicate()
                + " SELECT * FROM " + view));
            done = "replace where " + abbreviate(r.predicate());
          } else {
            DeltaRetry.write(table, () -> spark.sql("INSERT OVERWRITE " + table + " SELECT * FROM " + view));
            done = "overwrite";
          }
          HaltPoints.afterCommit("gold." + contract.name());
        } finally {
          spark.catalog().dropTempView(view);
        }
        rowsWritten += outcomes.isEmpty() ? 0 : outcomes.get(0).rowsChecked();
        tablesWritten++;
        Progress.info("{}: {} rows ({}; ensure {} s, compute+checks {} s, commit {} s)", contract.name(),
            outcomes.get(0).rowsChecked(), done, secs(t1 - t0), secs(t2 - t1), secs(System.nanoTime() - t2));
      } else {
        problems.addAll(blocking);
        problems.add(contract.name() + ": not written (the table keeps its last good version)");
      }
      Timestamp now = Timestamp.from(Instant.now());
      for (QualityChecks.Outcome o : outcomes) {
        TableContract.Check c = o.check();
        results.add(RowFactory.create(ctx.runId(), table, c.name(), c.kind(), c.severity().name().toLowerCase(),
            o.status(), o.violations(), 0L, o.rowsChecked(),
            c.isRowCheck() ? c.validRowSql() : String.join(", ", contract.key()), commit, now));
        if (!o.passed() && c.severity() == TableContract.Severity.WARN) {
          Progress.warn("{}: check {} (warn) found {} of {} rows", contract.name(), c.name(), o.violations(), o.rowsChecked());
        }
      }
      return commit;
    } finally {
      shaped.unpersist();
    }
  }

  /**
   * One MERGE: upserted rows, and a delete marker for each touched key the rows do not hold.
   * Returns what it did, from the commit's own metrics.
   */
  private static String merge(String table, TableContract contract, Dataset<Row> shaped, Dataset<Row> touchedKeys) {
    String[] key = contract.key().toArray(String[]::new);
    Column[] keyCols = contract.key().stream().map(c -> col(c)).toArray(Column[]::new);
    Dataset<Row> gone = touchedKeys.select(keyCols).distinct().join(shaped.select(keyCols), key, "left_anti")
        .withColumn("_delete", lit(true));
    Dataset<Row> source = shaped.withColumn("_delete", lit(false)).unionByName(gone, true);
    Column on = null;
    Column same = lit(true);
    java.util.Map<String, Column> set = new java.util.LinkedHashMap<>();
    for (TableContract.Column c : contract.columns()) {
      Column eq = col("t." + c.name()).eqNullSafe(col("s." + c.name()));
      if (contract.key().contains(c.name())) {
        on = on == null ? eq : on.and(eq);
      } else {
        same = same.and(eq);
      }
      set.put(c.name(), col("s." + c.name()));
    }
    Row done = io.delta.tables.DeltaTable.forName(shaped.sparkSession(), table).as("t").merge(source.as("s"), on)
        .whenMatched(col("s._delete")).delete()
        // a recomputed row equal to the stored one is not rewritten
        .whenMatched(not(same)).update(set)
        .whenNotMatched(not(col("s._delete"))).insert(set)
        .execute().first();
    return "merge by " + String.join(", ", key) + ": " + done.getAs("num_inserted_rows") + " inserted, "
        + done.getAs("num_updated_rows") + " updated, " + done.getAs("num_deleted_rows") + " deleted";
  }

  private static String secs(long nanos) {
    return String.format("%.1f", nanos / 1e9);
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }

  /** Columns in contract order, cast to the contract's types; a missing column is a bug. */
  static Dataset<Row> shape(TableContract contract, Dataset<Row> rows) {
    List<String> have = List.of(rows.columns());
    List<Column> cols = new ArrayList<>();
    for (TableContract.Column c : contract.columns()) {
      if (!have.contains(c.name())) {
        throw new IllegalStateException(contract.name() + ": the stage produced no column " + c.name());
      }
      cols.add(col(c.name()).cast(c.sqlType()).as(c.name()));
    }
    return rows.select(cols.toArray(Column[]::new));
  }

  private List<TableContract.Check> customChecks(String tableName) {
    QualityConfig q = ctx.config().get(QualityConfig.SECTION);
    List<TableContract.Check> out = new ArrayList<>();
    if (q == null || q.checks() == null) {
      return out;
    }
    for (QualityConfig.CustomCheck c : q.checks()) {
      if (c.table().equals(tableName)) {
        out.add(new TableContract.Check(c.name(), "custom", c.expression(),
            c.severity().equals("fail") ? TableContract.Severity.FAIL : TableContract.Severity.WARN,
            "quality.checks: " + c.expression()));
      }
    }
    return out;
  }

  /** Appends the recorded check results to cx_ops.dq_result (one commit per stage). */
  public void flush() {
    if (results.isEmpty()) {
      return;
    }
    String table = ctx.catalog().ops(OpsTables.DQ_RESULT);
    DeltaRetry.write(table, () -> ctx.spark().createDataFrame(results, DQ_SCHEMA).write().format("delta").mode("append")
        .saveAsTable(table));
    results.clear();
  }

  /** Failed "fail" checks and blocked tables: the job exits non-zero. */
  public List<String> problems() {
    return problems;
  }

  public long rowsWritten() {
    return rowsWritten;
  }

  public int tablesWritten() {
    return tablesWritten;
  }
}
