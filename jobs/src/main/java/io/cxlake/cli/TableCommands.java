package io.cxlake.cli;

import io.cxlake.pipeline.Modules;
import io.cxlake.core.Catalog;
import io.cxlake.core.CxlakeException;
import io.cxlake.core.JobRunner;
import io.cxlake.core.Progress;
import io.cxlake.core.RunLog;
import io.cxlake.core.Stage;
import io.cxlake.maintain.MaintainStage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** Operator commands on single Delta tables: maintenance, history and restore. */
final class TableCommands {
  private TableCommands() {}

  /**
   * A table name as the operator typed it: db.table as is; a bare name is looked up in the
   * gold, silver, bronze and ops databases, in that order. Unknown names are a usage error.
   */
  static String resolve(SparkSession spark, Catalog catalog, String name) {
    if (name.contains(".")) {
      if (!spark.catalog().tableExists(name)) {
        throw new IllegalArgumentException("no table " + name + " (see `cxlake tables`)");
      }
      return name;
    }
    List<String> tried = new ArrayList<>();
    for (String db : List.of(catalog.names().goldDb(), catalog.names().silverDb(), catalog.names().bronzeDb(),
        catalog.names().opsDb())) {
      String full = db + "." + name;
      tried.add(full);
      if (spark.catalog().databaseExists(db) && spark.catalog().tableExists(full)) {
        return full;
      }
    }
    throw new IllegalArgumentException("no table " + name + " (tried " + String.join(", ", tried)
        + "; see `cxlake tables`)");
  }

  /**
   * Restores a table to an earlier version (a new version itself) and records it in the run log.
   * @return the table's version after the restore
   */
  static long restore(io.cxlake.core.JobContext ctx, String table, long version, java.io.PrintStream out) {
    SparkSession spark = ctx.spark();
    String full = resolve(spark, ctx.catalog(), table);
    // One read of the history: the oldest version still listed and the current one.
    Row range = spark.sql("DESCRIBE HISTORY " + full).selectExpr("min(version)", "max(version)").first();
    long oldest = range.getLong(0);
    long current = range.getLong(1);
    if (version < oldest || version > current) {
      throw new IllegalArgumentException("--version " + version + ": " + full + " has versions " + oldest + " to "
          + current + " (see `cxlake history " + table + "`)");
    }
    if (version == current) {
      out.println(full + " is at version " + current + " already; nothing to do");
      return current;
    }
    Instant start = Instant.now();
    Row m;
    try {
      m = spark.sql("RESTORE TABLE " + full + " TO VERSION AS OF " + version).first();
    } catch (RuntimeException e) {
      // Typically the files of that version were removed by VACUUM: Delta names the missing file.
      RunLog.record(ctx, "restore", start, Instant.now(), "failed", null, null, JobRunner.oneLine(e));
      throw new CxlakeException("restore of " + full + " to version " + version + " failed: " + JobRunner.oneLine(e), 1, e);
    }
    long after = spark.sql("DESCRIBE HISTORY " + full + " LIMIT 1").first().getLong(0);
    RunLog.record(ctx, "restore", start, Instant.now(), "success", null, spark.table(full).count(), null);
    out.printf("%s restored to version %d as new version %d (files removed %s, restored %s)%n", full, version, after,
        m.getAs("num_removed_files"), m.getAs("num_restored_files"));
    // Silver feeds gold and gold feeds the analytics stages: their outputs still hold the newer data.
    String db = full.substring(0, full.indexOf('.'));
    if (db.equals(ctx.catalog().names().silverDb()) || db.equals(ctx.catalog().names().goldDb())) {
      Progress.info("tables derived from {} still hold the newer data: rerun `cxlake metrics --full-refresh` "
          + "and the stages after it", full);
    }
    return after;
  }

  /** The versions of a table, newest first. */
  static org.apache.spark.sql.Dataset<Row> history(SparkSession spark, String table, int limit) {
    return spark.sql("DESCRIBE HISTORY " + table + " LIMIT " + limit)
        .selectExpr("version", "timestamp", "operation",
            "to_json(operationParameters) AS parameters",
            "coalesce(operationMetrics['numOutputRows'], operationMetrics['numTargetRowsInserted'], "
                + "operationMetrics['numRestoredFiles']) AS rows_or_files",
            "userMetadata AS run");
  }
}

@Command(name = "maintain", mixinStandardHelpOptions = true,
    description = "OPTIMIZE every Delta table of maintenance.layers (gold tables Z-ordered by the columns BI filters "
        + "by), then VACUUM with maintenance.vacuum_retention_hours. Safe to re-run.")
class MaintainCommand extends StageCommand {
  @Override
  List<Stage> stages() {
    return List.of(new MaintainStage(Modules.registry().contracts(), System.out));
  }
}

@Command(name = "history", mixinStandardHelpOptions = true,
    description = "The versions of a Delta table (newest first): time, operation, parameters, rows; the version to "
        + "give `restore`.")
class HistoryCommand implements Callable<Integer> {
  @ParentCommand
  Main global;

  @Parameters(index = "0", paramLabel = "TABLE", description = "db.table, or a table name looked up in gold, silver, bronze, ops.")
  String table;

  @Option(names = "--limit", defaultValue = "20", description = "Versions to show (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--format", defaultValue = "table", description = "table | csv | json (default: ${DEFAULT-VALUE}).")
  String format;

  @Override
  public Integer call() throws Exception {
    SqlCommand.checkFormat(format);
    if (limit < 1) {
      throw new IllegalArgumentException("--limit must be 1 or more, was " + limit);
    }
    try (Session s = Session.reading(global)) {
      String full = TableCommands.resolve(s.spark, s.ctx.catalog(), table);
      System.out.println(full);
      SqlCommand.print(TableCommands.history(s.spark, full, limit), format, limit);
      return 0;
    }
  }
}

@Command(name = "restore", mixinStandardHelpOptions = true,
    description = "Restores a Delta table to an earlier version (see `history`); the restore is itself a new version, "
        + "so it can be undone the same way.")
class RestoreCommand implements Callable<Integer> {
  @ParentCommand
  Main global;

  @Parameters(index = "0", paramLabel = "TABLE", description = "db.table, or a table name looked up in gold, silver, bronze, ops.")
  String table;

  @Option(names = "--version", required = true, paramLabel = "N", description = "The version to restore.")
  long version;

  @Override
  public Integer call() {
    try (Session s = Session.writing(global, "restore")) {
      TableCommands.restore(s.ctx, table, version, System.out);
      return 0;
    }
  }
}
