package io.cxlake.segment;

import io.cxlake.platform.CustomerColumn;
import io.cxlake.platform.StageModule;
import static org.apache.spark.sql.functions.*;

import io.cxlake.contract.GoldWriter;
import io.cxlake.core.CxlakeConfig;
import io.cxlake.core.JobContext;
import io.cxlake.core.Progress;
import io.cxlake.core.Stage;
import io.cxlake.core.StageResult;
import io.cxlake.metrics.GoldContracts;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * customer_rfm and customer_value for one as-of date (the latest customer_360 snapshot unless
 * --as-of), replacing that date's rows so reruns are idempotent; then the snapshot's
 * segmentation columns in customer_360.
 */
public final class SegmentStage implements Stage {
  public static final String NAME = "segment";

  /** RFM and the value model. */
  public static final StageModule MODULE = StageModule.define(NAME,
          "RFM scores and segments (customer_rfm) and the ABC value model with Pareto classes (customer_value) "
              + "for the latest customer_360 snapshot (or --as-of).")
      .config(SegmentationConfig.SECTION)
      .requires(GoldContracts.CUSTOMER_360, GoldContracts.FACT_ORDER)   // RFM and value are about orders
      .writes(SegmentContracts.CUSTOMER_RFM, SegmentContracts.CUSTOMER_VALUE)
      .contributes(
          CustomerColumn.of("rfm_segment", "string", "Segment: RFM segment name at the snapshot date (customer_rfm; null until the segment stage ran)", SegmentContracts.CUSTOMER_RFM, "segment"),
          CustomerColumn.of("rfm_cell", "string", "Segment: R, F and M scores as three digits, e.g. 545 (null: no orders in the RFM window)", SegmentContracts.CUSTOMER_RFM, "rfm_cell"),
          CustomerColumn.of("value_score", "double", "Segment: overall value 0-100 of the attitude-behaviour-consumption model (customer_value)", SegmentContracts.CUSTOMER_VALUE, "value_score")
              .checked(b -> b.range(0, 100)),
          CustomerColumn.of("value_tier", "string", "Segment: value tier from segmentation.value.tiers", SegmentContracts.CUSTOMER_VALUE, "value_tier"),
          CustomerColumn.of("pareto_class", "string", "Segment: Pareto ABC class on revenue share: A (top 80%), B (next 15%), C (rest)", SegmentContracts.CUSTOMER_VALUE, "pareto_class")
              .checked(b -> b.accepted("A", "B", "C")))
      .build(registry -> new SegmentStage());

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(JobContext ctx) {
    SegmentationConfig cfg = ctx.config().get(SegmentationConfig.SECTION);
    Snapshot snap = Snapshot.resolve(ctx);
    Progress.info("segmentation for as-of {}", snap.asOf());
    Dataset<Row> c360 = snap.c360().persist(StorageLevel.MEMORY_AND_DISK());
    long customers = c360.count();
    GoldWriter writer = new GoldWriter(ctx);
    try {
      Dataset<Row> factOrder = ctx.spark().table(ctx.catalog().gold(GoldContracts.FACT_ORDER.name()));
      boolean rfmOk = writer.replace(SegmentContracts.CUSTOMER_RFM, Rfm.build(c360, factOrder, snap.asOf(), cfg.rfm()),
          snap.where());
      if (rfmOk) {
        Dataset<Row> rfm = snap.gold(ctx, SegmentContracts.CUSTOMER_RFM.name());
        writer.replace(SegmentContracts.CUSTOMER_VALUE, ValueModel.build(c360, rfm, snap.asOf(), cfg.value()),
            snap.where());
      }
    } finally {
      writer.flush();
      c360.unpersist();
    }
    printSummary(ctx, snap);
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("tables_written", (long) writer.tablesWritten());
    return new StageResult(customers, writer.rowsWritten(), counts, writer.problems());
  }

  /** Segment sizes and Pareto shares: a few rows each. */
  private static void printSummary(JobContext ctx, Snapshot snap) {
    if (!ctx.spark().catalog().tableExists(ctx.catalog().gold(SegmentContracts.CUSTOMER_VALUE.name()))) {
      return;
    }
    List<Row> segments = snap.gold(ctx, SegmentContracts.CUSTOMER_RFM.name()).groupBy("segment").count()
        .orderBy(col("count").desc(), col("segment")).collectAsList();
    StringBuilder sb = new StringBuilder("RFM segments as of " + snap.asOf() + ":");
    for (Row r : segments) {
      sb.append(String.format("%n  %-20s %8d", r.getString(0), r.getLong(1)));
    }
    List<Row> pareto = snap.gold(ctx, SegmentContracts.CUSTOMER_VALUE.name()).groupBy("pareto_class")
        .agg(count(lit(1)), sum("revenue_share_pct")).orderBy("pareto_class").collectAsList();
    sb.append(String.format("%nPareto classes (customers, share of revenue):"));
    for (Row r : pareto) {
      sb.append(String.format("%n  %s %8d %6.1f%%", r.getString(0), r.getLong(1), r.isNullAt(2) ? 0.0 : r.getDouble(2)));
    }
    System.out.println(sb);
  }
}
