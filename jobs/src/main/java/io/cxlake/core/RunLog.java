package io.cxlake.core;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
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
      .add("error", DataTypes.StringType, true);

  private RunLog() {}

  public static void record(JobContext ctx, String job, Instant start, Instant end, String status,
      Long rowsIn, Long rowsOut, String error) {
    SparkSession spark = ctx.spark();
    Row row = RowFactory.create(ctx.runId(), job, ctx.asOf() == null ? null : Date.valueOf(ctx.asOf()),
        Timestamp.from(start), Timestamp.from(end), status, rowsIn, rowsOut, error);
    spark.createDataFrame(List.of(row), SCHEMA).write().format("delta").mode("append")
        .saveAsTable(ctx.catalog().ops(OpsTables.PIPELINE_RUN));
  }
}
