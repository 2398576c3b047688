package io.cxlake.value;

import static org.apache.spark.sql.functions.*;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * CLV and retention by NPS group, and each group's difference from passives adjusted for tenure
 * and past spend. Spark computes the sums; the driver solves the small regressions.
 */
final class ExperienceValue {
  private ExperienceValue() {}

  static final String REFERENCE = "passive";

  /** One group's adjusted difference from the reference: estimate, interval, p-value (null: not estimated). */
  record Difference(Double estimate, Double low, Double high, Double pValue) {
    static final Difference NONE = new Difference(null, null, null, null);
    static final Difference ZERO = new Difference(0.0, 0.0, 0.0, null);
  }

  /** The adjusted differences of one outcome, and why some are missing. */
  record Adjusted(Map<String, Difference> byGroup, String problem) {}

  /**
   * Per customer with a completed order by {@code base}: NPS group of the latest NPS answer up to
   * {@code base} (or not surveyed), retained (100 when a completed order followed, up to
   * {@code asOf}, else 0), tenure_years (since the first order) and log_spend (log(1 + net spend
   * of the 365 days up to {@code base})) — all as of {@code base}.
   */
  static Dataset<Row> retention(Dataset<Row> factOrder, Dataset<Row> responses, LocalDate base, LocalDate asOf) {
    Column baseDay = lit(Date.valueOf(base));
    Dataset<Row> orders = factOrder.where(col("is_completed").and(col("customer_key").isNotNull())
        .and(col("order_date").leq(lit(Date.valueOf(asOf)))));
    Dataset<Row> perCustomer = orders.groupBy("customer_key").agg(
            min("order_date").as("first_order_date"),
            max(when(col("order_date").gt(baseDay), 100.0).otherwise(0.0)).as("retained"),
            coalesce(sum(when(col("order_date").leq(baseDay).and(col("order_date").gt(date_sub(baseDay, 365))),
                col("net_amount"))), lit(0)).cast("double").as("past_spend"))
        .where(col("first_order_date").leq(baseDay));
    Dataset<Row> latestNps = responses.where(col("nps_group").isNotNull().and(col("response_date").leq(baseDay)))
        .groupBy("customer_key")
        .agg(max(struct(col("responded_ts"), col("response_id"), col("nps_group"))).getField("nps_group").as("nps_group"));
    return perCustomer.join(latestNps, new String[] {"customer_key"}, "left")
        .select(col("customer_key"), coalesce(col("nps_group"), lit("not surveyed")).as("nps_group"), col("retained"),
            datediff(baseDay, col("first_order_date")).divide(365.25).as("tenure_years"),
            log1p(greatest(col("past_spend"), lit(0.0))).as("log_spend"));
  }

  /** Customers and a sum of {@code y} per NPS group (one small job). */
  static Map<String, double[]> groupSums(Dataset<Row> rows, String y) {
    Map<String, double[]> out = new HashMap<>();
    for (Row r : rows.groupBy("nps_group").agg(count(lit(1)), sum(col(y).cast("double"))).collectAsList()) {
      out.put(r.getString(0), new double[] {r.getLong(1), r.isNullAt(2) ? 0 : r.getDouble(2)});
    }
    return out;
  }

