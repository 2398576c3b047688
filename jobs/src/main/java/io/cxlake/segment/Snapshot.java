package io.cxlake.segment;

import static org.apache.spark.sql.functions.*;

import io.cxlake.core.CxlakeException;
import io.cxlake.core.JobContext;
import io.cxlake.metrics.GoldContracts;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The customer_360 snapshot the segmentation stages describe: --as-of, else the latest one. */
record Snapshot(LocalDate asOf, Dataset<Row> c360) {

  static Snapshot resolve(JobContext ctx) {
    String table = ctx.catalog().gold(GoldContracts.CUSTOMER_360.name());
    if (!ctx.spark().catalog().tableExists(table)) {
      throw new CxlakeException(table + " is missing: run the metrics stage first");
    }
    Dataset<Row> all = ctx.spark().table(table);
    LocalDate asOf = ctx.asOf();
    if (asOf == null) {
      Row r = all.agg(max("snapshot_date")).first();
      if (r.isNullAt(0)) {
        throw new CxlakeException(table + " holds no snapshot: run the metrics stage first");
      }
      asOf = r.getDate(0).toLocalDate();
    }
    Dataset<Row> c360 = all.where(col("snapshot_date").equalTo(lit(java.sql.Date.valueOf(asOf))));
    if (c360.isEmpty()) {
      throw new CxlakeException(table + " has no snapshot for " + asOf + ": run `cxlake metrics --as-of " + asOf
          + "` first");
    }
    return new Snapshot(asOf, c360);
  }

  String where() {
    return "as_of_date = DATE'" + asOf + "'";
  }

  Dataset<Row> gold(JobContext ctx, String table) {
    return ctx.spark().table(ctx.catalog().gold(table)).where(col("as_of_date").equalTo(lit(java.sql.Date.valueOf(asOf))));
  }
}
