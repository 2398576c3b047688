package io.cxlake.drivers;

import static org.apache.spark.sql.functions.*;

import io.cxlake.core.CxlakeConfig;
import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * touchpoint_journey rows (SPEC §8.7) from the gold facts: survey scores and support contacts per
 * period × journey stage × touchpoint, the touchpoint's top driver, and the pain index. Pure
 * transformation: the stage reads and writes.
 */
public final class Journey {
  private Journey() {}

  private static final String[] KEYS = {"period_start", "journey_stage", "touchpoint"};

  /**
   * @param touchpoints dim_touchpoint (the journey stage of support contacts' touchpoints)
   * @param drivers     key_driver rows of one as-of date and the configured outcome, or null
   */
  public static Dataset<Row> build(Dataset<Row> responses, Dataset<Row> interactions, Dataset<Row> touchpoints,
      Dataset<Row> drivers, JourneyConfig cfg, LocalDate asOf) {
    Column end = lit(Date.valueOf(asOf));
    Column w = col("weight");
    Dataset<Row> survey = responses.where(col("response_date").leq(end))
        .withColumn("period_start", periodStart(col("response_date"), cfg.periodType()))
        .groupBy(KEYS[0], KEYS[1], KEYS[2])
        .agg(count(lit(1)).as("responses"),
            sum(when(col("nps").isNotNull(), w)).as("nps_w"), sum(when(col("nps").geq(9), w)).as("promoters_w"),
            sum(when(col("nps").leq(6), w)).as("detractors_w"),
            sum(when(col("csat").isNotNull(), w)).as("csat_w"), sum(w.multiply(col("csat"))).as("csat_sum"),
            sum(when(col("csat").geq(4), w)).as("top2_w"), sum(when(col("csat").leq(2), w)).as("dissatisfied_w"),
            sum(when(col("ces").isNotNull(), w)).as("ces_w"), sum(w.multiply(col("ces"))).as("ces_sum"),
            sum(when(col("ces").leq(3), w)).as("hard_w"));
    Dataset<Row> contacts = interactions.where(col("opened_date").leq(end))
        .join(touchpoints.select(col("touchpoint"), col("journey_stage").as("tp_stage")), new String[] {"touchpoint"}, "left")
        .withColumn("journey_stage", coalesce(col("tp_stage"), lit("unknown")))
        .withColumn("period_start", periodStart(col("opened_date"), cfg.periodType()))
        .groupBy(KEYS[0], KEYS[1], KEYS[2])
        .agg(count(lit(1)).as("contacts"), sum(when(col("is_complaint"), 1).otherwise(0)).as("complaints"),
            percentile(col("first_response_hours"), lit(0.5)).as("first_response_hours_median"),
            percentile(col("resolution_hours"), lit(0.5)).as("resolution_hours_median"),
            percentile(col("resolution_hours"), lit(0.9)).as("resolution_hours_p90"));
    Dataset<Row> rows = survey.join(contacts, KEYS, "full_outer")
        .na().fill(0L, new String[] {"responses", "contacts", "complaints"});
    Column nps = pct(col("promoters_w"), col("nps_w")).minus(pct(col("detractors_w"), col("nps_w")));
    rows = rows.select(col("period_start"), col("journey_stage"), col("touchpoint"), col("responses"),
        nps.as("nps"), pct(col("detractors_w"), col("nps_w")).as("detractors_pct"),
        ratio(col("csat_sum"), col("csat_w")).as("csat_mean"), pct(col("top2_w"), col("csat_w")).as("csat_top2_pct"),
        pct(col("dissatisfied_w"), col("csat_w")).as("dissatisfied_pct"),
        ratio(col("ces_sum"), col("ces_w")).as("ces_mean"), pct(col("hard_w"), col("ces_w")).as("hard_effort_pct"),
        col("contacts"), col("complaints"),
        pct(col("complaints").cast("double"), col("contacts").cast("double")).as("complaint_pct"),
        col("first_response_hours_median"), col("resolution_hours_median"), col("resolution_hours_p90"));
    JourneyConfig.PainWeights pw = cfg.painWeights();
    Column[][] parts = {{col("detractors_pct"), lit(pw.detractors())}, {col("dissatisfied_pct"), lit(pw.dissatisfied())},
        {col("hard_effort_pct"), lit(pw.hardEffort())}, {col("complaint_pct"), lit(pw.complaints())}};
    Column weighted = lit(0.0);
    Column weights = lit(0.0);
    for (Column[] part : parts) {
      weighted = weighted.plus(coalesce(part[0].divide(100).multiply(part[1]), lit(0.0)));
      weights = weights.plus(when(part[0].isNotNull(), part[1]).otherwise(0.0));
    }
    Column volume = col("responses").plus(col("contacts")).cast("double");
    rows = rows.withColumn("negativity", when(weights.gt(0), weighted.divide(weights)))
        .withColumn("volume_share", volume.divide(sum(volume).over(Window.partitionBy("period_start"))))
        .withColumn("pain_index", coalesce(col("volume_share").multiply(col("negativity")).multiply(100), lit(0.0)))
        .withColumn("pain_rank", rank().over(Window.partitionBy("period_start")
            .orderBy(col("pain_index").desc(), col("journey_stage"), col("touchpoint"))));
    if (drivers != null) {
      rows = rows.join(topDrivers(drivers), new String[] {"touchpoint"}, "left");
    } else {
      rows = rows.withColumn("top_driver", lit(null).cast("string"))
          .withColumn("top_driver_importance_pct", lit(null).cast("double"))
          .withColumn("top_driver_quadrant", lit(null).cast("string"))
          .withColumn("fix_first_drivers", lit(null).cast("array<string>"));
    }
    Column periodEnd = cfg.periodType().equals("month") ? add_months(col("period_start"), 1)
        : date_add(col("period_start"), 7);
    return rows.withColumn("period_type", lit(cfg.periodType()))
        .withColumn("period_end", periodEnd)
        .withColumn("is_complete", col("period_end").leq(date_add(end, 1)))
        .withColumn("low_confidence", col("responses").lt(cfg.minResponses()))
        .withColumn("as_of_date", end);
  }

  /** Per touchpoint: the rank-1 driver, its importance and quadrant, and the fix-first drivers by importance. */
  static Dataset<Row> topDrivers(Dataset<Row> drivers) {
    return drivers.where(col("slice_type").equalTo("touchpoint").and(col("status").equalTo("ok")))
        .groupBy(col("slice_value").as("touchpoint"))
        .agg(min_by(col("driver"), col("importance_rank")).as("top_driver"),
            min_by(col("importance_pct"), col("importance_rank")).as("top_driver_importance_pct"),
            min_by(col("quadrant"), col("importance_rank")).as("top_driver_quadrant"),
            transform(array_sort(collect_list(when(col("quadrant").equalTo("fix first"),
                struct(col("importance_rank"), col("driver"))))), s -> s.getField("driver")).as("fix_first_drivers"));
  }

  static Column periodStart(Column date, String periodType) {
    return periodType.equals("month") ? trunc(date, "month") : date_trunc("week", date).cast("date");
  }

  private static Column pct(Column part, Column whole) {
    return when(whole.gt(0), coalesce(part, lit(0.0)).multiply(100).divide(whole));
  }

  private static Column ratio(Column part, Column whole) {
    return when(whole.gt(0), part.divide(whole));
  }
}
