package io.cxlake.value;

import static org.apache.spark.sql.functions.*;

import io.cxlake.churn.ChurnContracts;
import io.cxlake.clv.ClvContracts;
import io.cxlake.contract.GoldWriter;
import io.cxlake.contract.TableContract;
import io.cxlake.core.JobContext;
import io.cxlake.core.NothingToDo;
import io.cxlake.core.Progress;
import io.cxlake.core.Stage;
import io.cxlake.core.StageResult;
import io.cxlake.drivers.DriverContracts;
import io.cxlake.metrics.GoldContracts;
import io.cxlake.platform.AsOf;
import io.cxlake.platform.CacheScope;
import io.cxlake.platform.CustomerColumn;
import io.cxlake.platform.GoldRead;
import io.cxlake.platform.StageModule;
import io.cxlake.segment.SegmentContracts;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The revenue value of experience for one as-of date: value at risk (CLV × churn probability)
 * per customer and rolled up by NPS group, RFM segment, cluster and region with bootstrap
 * intervals; CLV and retention by NPS group adjusted for tenure and past spend; the value of one
 * more rating point on each NPS key driver. Rows of the as-of date are replaced on a rerun.
 */
public final class ValueStage implements Stage {
  public static final String NAME = "value";

  public static final StageModule MODULE = StageModule.define(NAME,
          "The revenue value of experience: value at risk (CLV x churn probability) per customer and by NPS group, "
              + "segment, cluster and region; CLV and retention by NPS group, adjusted; the value of a rating point on "
              + "each NPS key driver. Writes customer_value_at_risk, value_at_risk, experience_value, driver_value.")
      .config(ValueConfig.SECTION)
      .requires(ClvContracts.CUSTOMER_CLV, GoldContracts.CUSTOMER_360, GoldContracts.FACT_ORDER)
      .optional(ChurnContracts.CHURN_SCORE, SegmentContracts.CUSTOMER_RFM, SegmentContracts.CUSTOMER_CLUSTER,
          DriverContracts.KEY_DRIVER, GoldContracts.FACT_SURVEY_RESPONSE)
      .writes(ValueContracts.all().toArray(TableContract[]::new))
      .contributes(CustomerColumn.of("value_at_risk", "double",
          "Value: CLV x churn probability, the expected value lost to churn (customer_value_at_risk; null: not scored)",
          ValueContracts.CUSTOMER_VALUE_AT_RISK, "value_at_risk"))
      .build(registry -> new ValueStage());

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(JobContext ctx) {
    ValueConfig cfg = ctx.config().get(ValueConfig.SECTION);
    LocalDate asOf = AsOf.resolve(ctx);
    Dataset<Row> clv = ofDate(ctx, ClvContracts.CUSTOMER_CLV, asOf);
    if (clv == null) {
      throw new NothingToDo("customer_clv has no rows for " + asOf + " (the clv stage was skipped or has not run)");
    }
    Dataset<Row> churn = ofDate(ctx, ChurnContracts.CHURN_SCORE, asOf);
    if (churn == null) {
      Progress.warn("value: no churn_score rows for {}: value at risk stays empty (CLV and the experience value are "
          + "still computed)", asOf);
    }
    Dataset<Row> snapshot = AsOf.snapshot(ctx, asOf);
    GoldWriter writer = new GoldWriter(ctx);
    Map<String, Long> counts = new LinkedHashMap<>();
    String where = "as_of_date = DATE'" + asOf + "'";
    try (CacheScope cache = CacheScope.open()) {
      Dataset<Row> customers = cache.keep(ValueAtRisk.customers(clv, snapshot, churn,
          ofDate(ctx, SegmentContracts.CUSTOMER_RFM, asOf), ofDate(ctx, SegmentContracts.CUSTOMER_CLUSTER, asOf)));
      // the writer keeps the contract's columns (not the regression inputs)
      writer.replace(ValueContracts.CUSTOMER_VALUE_AT_RISK, customers, where);

      List<Row> rollup = ValueAtRisk.rollup(ValueAtRisk.bucketSums(customers, cfg.seed()).collectAsList(), cfg, asOf);
      writer.replace(ValueContracts.VALUE_AT_RISK, ctx.spark().createDataFrame(rollup, ValueContracts.VALUE_AT_RISK.schema()),
          where);

      ExperienceValue.Adjusted clvDifference = ExperienceValue.adjusted(customers, "clv",
          ExperienceValue.groupSums(customers, "clv"), cfg);
      LocalDate base = asOf.minusMonths(cfg.retentionMonths());
      Dataset<Row> retention = cache.keep(ExperienceValue.retention(GoldRead.table(ctx, GoldContracts.FACT_ORDER.name()),
          responses(ctx), base, asOf));
      Map<String, double[]> retentionSums = ExperienceValue.groupSums(retention, "retained");
      ExperienceValue.Adjusted retained = ExperienceValue.adjusted(retention, "retained", retentionSums, cfg);
      List<Row> npsRollup = rollup.stream().filter(r -> r.getString(1).equals("nps_group")).toList();
      writer.replace(ValueContracts.EXPERIENCE_VALUE, ctx.spark().createDataFrame(
          ExperienceValue.rows(asOf, base, npsRollup, clvDifference, retentionSums, retained, cfg),
          ValueContracts.EXPERIENCE_VALUE.schema()), where);

      List<DriverValue.Driver> drivers = npsDrivers(ctx, asOf);
      if (drivers.isEmpty()) {
        Progress.warn("value: no NPS key_driver rows (slice all) up to {}: driver_value is not written (run drivers with "
            + "an outcome of type nps)", asOf);
      } else {
        writer.replace(ValueContracts.DRIVER_VALUE, ctx.spark().createDataFrame(
            DriverValue.rows(asOf, drivers, npsCounts(customers), clvDifference), ValueContracts.DRIVER_VALUE.schema()),
            where);
      }
      counts.put("customers", rollup.stream().filter(r -> r.getString(1).equals("all")).mapToLong(r -> r.getLong(3)).sum());
    } finally {
      writer.flush();
    }
    print(ctx.spark(), ctx.catalog().gold(ValueContracts.VALUE_AT_RISK.name()),
        ctx.catalog().gold(ValueContracts.EXPERIENCE_VALUE.name()), asOf);
    counts.put("tables_written", (long) writer.tablesWritten());
    return new StageResult(counts.get("customers"), writer.rowsWritten(), counts, writer.problems());
  }

