package io.cxlake.value;

import static org.apache.spark.sql.functions.*;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** Value at risk per customer and its roll-ups by group — pure transformations. */
final class ValueAtRisk {
  private ValueAtRisk() {}

  /**
   * Customers with a CLV, their churn probability (null when not scored), value at risk, groups,
   * and what the adjusted comparisons need: latest_nps, tenure_years, log_spend.
   *
   * @param clv      customer_clv rows of the as-of date
   * @param snapshot customer_360 rows of the as-of date
   * @param churn    churn_score rows of the as-of date, or null
   * @param rfm      customer_rfm rows of the as-of date, or null
   * @param cluster  customer_cluster rows of the as-of date, or null
   */
  static Dataset<Row> customers(Dataset<Row> clv, Dataset<Row> snapshot, Dataset<Row> churn, Dataset<Row> rfm,
      Dataset<Row> cluster) {
    Dataset<Row> d = clv.select("as_of_date", "customer_key", "clv", "p_alive")
        .join(snapshot.select(col("customer_key"), col("region"), col("latest_nps"), col("latest_nps_group"),
            col("tenure_days"), col("monetary")), new String[] {"customer_key"}, "left");
    d = churn == null ? d.withColumn("churn_probability", lit(null).cast("double"))
        : d.join(churn.select("customer_key", "churn_probability"), new String[] {"customer_key"}, "left");
    d = rfm == null ? d.withColumn("rfm_segment", lit(null).cast("string"))
        : d.join(rfm.select(col("customer_key"), col("segment").as("rfm_segment")), new String[] {"customer_key"}, "left");
    d = cluster == null ? d.withColumn("cluster", lit(null).cast("string"))
        : d.join(cluster.select(col("customer_key"), col("cluster_label").as("cluster")), new String[] {"customer_key"}, "left");
    return d.select(col("as_of_date"), col("customer_key"), col("clv"), col("p_alive"), col("churn_probability"),
        col("churn_probability").multiply(col("clv")).as("value_at_risk"),
        coalesce(col("latest_nps_group"), lit("not surveyed")).as("nps_group"),
        coalesce(col("rfm_segment"), lit("unknown")).as("rfm_segment"),
        coalesce(col("cluster"), lit("unknown")).as("cluster"),
        coalesce(col("region"), lit("unknown")).as("region"),
        col("latest_nps"),
        col("tenure_days").divide(365.25).as("tenure_years"),
        log1p(greatest(col("monetary").cast("double"), lit(0.0))).as("log_spend"));
  }

  /**
   * Per dimension, group and bucket (a hash of the customer key): customers, CLV sum, scored
   * customers, value at risk sum, CLV of the scored. At most groups × {@link GroupBootstrap#BUCKETS} rows.
   */
  static Dataset<Row> bucketSums(Dataset<Row> customers, long seed) {
    List<Column> groups = new ArrayList<>();
    for (String dimension : ValueContracts.DIMENSIONS) {
      Column value = dimension.equals("all") ? lit("all") : col(dimension);
      groups.add(struct(lit(dimension).as("dimension"), value.as("group_value")));
    }
    Column scored = col("value_at_risk").isNotNull();
    return customers
        .select(explode(array(groups.toArray(Column[]::new))).as("g"),
            pmod(xxhash64(col("customer_key"), lit(seed)), lit(GroupBootstrap.BUCKETS)).cast("int").as("bucket"),
            col("clv"), col("value_at_risk"))
        .groupBy(col("g.dimension").as("dimension"), col("g.group_value").as("group_value"), col("bucket"))
        .agg(count(lit(1)).cast("double").as("n"), sum("clv").as("clv_sum"),
            count("value_at_risk").cast("double").as("scored"), coalesce(sum("value_at_risk"), lit(0.0)).as("var_sum"),
            coalesce(sum(when(scored, col("clv"))), lit(0.0)).as("scored_clv_sum"));
  }

  /** value_at_risk rows (contract order) from the bucket sums. */
  static List<Row> rollup(List<Row> bucketRows, ValueConfig cfg, LocalDate asOf) {
    // dimension|group -> per bucket: n, clv_sum, scored, var_sum, scored_clv_sum
    Map<String, double[][]> byGroup = new TreeMap<>();
    for (Row r : bucketRows) {
      double[][] sums = byGroup.computeIfAbsent(r.getString(0) + "\u0000" + r.getString(1),
          k -> new double[5][GroupBootstrap.BUCKETS]);
      for (int s = 0; s < 5; s++) {
        sums[s][r.getInt(2)] = r.getDouble(3 + s);
      }
    }
    List<Row> out = new ArrayList<>();
    for (Map.Entry<String, double[][]> e : byGroup.entrySet()) {
      String[] key = e.getKey().split("\u0000", -1);
      double[][] s = e.getValue();
      double n = total(s[0]);
      double clvSum = total(s[1]);
      double scored = total(s[2]);
      double varSum = total(s[3]);
      double scoredClv = total(s[4]);
      double[][] ci = null;
      if (n >= cfg.minGroupCustomers()) {
        // clv per customer, value at risk per scored customer, share of the scored customers' value at risk
        ci = GroupBootstrap.intervals(new double[][] {s[1], s[3], s[3]}, new double[][] {s[0], s[2], s[4]},
            cfg.bootstrapResamples(), cfg.confidence(), cfg.seed() ^ e.getKey().hashCode());
      }
      boolean anyScored = scored > 0;
      out.add(RowFactory.create(Date.valueOf(asOf), key[0], key[1], (long) n, (long) scored, clvSum, clvSum / n,
          ci == null ? null : finite(ci[0][0]), ci == null ? null : finite(ci[0][1]),
          anyScored ? varSum : null, anyScored ? varSum / scored : null,
          ci == null || !anyScored ? null : finite(ci[1][0]), ci == null || !anyScored ? null : finite(ci[1][1]),
          anyScored && scoredClv != 0 ? varSum / scoredClv : null,
          ci == null || !anyScored ? null : finite(ci[2][0]), ci == null || !anyScored ? null : finite(ci[2][1]),
          ci == null ? 0 : cfg.bootstrapResamples()));
    }
    return out;
  }

  private static double total(double[] v) {
    double t = 0;
    for (double x : v) {
      t += x;
    }
    return t;
  }

  static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
