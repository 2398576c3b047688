package io.cxlake.drivers;

import io.cxlake.platform.StageModule;
import io.cxlake.platform.AsOf;
import io.cxlake.platform.GoldRead;
import static org.apache.spark.sql.functions.*;

import io.cxlake.contract.GoldWriter;
import io.cxlake.core.CxlakeConfig;
import io.cxlake.core.JobContext;
import io.cxlake.core.Progress;
import io.cxlake.core.Stage;
import io.cxlake.core.StageResult;
import io.cxlake.metrics.GoldContracts;
import java.sql.Date;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** touchpoint_journey: rebuilt from the gold facts and the latest key_driver rows up to the as-of date. */
public final class JourneyStage implements Stage {
  public static final String NAME = "journey";

  /** The touchpoint journey. */
  public static final StageModule MODULE = StageModule.define(NAME,
          "Touchpoint journey per period, journey stage and touchpoint: volume, scores, complaints, response "
              + "times, top driver and pain index; writes touchpoint_journey.")
      .config(JourneyConfig.SECTION)
      .requires(GoldContracts.FACT_SURVEY_RESPONSE)
      .optional(GoldContracts.FACT_INTERACTION, GoldContracts.DIM_TOUCHPOINT, DriverContracts.KEY_DRIVER)
      .writes(DriverContracts.TOUCHPOINT_JOURNEY)
      .build(registry -> new JourneyStage());

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(JobContext ctx) {
    JourneyConfig cfg = ctx.config().get(JourneyConfig.SECTION);
    LocalDate asOf = AsOf.resolve(ctx);
    Dataset<Row> drivers = drivers(ctx, cfg, asOf);
    if (drivers == null) {
      Progress.warn("touchpoint_journey: no key_driver rows up to {} for outcome {}: top drivers stay empty (run the "
          + "drivers stage first)", asOf, cfg.driverOutcome());
    }
    Dataset<Row> rows = Journey.build(GoldRead.table(ctx, GoldContracts.FACT_SURVEY_RESPONSE.name()),
            GoldRead.table(ctx, GoldContracts.FACT_INTERACTION.name()),
            GoldRead.table(ctx, GoldContracts.DIM_TOUCHPOINT.name()), drivers, cfg, asOf)
        .withColumn("run_id", lit(ctx.runId()));
    GoldWriter writer = new GoldWriter(ctx);
    writer.overwrite(DriverContracts.TOUCHPOINT_JOURNEY, rows);
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("rows", writer.rowsWritten());
    printLatest(ctx, asOf);
    return new StageResult(0, writer.rowsWritten(), counts, writer.problems());
  }

  /** key_driver rows of the latest as-of date up to {@code asOf} for the configured outcome, or null. */
  private static Dataset<Row> drivers(JobContext ctx, JourneyConfig cfg, LocalDate asOf) {
    String table = ctx.catalog().gold(DriverContracts.KEY_DRIVER.name());
    if (!ctx.spark().catalog().tableExists(table)) {
      return null;
    }
    Dataset<Row> kd = ctx.spark().table(table).where(col("outcome").equalTo(cfg.driverOutcome())
        .and(col("as_of_date").leq(lit(Date.valueOf(asOf)))));
    Row latest = kd.agg(max("as_of_date")).first();
    return latest.isNullAt(0) ? null : kd.where(col("as_of_date").equalTo(lit(latest.getDate(0))));
  }

  /** The latest complete period's most painful touchpoints. */
  private static void printLatest(JobContext ctx, LocalDate asOf) {
    Dataset<Row> t = ctx.spark().table(ctx.catalog().gold(DriverContracts.TOUCHPOINT_JOURNEY.name()))
        .where(col("is_complete"));
    Row last = t.agg(max("period_start")).first();
    if (last.isNullAt(0)) {
      return;
    }
    List<Row> top = t.where(col("period_start").equalTo(lit(last.getDate(0)))).orderBy("pain_rank").limit(5)
        .select("pain_rank", "journey_stage", "touchpoint", "pain_index", "responses", "nps", "contacts", "complaints",
            "top_driver")
        .collectAsList();
    System.out.printf("%nMost painful touchpoints, %s: rank, stage / touchpoint, pain index, responses, NPS, contacts, "
        + "complaints, top driver%n", last.getDate(0));
    for (Row r : top) {
      System.out.printf("  %d. %s / %s  %.2f  %d  %s  %d  %d  %s%n", r.getInt(0), r.getString(1), r.getString(2),
          r.getDouble(3), r.getLong(4), r.isNullAt(5) ? "-" : String.format("%.1f", r.getDouble(5)), r.getLong(6),
          r.getLong(7), r.isNullAt(8) ? "-" : r.getString(8));
    }
  }
}
