package io.cxlake.core;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Appends one row per job to cx_ops.pipeline_run. */
public final class RunLog {
  private static final StructType SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("job", DataTypes.StringType, false)
      .add("as_of", DataTypes.DateType, true)
      .add("started_at", DataTypes.TimestampType, false)
      .add("ended_at", DataTypes.TimestampType, false)
      .add("status", DataTypes.StringType, false)
      .add("rows_in", DataTypes.LongType, true)
      .add("rows_out", DataTypes.LongType, true)
      .add("error", DataTypes.StringType, true)
      .add("inputs", DataTypes.StringType, true)
      .add("outputs", DataTypes.StringType, true);

  private RunLog() {}

  public static void record(JobContext ctx, String job, Instant start, Instant end, String status,
      Long rowsIn, Long rowsOut, String error) {
    record(ctx, job, start, end, status, rowsIn, rowsOut, error, null, null);
  }

  /** With the stage's state after a success ({@link StageMemo}): what it read, and the versions it left. */
  public static void record(JobContext ctx, String job, Instant start, Instant end, String status,
      Long rowsIn, Long rowsOut, String error, String inputs, String outputs) {
    append(ctx, RowFactory.create(ctx.runId(), job, ctx.asOf() == null ? null : Date.valueOf(ctx.asOf()),
        Timestamp.from(start), Timestamp.from(end), status, rowsIn, rowsOut, error, inputs, outputs));
  }

  /**
   * Records a run that died holding the lease (killed, lost its host) as {@code abandoned}: without
   * this row it would have no end in the log. Its stages that finished have their own rows.
   */
  public static void recordAbandoned(JobContext ctx, RunLease.Holder dead) {
    append(ctx, RowFactory.create(dead.runId(), dead.command(), null, Timestamp.from(dead.acquiredAt()),
        Timestamp.from(dead.heartbeatAt()), "abandoned", null, null,
        "ended without releasing its run lease: process " + dead.owner() + " was killed or lost (ended_at is its "
            + "last heartbeat); taken over by run " + ctx.runId(), null, null));
  }

  private static void append(JobContext ctx, Row row) {
    String table = ctx.catalog().ops(OpsTables.PIPELINE_RUN);
    // mergeSchema: a run log from before inputs and outputs were recorded gains the two columns
    DeltaRetry.write(table, () -> ctx.spark().createDataFrame(List.of(row), SCHEMA).write().format("delta")
        .mode("append").option("mergeSchema", "true").saveAsTable(table));
  }
}
