package io.cxlake.text;

import static org.apache.spark.sql.functions.*;

import io.cxlake.core.CxlakeConfig;
import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/** voice_topic: per topic × period × slice volume, negativity, trend and the ranked pain score. */
public final class PainPoints {
  private PainPoints() {}

  /**
   * @param responses voice_response rows
   * @param topics    topic_key, language, topic_label, top_terms
   */
  public static Dataset<Row> build(Dataset<Row> responses, Dataset<Row> topics, VoiceConfig cfg, LocalDate asOf) {
    Date yearStart = Date.valueOf(asOf.minusDays(364));
    Column periods = array(
        when(col("response_date").geq(lit(yearStart)),
            struct(lit("last_12_months").as("type"), lit(yearStart).as("start"))),
        struct(lit("month").as("type"), trunc(col("response_date"), "month").as("start")));
    Column slices = array(struct(lit("all").as("type"), lit("all").as("value")),
        struct(lit("source").as("type"), col("source").as("value")),
        struct(lit("touchpoint").as("type"), coalesce(col("touchpoint"), lit("unknown")).as("value")));
    Dataset<Row> agg = responses.where(col("topic_key").isNotNull())
        .withColumn("period", explode(periods)).where(col("period").isNotNull())
        .withColumn("slice", explode(slices))
        .groupBy(col("topic_key"), col("period.type").as("period_type"), col("period.start").as("period_start"),
            col("slice.type").as("slice_type"), col("slice.value").as("slice_value"))
        .agg(count(lit(1)).as("texts"), count(col("nps")).as("nps_n"),
            sum(when(col("nps").leq(6), 1).otherwise(0)).as("detractors"), avg("nps").as("avg_nps"),
            avg("csat").as("avg_csat"), avg("sentiment_score").as("avg_sentiment"),
            sum(when(col("sentiment_label").equalTo("negative"), 1).otherwise(0)).as("negatives"));
    Column detractorPct = when(col("nps_n").gt(0), col("detractors").multiply(100.0).divide(col("nps_n")));
    Column negativePct = col("negatives").multiply(100.0).divide(col("texts"));
    Column negativity = cfg.painNegativity().equals("detractors") ? coalesce(detractorPct, lit(0.0)).divide(100)
        : negativePct.divide(100);
    WindowSpec trend = Window.partitionBy("topic_key", "period_type", "slice_type", "slice_value").orderBy("period_start");
    WindowSpec rank = Window.partitionBy("period_type", "period_start", "slice_type", "slice_value")
        .orderBy(col("pain_score").desc(), col("topic_key"));
    Column isMonth = col("period_type").equalTo("month");
    return agg.withColumn("detractor_pct", detractorPct).withColumn("negative_pct", negativePct)
        .withColumn("pain_score", col("texts").multiply(negativity))
        .withColumn("texts_change_pct", when(isMonth, col("texts").minus(lag("texts", 1).over(trend)).multiply(100.0)
            .divide(lag("texts", 1).over(trend))))
        .withColumn("negative_change_pts", when(isMonth, col("negative_pct").minus(lag("negative_pct", 1).over(trend))))
        .withColumn("pain_rank", row_number().over(rank))
        .withColumn("low_confidence", col("texts").lt(cfg.painMinResponses()))
        .join(topics, "topic_key")
        .withColumn("as_of_date", lit(Date.valueOf(asOf)));
  }
}
