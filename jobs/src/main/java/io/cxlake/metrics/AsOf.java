package io.cxlake.metrics;

import static org.apache.spark.sql.functions.max;

import io.cxlake.core.CxlakeException;
import io.cxlake.core.JobContext;
import java.time.LocalDate;
import org.apache.spark.sql.Row;

/** The as-of date of the analytics stages: --as-of, else the latest customer_360 snapshot (the date the gold facts reach). */
public final class AsOf {
  private AsOf() {}

  public static LocalDate resolve(JobContext ctx) {
    if (ctx.asOf() != null) {
      return ctx.asOf();
    }
    String table = ctx.catalog().gold(GoldContracts.CUSTOMER_360.name());
    if (!ctx.spark().catalog().tableExists(table)) {
      throw new CxlakeException(table + " is missing: run the metrics stage first");
    }
    Row r = ctx.spark().table(table).agg(max("snapshot_date")).first();
    if (r.isNullAt(0)) {
      throw new CxlakeException(table + " holds no snapshot: run the metrics stage first");
    }
    return r.getDate(0).toLocalDate();
  }
}