  /**
   * OLS of {@code y} on the NPS group dummies (passives the reference) plus tenure_years and
   * log_spend, on the groups with at least {@code minCustomers} customers.
   */
  static Adjusted adjusted(Dataset<Row> rows, String y, Map<String, double[]> sums, ValueConfig cfg) {
    Map<String, Difference> out = new LinkedHashMap<>();
    double reference = sums.getOrDefault(REFERENCE, new double[2])[0];
    if (reference < cfg.minGroupCustomers()) {
      return new Adjusted(out, "fewer than " + cfg.minGroupCustomers() + " passives (" + (long) reference
          + "), the reference group: no adjusted differences");
    }
    List<String> groups = new ArrayList<>();
    for (String g : ValueContracts.NPS_GROUPS) {
      if (!g.equals(REFERENCE) && sums.getOrDefault(g, new double[2])[0] >= cfg.minGroupCustomers()) {
        groups.add(g);
      }
    }
    List<String> regressors = new ArrayList<>();
    Dataset<Row> design = rows.where(col("nps_group").isin(concat(groups, REFERENCE).toArray())
        .and(col("tenure_years").isNotNull()).and(col("log_spend").isNotNull()));
    for (int i = 0; i < groups.size(); i++) {
      design = design.withColumn("is_group_" + i, when(col("nps_group").equalTo(groups.get(i)), 1.0).otherwise(0.0));
      regressors.add("is_group_" + i);
    }
    regressors.add("tenure_years");
    regressors.add("log_spend");
    try {
      RobustOls.Fit fit = RobustOls.fit(design, y, regressors);
      out.put(REFERENCE, Difference.ZERO);
      for (int i = 0; i < groups.size(); i++) {
        double[] ci = fit.interval(i + 1, cfg.confidence());
        out.put(groups.get(i), new Difference(fit.beta()[i + 1], ci[0], ci[1], ValueAtRisk.finite(fit.pValue()[i + 1])));
      }
      return new Adjusted(out, null);
    } catch (RobustOls.Unfit e) {
      return new Adjusted(out, "the adjustment regression cannot be fitted: " + e.getMessage());
    }
  }

  private static List<String> concat(List<String> list, String one) {
    List<String> all = new ArrayList<>(list);
    all.add(one);
    return all;
  }

  /** experience_value rows (contract order). {@code npsRollup}: the value_at_risk rows of dimension nps_group. */
  static List<Row> rows(LocalDate asOf, LocalDate base, List<Row> npsRollup, Adjusted clv, Map<String, double[]> retention,
      Adjusted retained, ValueConfig cfg) {
    Map<String, Row> rollup = new HashMap<>();
    npsRollup.forEach(r -> rollup.put(r.getString(2), r));
    List<Row> out = new ArrayList<>();
    for (String g : ValueContracts.NPS_GROUPS) {
      Row v = rollup.get(g);
      Difference dc = clv.byGroup().getOrDefault(g, Difference.NONE);
      double[] ret = retention.getOrDefault(g, new double[2]);
      long n = (long) ret[0];
      long k = Math.round(ret[1] / 100);
      double[] wilson = Proportions.wilson(k, n, cfg.confidence());
      Difference dr = retained.byGroup().getOrDefault(g, Difference.NONE);
      List<String> notes = new ArrayList<>();
      if (g.equals(REFERENCE)) {
        notes.add("reference group");
      }
      note(notes, "CLV", v == null ? 0 : v.getLong(3), dc, clv.problem(), cfg);
      note(notes, "retention", n, dr, retained.problem(), cfg);
      out.add(RowFactory.create(Date.valueOf(asOf), g, v == null ? 0L : v.getLong(3),
          v == null ? null : v.get(6), v == null ? null : v.get(7), v == null ? null : v.get(8),
          dc.estimate(), dc.low(), dc.high(), dc.pValue(),
          Date.valueOf(base), n, n == 0 ? null : 100.0 * k / n, n == 0 ? null : 100 * wilson[0], n == 0 ? null : 100 * wilson[1],
          dr.estimate(), dr.low(), dr.high(), dr.pValue(),
          notes.isEmpty() ? null : String.join("; ", notes)));
    }
    return out;
  }

  private static void note(List<String> notes, String what, long customers, Difference d, String problem, ValueConfig cfg) {
    if (d.estimate() != null) {
      return;
    }
    if (problem != null) {
      notes.add(what + ": " + problem);
    } else if (customers < cfg.minGroupCustomers()) {
      notes.add(what + ": fewer than " + cfg.minGroupCustomers() + " customers (" + customers + ")");
    }
  }
}
