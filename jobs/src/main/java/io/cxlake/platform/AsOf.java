package io.cxlake.platform;

import static org.apache.spark.sql.functions.*;

import io.cxlake.core.CxlakeException;
import io.cxlake.core.JobContext;
import io.cxlake.core.TableColumns;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The as-of date of every stage after metrics, one rule for all: {@code --as-of} when given,
 * else the latest customer_360 snapshot (the date the gold facts reach). The metrics stage
 * itself, which makes that snapshot, uses --as-of or the latest date in silver.
 */
public final class AsOf {
  private AsOf() {}

  public static LocalDate resolve(JobContext ctx) {
    if (ctx.asOf() != null) {
      return ctx.asOf();
    }
    Row r = customer360(ctx).agg(max("snapshot_date")).first();
    if (r.isNullAt(0)) {
      throw new CxlakeException(ctx.catalog().gold(Customer360Enrichment.TARGET)
          + " holds no snapshot: run the metrics stage first");
    }
    return r.getDate(0).toLocalDate();
  }

  /**
   * As {@link #resolve}, for a stage that can run without customers (voice on reviews only):
   * without a customer_360 snapshot, the date {@code fallback} gives (e.g. its latest input).
   */
  public static LocalDate resolveOr(JobContext ctx, java.util.function.Supplier<LocalDate> fallback) {
    if (ctx.asOf() != null) {
      return ctx.asOf();
    }
    String table = ctx.catalog().gold(Customer360Enrichment.TARGET);
    if (ctx.spark().catalog().tableExists(table)) {
      Row r = ctx.spark().table(table).agg(max("snapshot_date")).first();
      if (!r.isNullAt(0)) {
        return r.getDate(0).toLocalDate();
      }
    }
    return fallback.get();
  }

  /** The customer_360 rows of the snapshot at {@code asOf}; an error when there is none. */
  public static Dataset<Row> snapshot(JobContext ctx, LocalDate asOf) {
    Dataset<Row> rows = customer360(ctx).where(col("snapshot_date").equalTo(lit(java.sql.Date.valueOf(asOf))));
    if (rows.isEmpty()) {
      throw new CxlakeException(ctx.catalog().gold(Customer360Enrichment.TARGET) + " has no snapshot for " + asOf
          + ": run `cxlake metrics --as-of " + asOf + "` first");
    }
    return rows;
  }

  private static Dataset<Row> customer360(JobContext ctx) {
    String table = ctx.catalog().gold(Customer360Enrichment.TARGET);
    if (!ctx.spark().catalog().tableExists(table)) {
      throw new CxlakeException(table + " is missing: run the metrics stage first");
    }
    return ctx.spark().table(table);
  }

  /**
   * The as-of date of the analysis in {@code table} that stands for {@code asOf}, or null when
   * the run analyses: the latest one of {@link #standingCandidates}. One aggregate over the
   * table's as-of dates.
   */
  public static LocalDate standing(JobContext ctx, String table, LocalDate asOf, int refitDays, String settings) {
    Dataset<Row> candidates = standingCandidates(ctx, table, asOf, refitDays, settings);
    if (candidates == null) {
      return null;
    }
    Row latest = candidates.agg(max("as_of_date")).first();
    return latest.isNullAt(0) ? null : latest.getDate(0).toLocalDate();
  }

  /**
   * The rows of {@code table} whose analysis may stand for {@code asOf}: those of less than
   * {@code refitDays} before it (never after it: they saw later data) recorded with
   * {@code settings} (its settings column). Null when the run analyses whatever the table holds:
   * on --full-refresh, with refit_days 0, and when the table does not exist or predates its
   * settings column.
   */
  public static Dataset<Row> standingCandidates(JobContext ctx, String table, LocalDate asOf, int refitDays,
      String settings) {
    if (ctx.fullRefresh() || refitDays == 0 || !ctx.spark().catalog().tableExists(table)
        || !TableColumns.has(ctx.spark().table(table), "settings")) {
      return null;
    }
    return ctx.spark().table(table)
        .where(col("as_of_date").leq(lit(java.sql.Date.valueOf(asOf)))
            .and(col("as_of_date").gt(lit(java.sql.Date.valueOf(asOf.minusDays(refitDays)))))
            .and(col("settings").equalTo(settings)));
  }
}
