package io.cxlake.cli;

import io.cxlake.core.JobContext;
import org.apache.spark.sql.SparkSession;

/** Lets tests drive the printing of the sql and tables commands on the shared session. */
public final class TestAccess {
  private TestAccess() {}

  public static void tables(SparkSession spark, JobContext ctx) {
    TablesCommand.print(spark, ctx.catalog(), System.out);
  }

  /** The exit code the CLI gives for these stage outcomes. */
  public static int summarize(java.util.List<io.cxlake.core.JobRunner.StageOutcome> outcomes) {
    return Pipeline.summarize(outcomes, System.out);
  }

  /** `cxlake restore` on the shared session; returns the table's version afterwards. */
  public static long restore(JobContext ctx, String table, long version) {
    return TableCommands.restore(ctx, table, version, System.out);
  }

  /** `cxlake history` rows (version, timestamp, operation, parameters, rows_or_files, run). */
  public static java.util.List<org.apache.spark.sql.Row> history(SparkSession spark, JobContext ctx, String table, int limit) {
    return TableCommands.history(spark, TableCommands.resolve(spark, ctx.catalog(), table), limit).collectAsList();
  }

  /** `cxlake quarantine` printed for the context's catalog. */
  public static void quarantine(SparkSession spark, JobContext ctx, String entity, String reason, int samples) {
    QuarantineCommand.print(spark, ctx.catalog(), entity, reason, samples, 50, System.out);
  }

  public static void sql(SparkSession spark, String query, String format) throws Exception {
    SqlCommand.print(spark.sql(query), format, 1000);
  }

  /** The command line over a given stage registry. */
  public static picocli.CommandLine commandLine(io.cxlake.platform.StageRegistry registry) {
    return Main.commandLine(registry);
  }
}
