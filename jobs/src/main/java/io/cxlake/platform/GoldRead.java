package io.cxlake.platform;

import io.cxlake.core.CxlakeException;
import io.cxlake.core.JobContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Reading a gold table an analytics stage depends on, with a clear error when it is not there yet. */
public final class GoldRead {
  private GoldRead() {}

  public static Dataset<Row> table(JobContext ctx, String table) {
    String name = ctx.catalog().gold(table);
    if (!ctx.spark().catalog().tableExists(name)) {
      throw new CxlakeException(name + " is missing: run the metrics stage first");
    }
    return ctx.spark().table(name);
  }
}