  /** A gold table's rows of the as-of date, or null when the table is missing or has none. */
  private static Dataset<Row> ofDate(JobContext ctx, TableContract table, LocalDate asOf) {
    String name = ctx.catalog().gold(table.name());
    if (!ctx.spark().catalog().tableExists(name)) {
      return null;
    }
    Dataset<Row> rows = ctx.spark().table(name).where(col("as_of_date").equalTo(lit(Date.valueOf(asOf))));
    return rows.isEmpty() ? null : rows;
  }

  /** fact_survey_response, or an empty frame of its columns when there are no surveys. */
  private static Dataset<Row> responses(JobContext ctx) {
    String name = ctx.catalog().gold(GoldContracts.FACT_SURVEY_RESPONSE.name());
    return ctx.spark().catalog().tableExists(name) ? ctx.spark().table(name)
        : ctx.spark().createDataFrame(List.of(), GoldContracts.FACT_SURVEY_RESPONSE.schema());
  }

  /** Customers with a CLV by their latest NPS answer 0..10 (eleven numbers). */
  private static long[] npsCounts(Dataset<Row> customers) {
    long[] counts = new long[11];
    for (Row r : customers.where(col("latest_nps").isNotNull()).groupBy("latest_nps").count().collectAsList()) {
      counts[r.getInt(0)] = r.getLong(1);
    }
    return counts;
  }

  /** The analysed drivers of NPS outcomes, slice all, of the latest key_driver as-of date up to {@code asOf}. */
  private static List<DriverValue.Driver> npsDrivers(JobContext ctx, LocalDate asOf) {
    String name = ctx.catalog().gold(DriverContracts.KEY_DRIVER.name());
    List<DriverValue.Driver> out = new ArrayList<>();
    if (!ctx.spark().catalog().tableExists(name)) {
      return out;
    }
    Dataset<Row> kd = ctx.spark().table(name).where(col("outcome_type").equalTo("nps").and(col("slice_type").equalTo("all"))
        .and(col("status").equalTo("ok")).and(col("as_of_date").leq(lit(Date.valueOf(asOf)))));
    Row latest = kd.agg(max("as_of_date"), min("outcome")).first();
    if (latest.isNullAt(0)) {
      return out;
    }
    // one NPS outcome: the first by name when several are configured
    for (Row r : kd.where(col("as_of_date").equalTo(lit(latest.getDate(0))).and(col("outcome").equalTo(latest.getString(1))))
        .select("driver", "importance_pct", "significant", "coefficient_per_point", "p_value").orderBy("driver")
        .collectAsList()) {
      out.add(new DriverValue.Driver(r.getString(0), latest.getDate(0).toLocalDate(), nullable(r, 1),
          r.isNullAt(2) ? null : r.getBoolean(2), nullable(r, 3), nullable(r, 4)));
    }
    return out;
  }

  private static Double nullable(Row r, int i) {
    return r.isNullAt(i) ? null : r.getDouble(i);
  }

  /** Value at risk by NPS group and the adjusted CLV differences: a few rows. */
  private static void print(SparkSession spark, String valueAtRisk, String experienceValue, LocalDate asOf) {
    Date day = Date.valueOf(asOf);
    StringBuilder sb = new StringBuilder(String.format(
        "%nValue by NPS group, %s: group, customers, CLV per customer, value at risk per scored customer, share at risk,"
            + " CLV vs passives (adjusted)", asOf));
    List<Row> rows = spark.table(valueAtRisk).where(col("as_of_date").equalTo(lit(day)).and(col("dimension").equalTo("nps_group")))
        .join(spark.table(experienceValue).where(col("as_of_date").equalTo(lit(day)))
            .select(col("nps_group").as("group_value"), col("clv_difference")), "group_value")
        .select("group_value", "customers", "clv_mean", "value_at_risk_mean", "share_at_risk", "clv_difference")
        .orderBy("group_value").collectAsList();
    for (Row r : rows) {
      sb.append(String.format("%n  %-13s %8d %10.2f %10s %7s %10s", r.getString(0), r.getLong(1), r.getDouble(2),
          r.isNullAt(3) ? "-" : String.format("%.2f", r.getDouble(3)),
          r.isNullAt(4) ? "-" : String.format("%.1f%%", 100 * r.getDouble(4)),
          r.isNullAt(5) ? "-" : String.format("%+.2f", r.getDouble(5))));
    }
    System.out.println(sb);
  }
}
