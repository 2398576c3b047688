package io.cxlake.segment;

import io.cxlake.platform.AsOf;
import static org.apache.spark.sql.functions.*;

import io.cxlake.core.CxlakeException;
import io.cxlake.core.JobContext;
import io.cxlake.metrics.GoldContracts;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The customer_360 snapshot the segmentation stages describe (the as-of rule of {@link AsOf}). */
record Snapshot(LocalDate asOf, Dataset<Row> c360) {

  static Snapshot resolve(JobContext ctx) {
    LocalDate asOf = AsOf.resolve(ctx);
    return new Snapshot(asOf, AsOf.snapshot(ctx, asOf));
  }

  String where() {
    return "as_of_date = DATE'" + asOf + "'";
  }

  Dataset<Row> gold(JobContext ctx, String table) {
    return ctx.spark().table(ctx.catalog().gold(table)).where(col("as_of_date").equalTo(lit(java.sql.Date.valueOf(asOf))));
  }
}
