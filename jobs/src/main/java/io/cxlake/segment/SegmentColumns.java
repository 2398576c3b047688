package io.cxlake.segment;

import static org.apache.spark.sql.functions.*;

import io.cxlake.core.JobContext;
import io.cxlake.core.Progress;
import io.cxlake.metrics.GoldContracts;
import io.delta.tables.DeltaTable;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The segmentation and churn columns of customer_360. Both directions keep them in step whatever runs
 * first: the metrics stage fills them from the segmentation tables of the same as-of date when
 * it rebuilds a snapshot, and the segment and cluster stages update the snapshot after writing.
 */
public final class SegmentColumns {
  private SegmentColumns() {}

  /** customer_360 column → (source table, source column, type). */
  private record Source(String table, String column, String type) {}

  private static final Map<String, Source> COLUMNS = new LinkedHashMap<>();
  /** churn_score (io.cxlake.churn.ChurnContracts), named here to keep segment free of the churn package. */
  private static final String CHURN_SCORE = "churn_score";
  /** voice_customer (io.cxlake.text.VoiceContracts). */
  private static final String VOICE_CUSTOMER = "voice_customer";

  static {
    COLUMNS.put("rfm_segment", new Source(SegmentContracts.CUSTOMER_RFM.name(), "segment", "string"));
    COLUMNS.put("rfm_cell", new Source(SegmentContracts.CUSTOMER_RFM.name(), "rfm_cell", "string"));
    COLUMNS.put("value_score", new Source(SegmentContracts.CUSTOMER_VALUE.name(), "value_score", "double"));
    COLUMNS.put("value_tier", new Source(SegmentContracts.CUSTOMER_VALUE.name(), "value_tier", "string"));
    COLUMNS.put("pareto_class", new Source(SegmentContracts.CUSTOMER_VALUE.name(), "pareto_class", "string"));
    COLUMNS.put("cluster_id", new Source(SegmentContracts.CUSTOMER_CLUSTER.name(), "cluster_id", "int"));
    COLUMNS.put("cluster_label", new Source(SegmentContracts.CUSTOMER_CLUSTER.name(), "cluster_label", "string"));
    COLUMNS.put("churn_probability", new Source(CHURN_SCORE, "churn_probability", "double"));
    COLUMNS.put("churn_risk_band", new Source(CHURN_SCORE, "risk_band", "string"));
    COLUMNS.put("sentiment", new Source(VOICE_CUSTOMER, "sentiment_mean", "double"));
  }

  /** Adds the segmentation columns to a customer_360 snapshot being built (null where no table has them yet). */
  public static Dataset<Row> attach(JobContext ctx, Dataset<Row> c360, LocalDate asOf) {
    Dataset<Row> out = c360;
    for (String table : COLUMNS.values().stream().map(Source::table).distinct().toList()) {
      String name = ctx.catalog().gold(table);
      List<Map.Entry<String, Source>> cols = COLUMNS.entrySet().stream().filter(e -> e.getValue().table().equals(table)).toList();
      if (ctx.spark().catalog().tableExists(name)) {
        Column[] select = new Column[cols.size() + 1];
        select[0] = col("customer_key");
        for (int i = 0; i < cols.size(); i++) {
          select[i + 1] = col(cols.get(i).getValue().column()).as(cols.get(i).getKey());
        }
        Dataset<Row> src = ctx.spark().table(name).where(col("as_of_date").equalTo(lit(java.sql.Date.valueOf(asOf))))
            .select(select);
        out = out.join(src, new String[] {"customer_key"}, "left");
      } else {
        for (Map.Entry<String, Source> e : cols) {
          out = out.withColumn(e.getKey(), lit(null).cast(e.getValue().type()));
        }
      }
    }
    return out;
  }

  /**
   * Updates the customer_360 snapshot of {@code asOf} from the given tables' rows of that date,
   * in one MERGE (one rewrite of the snapshot); snapshot rows the tables have no row for are
   * set to null.
   */
  public static void update(JobContext ctx, LocalDate asOf, String... tables) {
    String c360 = ctx.catalog().gold(GoldContracts.CUSTOMER_360.name());
    if (!ctx.spark().catalog().tableExists(c360)) {
      Progress.warn("customer_360 does not exist: its segmentation columns stay empty until the metrics stage runs");
      return;
    }
    io.cxlake.contract.ContractTables.ensure(ctx.spark(), c360, GoldContracts.CUSTOMER_360, false);
    String day = "DATE'" + asOf + "'";
    Map<String, String> set = new LinkedHashMap<>();
    Map<String, String> clear = new LinkedHashMap<>();
    Dataset<Row> src = null;
    for (String table : tables) {
      List<Column> select = new java.util.ArrayList<>();
      select.add(col("customer_key"));
      for (Map.Entry<String, Source> e : COLUMNS.entrySet()) {
        if (e.getValue().table().equals(table)) {
          set.put(e.getKey(), "s." + e.getKey());
          clear.put(e.getKey(), "NULL");
          select.add(col(e.getValue().column()).as(e.getKey()));
        }
      }
      Dataset<Row> one = ctx.spark().table(ctx.catalog().gold(table))
          .where(col("as_of_date").equalTo(lit(java.sql.Date.valueOf(asOf))))
          .select(select.toArray(Column[]::new));
      src = src == null ? one : src.join(one, new String[] {"customer_key"}, "full_outer");
    }
    DeltaTable.forName(ctx.spark(), c360).as("t")
        .merge(src.as("s"), "t.snapshot_date = " + day + " AND t.customer_key = s.customer_key")
        .whenMatched().updateExpr(set)
        .whenNotMatchedBySource("t.snapshot_date = " + day).updateExpr(clear)
        .execute();
  }
}
