package io.cxlake.segment;

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

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(JobContext ctx) {
    CxlakeConfig.Segmentation cfg = ctx.config().segmentation();
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
        if (writer.replace(SegmentContracts.CUSTOMER_VALUE, ValueModel.build(c360, rfm, snap.asOf(), cfg.value()),
            snap.where())) {
          SegmentColumns.update(ctx, snap.asOf(), SegmentContracts.CUSTOMER_RFM.name(), SegmentContracts.CUSTOMER_VALUE.name());
        } else {
          SegmentColumns.update(ctx, snap.asOf(), SegmentContracts.CUSTOMER_RFM.name());
        }
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
