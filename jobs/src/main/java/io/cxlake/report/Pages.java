package io.cxlake.report;

import static io.cxlake.report.Cells.*;
import static org.apache.spark.sql.functions.*;

import io.cxlake.report.Report.Chart;
import io.cxlake.report.Report.Figure;
import io.cxlake.report.Report.Page;
import io.cxlake.report.Report.Section;
import io.cxlake.report.Report.Table;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The pages of the report for one as-of date, from the gold tables: every number is an
 * aggregate computed in Spark (per period, slice, segment, decile, topic, driver) or a
 * bounded top list, so only small results reach the driver. A section whose table is missing,
 * or has no rows for the as-of date, says so in one line.
 */
public final class Pages {
  /** Significance level of the headline tests. */
  static final double ALPHA = 0.05;
  /** Rows of one small result at most (periods × slices, deciles, drivers × outcomes, ...). */
  static final int MAX_ROWS = 20_000;

  /** The gold tables by name: a table, or null when it does not exist. */
  public interface Gold {
    Dataset<Row> table(String name);
  }

  private final Gold gold;
  private final LocalDate asOf;
  private final int topCustomers;
  private final Column onAsOf;

  public Pages(Gold gold, LocalDate asOf, int topCustomers) {
    this.gold = gold;
    this.asOf = asOf;
    this.topCustomers = topCustomers;
    this.onAsOf = col("as_of_date").equalTo(lit(java.sql.Date.valueOf(asOf)));
  }

  /**
   * Every page, the overview first. Pages are built {@code parallel} at a time: their queries
   * are small, so a page mostly waits on the driver's planning and scheduling, which another
   * page's queries can use meanwhile.
   */
  public List<Page> all(int parallel) {
    List<java.util.concurrent.Callable<Page>> builders = List.of(this::overview, this::experience, this::operations,
        this::segments, this::churn, this::drivers, this::voice, this::valueAndSurvival);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(parallel);
    try {
      List<Page> pages = new ArrayList<>();
      for (java.util.concurrent.Future<Page> f : pool.invokeAll(builders)) {
        pages.add(f.get());
      }
      return pages;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while building the report", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  // ---------------------------------------------------------------- reading

  /**
   * The rows of a table with the filter, or null when the table does not exist, with the reason
   * in {@code why[0]}. Whether there are rows shows in what a section collects (no query of its own).
   */
  private Dataset<Row> rows(String table, Column filter, String stage, String[] why) {
    Dataset<Row> t = gold.table(table);
    if (t == null) {
      why[0] = "No " + table + " table: the " + stage + " stage has not written it on this warehouse (skipped for lack "
          + "of data, or not run; cx_ops.pipeline_run says which).";
      return null;
    }
    return t.where(filter);
  }

  /**
   * A section about the rows of one table: absent with the reason when the table does not exist,
   * or when {@code build} finds no rows (it returns null then).
   */
  private Section section(String title, String table, String stage, Column filter, Function<Dataset<Row>, Section> build) {
    String[] why = new String[1];
    Dataset<Row> d = rows(table, filter, stage, why);
    if (d == null) {
      return Section.absent(title, why[0]);
    }
    Section s = build.apply(d);
    return s != null ? s : Section.absent(title, noRows(table, stage));
  }

  /** Why a section of an existing table has nothing to show. */
  private String noRows(String table, String stage) {
    return "No rows in " + table + " for " + asOf + ": the " + stage + " stage had no data for them (or was skipped), "
        + "or has not run for this date; cx_ops.pipeline_run says which.";
  }

  private static String sliceName(Row r, String slice, String value) {
    String s = text(r, slice);
    return "all".equals(s) ? "all" : s + ": " + text(r, value);
  }

  // ---------------------------------------------------------------- overview

  Page overview() {
    List<Section> sections = new ArrayList<>();
    sections.add(headlines());
    sections.add(alerts());
    sections.add(followUp());
    return new Page("index.html", "Overview",
        "Headline KPIs of the latest complete month against the month before, the alerts raised for " + asOf
            + ", and the detractors waiting for a follow-up.", sections);
  }

  private Section headlines() {
    String[] why = new String[1];
    Dataset<Row> exp = rows("kpi_experience", monthAll(), "metrics", why);
    Dataset<Row> ops = rows("kpi_operations", monthAll(), "metrics", new String[1]);
    List<Row> expLast = exp == null ? List.of() : lastTwo(exp);
    List<Row> opsLast = ops == null ? List.of() : lastTwo(ops);
    if (expLast.isEmpty() && opsLast.isEmpty()) {
      return Section.absent("Headline KPIs", exp == null && ops == null ? why[0] : noRows("kpi_experience and kpi_operations",
          "metrics"));
    }
    Report.Builder b = Section.of("Headline KPIs");
    String months = null;
    if (!expLast.isEmpty()) {
      List<Row> last = expLast;
      months = describe(last);
      Row now = last.get(0);
      Row before = last.size() > 1 ? last.get(1) : null;
      b.figure(tested("NPS", now, before, "nps", "nps_se", 1, " pts"));
      b.figure(tested("CSAT top-2 box", now, before, "csat_top2_pct", "csat_top2_se", 1, " pts"));
      b.figure(tested("CES (1-7)", now, before, "ces_mean", "ces_se", 2, ""));
      b.figure(tested("CX index", now, before, "cx_index", "cx_index_se", 1, ""));
    }
    if (!opsLast.isEmpty()) {
      List<Row> last = opsLast;
      months = months == null ? describe(last) : months;
      Row now = last.get(0);
      Row before = last.size() > 1 ? last.get(1) : null;
      Double revenue = num(now, "revenue");
      Double revenueBefore = before == null ? null : num(before, "revenue");
      Double change = revenue == null || revenueBefore == null || revenueBefore == 0 ? null
          : (revenue - revenueBefore) / revenueBefore * 100;
      b.figure(new Figure("Revenue", fmt(revenue, 0), signed(change, 1, "%"), direction(change),
          change == null ? null : "a total: not tested"));
      b.figure(rate("Repurchase rate", now, before, "repurchase_rate", "repurchasers", "active_customers"));
      b.figure(rate("Churn rate", now, before, "churn_rate", "churned_customers", "active_at_start"));
      b.figure(rate("Renewal rate", now, before, "renewal_rate", "renewals_renewed", "renewals_decided"));
    }
    return b.note(months + " Changes are tested at the 5% level: Wald tests of the difference for survey KPIs (their "
        + "standard errors with the Kish effective n), two-proportion z tests for rates.").build();
  }

  private Column monthAll() {
    return col("period_type").equalTo("month").and(col("slice").equalTo("all"))
        .and(col("period_start").leq(lit(java.sql.Date.valueOf(asOf))));
  }

  /** The latest complete month and the one before (or the latest partial one when none is complete). */
  private static List<Row> lastTwo(Dataset<Row> monthAll) {
    List<Row> complete = collect(monthAll.where(col("is_complete")).orderBy(col("period_start").desc()), 2);
    return complete.isEmpty() ? collect(monthAll.orderBy(col("period_start").desc()), 2) : complete;
  }

  private static String describe(List<Row> last) {
    String now = text(last.get(0), "period_start").substring(0, 7);
    return last.size() > 1 ? "Month " + now + " against " + text(last.get(1), "period_start").substring(0, 7) + "."
        : "Month " + now + " (no month before it to compare with).";
  }

  /** A survey KPI with its change tested by a Wald test of two independent estimates. */
  static Figure tested(String name, Row now, Row before, String column, String se, int digits, String unit) {
    Double v = num(now, column);
    Double b = before == null ? null : num(before, column);
    Double change = v == null || b == null ? null : v - b;
    Double p = change == null ? null : differenceP(v, num(now, se), b, num(before, se));
    return new Figure(name, fmt(v, digits), signed(change, digits, unit), direction(change), verdict(change, p, ALPHA));
  }

  /** A rate (%) with its change tested by a two-proportion z test on its counts. */
  static Figure rate(String name, Row now, Row before, String column, String cases, String base) {
    Double v = num(now, column);
    Double b = before == null ? null : num(before, column);
    Double change = v == null || b == null ? null : v - b;
    Double p = change == null ? null
        : proportionsP(num(now, cases), num(now, base), num(before, cases), num(before, base));
    return new Figure(name, pct(v), signed(change, 1, " pts"), direction(change), verdict(change, p, ALPHA));
  }

  private Section alerts() {
    LocalDate since = asOf.withDayOfMonth(1).minusMonths(1);
    return section("Alerts", "cx_alert", "alerts", col("as_of").equalTo(lit(java.sql.Date.valueOf(asOf)))
        .and(col("period_start").geq(lit(java.sql.Date.valueOf(since)))), alerts -> alerts(alerts, since));
  }

  private Section alerts(Dataset<Row> alerts, LocalDate since) {
    Column severity = when(col("severity").equalTo("critical"), 1).when(col("severity").equalTo("high"), 2)
        .when(col("severity").equalTo("medium"), 3).otherwise(4);
    List<Row> rows = collect(alerts.orderBy(severity, col("period_start").desc(), col("p_value")), 50);
    if (rows.isEmpty()) {
      return Section.absent("Alerts", "No alert in the periods since " + since + ": no KPI changed significantly for the "
          + "worse or breached a limit (or the alerts stage has not run for " + asOf + ").");
    }
    long total = rows.size() < 50 ? rows.size() : alerts.count();
    List<List<String>> cells = new ArrayList<>();
    for (Row r : rows) {
      cells.add(java.util.Arrays.asList(text(r, "severity"), text(r, "period_type") + " " + text(r, "period_start"), text(r, "kpi"),
          sliceName(r, "slice", "slice_value"), text(r, "alert_kind"), fmt(num(r, "value"), 2),
          fmt(num(r, "baseline_value"), 2), fmt(num(r, "change"), 2), text(r, "method"), pValue(num(r, "p_value")),
          text(r, "message")));
    }
    return Section.of("Alerts")
        .note(total + " alert" + (total == 1 ? "" : "s") + " on the periods since " + since
            + (total > rows.size() ? " (the " + rows.size() + " most severe shown)" : "")
            + ". Severity is a word, not a colour: critical, high, medium, low.")
        .table(new Table(null, List.of("severity", "period", "KPI", "slice", "kind", "value", "baseline", "change", "test",
            "p-value", "message"), cells, List.of(false, false, false, false, false, true, true, true, false, true, false)))
        .build();
  }

  private Section followUp() {
    return section("Detractor follow-up", "detractor_followup", "alerts", col("as_of").equalTo(lit(java.sql.Date.valueOf(asOf))),
        this::followUp);
  }

  private Section followUp(Dataset<Row> list) {
    Row totals = list.agg(count(lit(1)).as("n"), count(col("verbatim_redacted")).as("with_comment"),
        avg(col("days_since_response")).as("days")).first();
    if (totals.getLong(0) == 0) {
      return null;
    }
    List<Row> byTouchpoint = collect(list.groupBy(coalesce(col("touchpoint"), lit("unknown")).as("touchpoint"))
        .agg(count(lit(1)).as("n")).orderBy(col("n").desc(), col("touchpoint")), 12);
    return Section.of("Detractor follow-up")
        .figure(new Figure("Detractors to call back", fmt(num(totals, "n"), 0), null, "flat", null))
        .figure(new Figure("With a comment", fmt(num(totals, "with_comment"), 0), null, "flat", null))
        .figure(new Figure("Mean days waiting", fmt(num(totals, "days"), 1), null, "flat", null))
        .chart(new Chart(null, "Detractors by touchpoint", "bar", null, obj("categories", texts(byTouchpoint, "touchpoint"),
            "horizontal", true, "labels", true, "yName", "detractors",
            "series", List.of(series("detractors", nums(byTouchpoint, "n"))))))
        .build();
  }

  // ---------------------------------------------------------------- experience

  Page experience() {
    Section trends = section("Survey KPIs by month", "kpi_experience", "metrics", col("period_type").equalTo("month")
        .and(col("period_start").leq(lit(java.sql.Date.valueOf(asOf)))), kpis -> {
      List<Row> rows = collect(kpis.select("slice", "slice_value", "period_start", "is_complete", "low_confidence", "nps",
              "nps_ci_low", "nps_ci_high", "csat_top2_pct", "csat_top2_se", "ces_mean", "ces_se", "cx_index", "cx_index_se")
          .orderBy(when(col("slice").equalTo("all"), 0).otherwise(1), col("slice"), col("slice_value"), col("period_start")),
          MAX_ROWS);
      if (rows.isEmpty()) {
        return null;
      }
      Map<String, List<Row>> bySlice = grouped(rows, r -> sliceName(r, "slice", "slice_value"));
      return Section.of("Survey KPIs by month")
          .note("Bands are 95% confidence intervals; hollow points are low-confidence months (effective n below "
              + "metrics.min_responses), shown, never hidden. The last month may be partial. Pick a slice above each chart.")
          .chart(kpiTrend("NPS", "NPS (−100..100)", bySlice, "nps", r -> num(r, "nps_ci_low"), r -> num(r, "nps_ci_high")))
          .chart(kpiTrend("CSAT top-2 box", "% of answers 4-5", bySlice, "csat_top2_pct",
              r -> band(r, "csat_top2_pct", "csat_top2_se", -1), r -> band(r, "csat_top2_pct", "csat_top2_se", 1)))
          .chart(kpiTrend("CES", "mean 1-7 (7 = very easy)", bySlice, "ces_mean",
              r -> band(r, "ces_mean", "ces_se", -1), r -> band(r, "ces_mean", "ces_se", 1)))
          .chart(kpiTrend("CX index", "0-100", bySlice, "cx_index",
              r -> band(r, "cx_index", "cx_index_se", -1), r -> band(r, "cx_index", "cx_index_se", 1)))
          .build();
    });
    return new Page("experience.html", "Experience", "NPS, CSAT, CES and the CX index by month, for all customers and "
        + "per slice.", List.of(trends));
  }

  private static Double band(Row r, String value, String se, int side) {
    Double v = num(r, value);
    Double s = num(r, se);
    return v == null || s == null ? null : v + side * 1.959964 * s;
  }

  private static Chart kpiTrend(String title, String yName, Map<String, List<Row>> bySlice, String column,
      Function<Row, Double> low, Function<Row, Double> high) {
    Map<String, Object> variants = new LinkedHashMap<>();
    bySlice.forEach((slice, rows) -> {
      Map<String, Object> s = series(title, nums(rows, column));
      s.put("low", rows.stream().map(low).toList());
      s.put("high", rows.stream().map(high).toList());
      s.put("weak", rows.stream().map(r -> r.getBoolean(r.fieldIndex("low_confidence"))).toList());
      variants.put(slice, obj("x", months(rows), "yName", yName, "series", List.of(s)));
    });
    return new Chart(null, title, "line", null, obj("selectLabel", "Slice", "variants", variants));
  }

  private static List<String> months(List<Row> rows) {
    return rows.stream().map(r -> text(r, "period_start").substring(0, 7)).toList();
  }

  // ---------------------------------------------------------------- operations

  Page operations() {
    Section s = section("Operations by month", "kpi_operations", "metrics", monthAll(), ops -> {
      List<Row> rows = collect(ops.orderBy("period_start"), MAX_ROWS);
      if (rows.isEmpty()) {
        return null;
      }
      List<String> x = months(rows);
      return Section.of("Operations by month")
          .note("All customers; the last month may be partial. Rates are % of their base (docs/metrics.md).")
          .chart(lines("Revenue", "net revenue", x, rows, "revenue"))
          .chart(lines("Active customers and orders", "count", x, rows, "active_customers", "orders"))
          .chart(lines("Repurchase, renewal and churn rates", "%", x, rows, "repurchase_rate", "renewal_rate", "churn_rate"))
          .chart(lines("Complaints per 1,000 active customers", "per 1,000", x, rows, "complaint_rate_per_1000"))
          .chart(lines("Response and resolution times", "hours", x, rows, "first_response_hours_median",
              "first_response_hours_p90", "resolution_hours_median", "resolution_hours_p90"))
          .build();
    });
    return new Page("operations.html", "Operations", "Revenue, repurchase, renewal, churn, complaints and response times "
        + "by month.", List.of(s));
  }

  private static Chart lines(String title, String yName, List<String> x, List<Row> rows, String... columns) {
    List<Object> series = new ArrayList<>();
    for (String c : columns) {
      series.add(series(c.replace('_', ' '), nums(rows, c)));
    }
    return new Chart(null, title, "line", null, obj("x", x, "yName", yName, "series", series));
  }

  // ---------------------------------------------------------------- segments

  Page segments() {
    List<Section> sections = new ArrayList<>();
    sections.add(section("RFM segments", "customer_rfm", "segment", onAsOf, rfm -> {
      List<Row> segs = collect(rfm.groupBy("segment").agg(count(lit(1)).as("customers"),
          sum(col("monetary")).cast("double").as("revenue")).orderBy(col("customers").desc(), col("segment")), 100);
      if (segs.isEmpty()) {
        return null;
      }
      List<Row> grid = collect(rfm.where(col("r_score").isNotNull()).groupBy("r_score", "f_score")
          .agg(count(lit(1)).as("customers")).orderBy("r_score", "f_score"), 100);
      List<String> scores = List.of("1", "2", "3", "4", "5");
      List<Object> cells = grid.stream().<Object>map(r -> List.of(r.getInt(r.fieldIndex("f_score")) - 1,
          r.getInt(r.fieldIndex("r_score")) - 1, num(r, "customers"))).toList();
      return Section.of("RFM segments")
          .chart(new Chart(null, "Customers by segment", "bar", null, obj("categories", texts(segs, "segment"),
              "horizontal", true, "labels", true, "yName", "customers", "series", List.of(series("customers", nums(segs, "customers"))))))
          .chart(new Chart(null, "Revenue by segment (RFM window)", "bar", null, obj("categories", texts(segs, "segment"),
              "horizontal", true, "yName", "revenue", "series", List.of(series("revenue", nums(segs, "revenue"))))))
          .chart(new Chart(null, "Recency × frequency grid (customers)", "heatmap", "5 = most recent / most orders.",
              obj("x", scores, "y", scores, "xName", "frequency score", "yName", "recency score", "valueName", "customers",
                  "digits", 0, "cells", cells)))
          .build();
    }));
    sections.add(section("Pareto (ABC) classes", "customer_value", "segment", onAsOf, this::pareto));
    sections.add(section("Clusters", "cluster_profile", "cluster", onAsOf, this::clusters));
    return new Page("segments.html", "Segments & clusters", "RFM segments, the recency × frequency grid, the Pareto "
        + "curve of revenue and the behavioural clusters.", sections);
  }

  /**
   * The Pareto curve from 1%-bins of the customers' cumulative revenue share (no sort of all
   * customers): the share of customers needed for each share of revenue.
   */
  private Section pareto(Dataset<Row> value) {
    List<Row> classes = collect(value.groupBy("pareto_class").agg(count(lit(1)).as("customers"),
        sum(col("revenue")).cast("double").as("revenue")).orderBy("pareto_class"), 10);
    if (classes.isEmpty()) {
      return null;
    }
    List<Row> bins = collect(value.where(col("revenue").gt(0))
        .groupBy(least(ceil(col("cumulative_revenue_pct")), lit(100)).as("bin")).agg(count(lit(1)).as("customers"))
        .orderBy("bin"), 101);
    double all = classes.stream().mapToDouble(r -> num(r, "customers")).sum();
    List<Object> points = new ArrayList<>();
    List<Double> xs = new ArrayList<>(List.of(0.0));
    List<Double> ys = new ArrayList<>(List.of(0.0));
    double seen = 0;
    for (Row r : bins) {
      seen += num(r, "customers");
      xs.add(seen / all * 100);
      ys.add(num(r, "bin"));
    }
    Map<String, Object> curve = series("cumulative revenue %", ys);
    curve.put("x", xs);
    double revenue = classes.stream().mapToDouble(r -> num(r, "revenue") == null ? 0 : num(r, "revenue")).sum();
    List<List<String>> cells = new ArrayList<>();
    for (Row r : classes) {
      cells.add(java.util.Arrays.asList(text(r, "pareto_class"), fmt(num(r, "customers"), 0), pct(num(r, "customers") / all * 100),
          fmt(num(r, "revenue"), 0), pct(revenue == 0 ? null : num(r, "revenue") / revenue * 100)));
    }
    points.add(curve);
    return Section.of("Pareto (ABC) classes")
        .chart(new Chart(null, "Pareto curve: share of customers (by revenue, highest first) and share of revenue", "step",
            "Customers without revenue in the window are the flat end of the curve.",
            obj("xName", "% of customers", "yName", "% of revenue", "yMax", 100, "stepped", false, "series", points)))
        .table(new Table(null, List.of("class", "customers", "% of customers", "revenue", "% of revenue"), cells,
            List.of(false, true, true, true, true)))
        .build();
  }

  private Section clusters(Dataset<Row> profile) {
    List<Row> rows = collect(profile.select("cluster_id", "cluster_label", "customers", "share_pct", "feature", "z_score",
        "cluster_mean", "algorithm", "k", "silhouette").orderBy("cluster_id", "feature"), 5000);
    if (rows.isEmpty()) {
      return null;
    }
    Map<String, List<Row>> byCluster = grouped(rows, r -> text(r, "cluster_id") + ". " + text(r, "cluster_label"));
    List<String> features = rows.stream().map(r -> text(r, "feature")).distinct().sorted().toList();
    List<String> clusters = new ArrayList<>(byCluster.keySet());
    List<Object> cells = new ArrayList<>();
    List<List<String>> sizes = new ArrayList<>();
    for (int c = 0; c < clusters.size(); c++) {
      List<Row> cluster = byCluster.get(clusters.get(c));
      for (Row r : cluster) {
        cells.add(java.util.Arrays.asList(features.indexOf(text(r, "feature")), c, num(r, "z_score")));
      }
      Row first = cluster.get(0);
      sizes.add(java.util.Arrays.asList(text(first, "cluster_id"), text(first, "cluster_label"), fmt(num(first, "customers"), 0),
          pct(num(first, "share_pct"))));
    }
    Row any = rows.get(0);
    return Section.of("Clusters")
        .note(text(any, "algorithm") + ", k = " + text(any, "k") + ", silhouette " + fmt(num(any, "silhouette"), 3)
            + ". The heatmap shows each cluster's mean as a z-score against all clustered customers: orange above, "
            + "blue below (numbers printed in each cell).")
        .chart(new Chart(null, "Cluster profiles (z-scores)", "heatmap", null, obj("x", features, "y", clusters, "yInverse", true,
            "valueName", "z-score", "diverging", true, "digits", 1, "cells", cells)))
        .table(new Table(null, List.of("cluster", "label", "customers", "share"), sizes, List.of(true, false, true, true)))
        .build();
  }

  // ---------------------------------------------------------------- churn

  Page churn() {
    List<Section> sections = new ArrayList<>();
    sections.add(section("Churn model", "churn_model_run", "churn", col("kind").equalTo("train")
        .and(col("mode").equalTo("native")).and(col("as_of_date").leq(lit(java.sql.Date.valueOf(asOf)))), runs -> {
          // the model that scored the day (a training within churn.refit_days, or one of the same
          // rows, may be older than the latest); without scores, the latest training. One run
          // replaces a day's scores whole, so any score row of the day names it: no distinct over
          // the customers.
          Dataset<Row> scores = gold.table("churn_score");
          List<Row> scoredBy = scores == null ? List.of() : collect(scores.where(onAsOf).select("model_run_id"), 1);
          Column scored = scoredBy.isEmpty() ? lit(false) : col("run_id").equalTo(scoredBy.get(0).getString(0));
          List<Row> model = collect(runs.orderBy(scored.desc(), col("as_of_date").desc(), col("created_at").desc()), 1);
          return model.isEmpty() ? null : churnModel(model.get(0));
        }));
    sections.add(section("Top at-risk high-value customers", "customer_value_at_risk", "value",
        onAsOf.and(col("value_at_risk").isNotNull()), this::atRisk));
    return new Page("churn.html", "Churn", "How well the churn model ranks customers (lift and capture by decile "
        + "against the naive baseline), whether its probabilities are calibrated, score drift, and the high-value "
        + "customers most at risk.", sections);
  }

  private Section churnModel(Row run) {
    String runId = text(run, "run_id");
    Dataset<Row> deciles = gold.table("churn_model_decile");
    List<Row> rows = deciles == null ? List.of()
        : collect(deciles.where(col("run_id").equalTo(runId)).orderBy("scorer", "decile"), 40);
    Map<String, List<Row>> byScorer = grouped(rows, r -> text(r, "scorer"));
    List<Row> model = byScorer.getOrDefault("model", List.of());
    List<Row> baseline = byScorer.getOrDefault("baseline", List.of());
    List<String> deciles10 = model.stream().map(r -> text(r, "decile")).toList();
    Report.Builder b = Section.of("Churn model")
        .note("Model " + text(run, "model") + " trained by run " + runId + " as of " + text(run, "as_of_date")
            + ", judged out of time on the cutoff " + text(run, "validation_cutoff") + " (" + fmt(num(run, "validation_rows"), 0)
            + " customers). Baseline: " + text(run, "baseline") + ".")
        .figure(new Figure("AUC-ROC", fmt(num(run, "auc_roc"), 3), "baseline " + fmt(num(run, "baseline_auc_roc"), 3), "flat", null))
        .figure(new Figure("PR-AUC", fmt(num(run, "pr_auc"), 3), "baseline " + fmt(num(run, "baseline_pr_auc"), 3), "flat", null))
        .figure(new Figure("Brier score", fmt(num(run, "brier"), 4), "baseline " + fmt(num(run, "baseline_brier"), 4), "flat",
            "lower is better"))
        .figure(new Figure("Score drift (PSI)", fmt(num(run, "psi"), 3), null, "flat", psiVerdict(num(run, "psi"))));
    if (!model.isEmpty()) {
      List<Double> random = deciles10.stream().map(d -> Double.parseDouble(d) * 10).toList();
      b.chart(new Chart(null, "Lift by decile of predicted risk", "bar", "Decile 1 = highest predicted risk; lift 1 = no better than chance.",
          obj("categories", deciles10, "yName", "lift", "series", List.of(series("model", nums(model, "lift")),
              series("baseline", nums(baseline, "lift"))))));
      b.chart(new Chart(null, "Cumulative capture of churners", "line", null, obj("x", deciles10, "yName", "% of churners",
          "series", List.of(series("model", nums(model, "cumulative_capture_pct")),
              series("baseline", nums(baseline, "cumulative_capture_pct")), series("random", random)))));
      b.chart(new Chart(null, "Calibration: predicted vs observed churn by decile", "line", null, obj("x", deciles10,
          "yName", "churn rate", "series", List.of(series("predicted (mean)", nums(model, "mean_predicted")),
              series("observed", nums(model, "churn_rate"))))));
    }
    String card = text(run, "model_card");
    if (card != null) {
      b.text(new Report.Text("Model card", card));
    }
    return b.build();
  }

  static String psiVerdict(Double psi) {
    return psi == null ? "not scored yet" : psi < 0.1 ? "stable (< 0.1)" : psi <= 0.25 ? "some shift (0.1-0.25)"
        : "shifted (> 0.25): retrain";
  }

  private Section atRisk(Dataset<Row> risk) {
    Dataset<Row> top = risk.orderBy(col("value_at_risk").desc(), col("customer_key")).limit(topCustomers);
    Dataset<Row> scores = gold.table("churn_score");
    if (scores != null) {
      top = top.join(scores.where(onAsOf).select("customer_key", "risk_band", "reason_1"), "customer_key");
    } else {
      top = top.withColumn("risk_band", lit(null).cast("string")).withColumn("reason_1", lit(null).cast("string"));
    }
    List<Row> rows = collect(top.orderBy(col("value_at_risk").desc(), col("customer_key")), topCustomers);
    if (rows.isEmpty()) {
      return null;
    }
    List<List<String>> cells = new ArrayList<>();
    for (Row r : rows) {
      cells.add(java.util.Arrays.asList(text(r, "customer_key"), fmt(num(r, "clv"), 0), pct(times(num(r, "churn_probability"), 100)),
          fmt(num(r, "value_at_risk"), 0), text(r, "risk_band"), text(r, "nps_group"), text(r, "rfm_segment"),
          text(r, "reason_1")));
    }
    return Section.of("Top at-risk high-value customers")
        .note("The " + rows.size() + " customers with the largest value at risk (churn probability × CLV). Keys are "
            + "pseudonymous: look them up in your CRM through the key map you hold.")
        .table(new Table(null, List.of("customer key", "CLV", "churn probability", "value at risk", "risk band", "NPS group",
            "RFM segment", "strongest reason"), cells, List.of(false, true, true, true, false, false, false, false)))
        .build();
  }

  // ---------------------------------------------------------------- drivers

  Page drivers() {
    return new Page("drivers.html", "Drivers", "What moves NPS, CSAT, CES and the X→O outcomes, and where each driver "
        + "stands.", List.of(section("Key drivers", "key_driver", "drivers",
            col("as_of_date").leq(lit(java.sql.Date.valueOf(asOf))).and(col("slice_type").equalTo("all"))
                .and(col("status").equalTo("ok")), this::keyDrivers)));
  }

  /** The analysis that stands for the as-of date: the latest up to it (drivers.refit_days). */
  private Section keyDrivers(Dataset<Row> upToAsOf) {
    Row latest = upToAsOf.agg(max("as_of_date")).first();
    if (latest.isNullAt(0)) {
      return null;
    }
    Dataset<Row> kd = upToAsOf.where(col("as_of_date").equalTo(lit(latest.getDate(0))));
    String analysed = latest.getDate(0).toLocalDate().equals(asOf) ? ""
        : " The analysis as of " + latest.getDate(0) + " (drivers are analysed every drivers.refit_days).";
    List<Row> rows = collect(kd.select("outcome", "outcome_type", "model", "driver", "importance_pct", "importance_ci_low",
        "importance_ci_high", "significant", "performance", "quadrant", "kano_class", "kano_penalty", "kano_reward",
        "responses", "r_squared").orderBy(col("outcome"), col("importance_pct").desc_nulls_last(), col("driver")), MAX_ROWS);
    if (rows.isEmpty()) {
      return null;
    }
    Map<String, List<Row>> byOutcome = grouped(rows, r -> text(r, "outcome") + " (" + text(r, "model") + ")");
    Map<String, Object> importance = new LinkedHashMap<>();
    Map<String, Object> quadrant = new LinkedHashMap<>();
    List<List<String>> kano = new ArrayList<>();
    List<String> xo = new ArrayList<>();
    byOutcome.forEach((outcome, drivers) -> {
      Map<String, Object> s = series("importance %", nums(drivers, "importance_pct"));
      s.put("low", nums(drivers, "importance_ci_low"));
      s.put("high", nums(drivers, "importance_ci_high"));
      importance.put(outcome, obj("categories", drivers.stream().map(r -> text(r, "driver")
          + (Boolean.TRUE.equals(r.get(r.fieldIndex("significant"))) ? "" : " (n.s.)")).toList(),
          "horizontal", true, "yName", "% of explained variance", "series", List.of(s)));
      List<Object> points = new ArrayList<>();
      double meanImportance = 0;
      double meanPerformance = 0;
      int n = 0;
      for (Row r : drivers) {
        Double x = num(r, "performance");
        Double y = num(r, "importance_pct");
        if (x != null && y != null) {
          points.add(obj("name", text(r, "driver"), "x", x, "y", y, "group", String.valueOf(text(r, "quadrant"))));
          meanImportance += y;
          meanPerformance += x;
          n++;
        }
        kano.add(java.util.Arrays.asList(text(r, "outcome"), text(r, "driver"), fmt(num(r, "importance_pct"), 1),
            Boolean.TRUE.equals(r.get(r.fieldIndex("significant"))) ? "yes" : "no", text(r, "quadrant"), text(r, "kano_class"),
            fmt(num(r, "kano_penalty"), 2), fmt(num(r, "kano_reward"), 2)));
      }
      Map<String, Object> q = new LinkedHashMap<>();
      q.put("xName", "performance (0-100)");
      q.put("yName", "importance %");
      q.put("points", points);
      q.put("xLine", n == 0 ? null : meanPerformance / n);
      q.put("yLine", n == 0 ? null : meanImportance / n);
      quadrant.put(outcome, q);
      String type = text(drivers.get(0), "outcome_type");
      if ("repurchase".equals(type) || "renewal".equals(type)) {
        xo.add(outcome);
      }
    });
    return Section.of("Key drivers")
        .note("Relative importance (Johnson's relative weights) with bootstrap intervals; (n.s.): the driver does not beat "
            + "the noise probe. " + (xo.isEmpty() ? "No X→O outcome (repurchase or renewal) was modelled."
            : "X→O outcomes (experience to operational behaviour): " + String.join(", ", xo) + ".")
            + " Pick an outcome above each chart." + analysed)
        .chart(new Chart(null, "Importance with intervals", "bar", null, obj("selectLabel", "Outcome", "variants", importance)))
        .chart(new Chart(null, "Importance-performance quadrant", "scatter",
            "Dashed lines: the drivers' means. Important and below par = fix first.",
            obj("selectLabel", "Outcome", "variants", quadrant)))
        .table(new Table("Kano classes", List.of("outcome", "driver", "importance %", "significant", "quadrant", "Kano class",
            "penalty", "reward"), kano, List.of(false, false, true, false, false, false, true, true)))
        .build();
  }

  // ---------------------------------------------------------------- voice & journey

  Page voice() {
    List<Section> sections = new ArrayList<>();
    sections.add(section("Pain points by topic", "voice_topic", "voice", onAsOf.and(col("slice_type").equalTo("all")), topics -> {
      List<Row> year = collect(topics.where(col("period_type").equalTo("last_12_months")).orderBy("pain_rank"), 200);
      if (year.isEmpty()) {
        return null;
      }
      List<String> top = year.stream().limit(5).map(r -> text(r, "topic_key")).toList();
      List<Row> months = collect(topics.where(col("period_type").equalTo("month").and(col("topic_key").isin(top.toArray())))
          .orderBy("period_start", "topic_key"), 2000);
      List<String> x = months.stream().map(r -> text(r, "period_start").substring(0, 7)).distinct().toList();
      List<Object> trend = new ArrayList<>();
      for (String t : top) {
        Map<String, Double> byMonth = new LinkedHashMap<>();
        months.stream().filter(r -> t.equals(text(r, "topic_key")))
            .forEach(r -> byMonth.put(text(r, "period_start").substring(0, 7), num(r, "texts")));
        String label = year.stream().filter(r -> t.equals(text(r, "topic_key"))).map(r -> text(r, "topic_label"))
            .findFirst().orElse(t);
        trend.add(series(t + " " + label, x.stream().map(m -> byMonth.getOrDefault(m, 0.0)).toList()));
      }
      return Section.of("Pain points by topic")
          .note("The last 12 months; pain = texts × negativity. Topics are labelled by their top terms.")
          .chart(new Chart(null, "Pain score by topic", "bar", null, obj("categories",
              year.stream().map(r -> text(r, "topic_key") + " " + text(r, "topic_label")).toList(), "horizontal", true,
              "yName", "pain score", "series", List.of(series("pain score", nums(year, "pain_score"))))))
          .chart(new Chart(null, "Texts per month, the five biggest pain points", "line", null,
              obj("x", x, "yName", "texts", "series", trend)))
          .build();
    }));
    // survey comments by touchpoint, reviews by their site: a reviews corpus has no touchpoints
    Column where = when(col("source").equalTo("survey"), coalesce(col("touchpoint"), lit("unknown")))
        .otherwise(concat(lit("review · "), coalesce(col("channel"), lit("unknown"))));
    sections.add(section("Sentiment by touchpoint and review site", "voice_response", "voice", onAsOf, responses -> {
      List<Row> tp = collect(responses.groupBy(where.as("touchpoint"))
          .agg(avg("sentiment_score").as("sentiment"), avg(when(col("sentiment_label").equalTo("negative"), 100.0)
              .otherwise(0.0)).as("negative_pct"), count(lit(1)).as("texts")).orderBy("sentiment"), 500);
      if (tp.isEmpty()) {
        return null;
      }
      return Section.of("Sentiment by touchpoint and review site")
          .chart(new Chart(null, "Mean sentiment of comments and reviews (−1..1)", "bar", null, obj("categories",
              texts(tp, "touchpoint"), "horizontal", true, "labels", true, "yName", "sentiment",
              "series", List.of(series("mean sentiment", nums(tp, "sentiment"))))))
          .chart(new Chart(null, "Share of negative comments", "bar", null, obj("categories", texts(tp, "touchpoint"),
              "horizontal", true, "yName", "%", "series", List.of(series("negative %", nums(tp, "negative_pct"))))))
          .build();
    }));
    sections.add(section("Journey pain index", "touchpoint_journey", "journey", onAsOf.and(col("is_complete")), journey -> {
      Row last = journey.agg(max("period_start").as("p")).first();
      if (last.isNullAt(0)) {
        return null;
      }
      List<Row> rows = collect(journey.where(col("period_start").equalTo(lit(last.get(0)))).orderBy("pain_rank"), 500);
      List<List<String>> cells = new ArrayList<>();
      for (Row r : rows) {
        cells.add(java.util.Arrays.asList(text(r, "pain_rank"), text(r, "journey_stage"), text(r, "touchpoint"),
            fmt(num(r, "pain_index"), 2), fmt(num(r, "nps"), 1), fmt(num(r, "complaints"), 0), text(r, "top_driver"),
            Boolean.TRUE.equals(r.get(r.fieldIndex("low_confidence"))) ? "low confidence" : ""));
      }
      return Section.of("Journey pain index")
          .note("The " + text(rows.get(0), "period_type") + " starting " + last.get(0) + ": pain = volume share × negativity × 100.")
          .chart(new Chart(null, "Pain index by touchpoint", "bar", null, obj("categories",
              rows.stream().map(r -> text(r, "journey_stage") + " · " + text(r, "touchpoint")).toList(), "horizontal", true,
              "labels", true, "yName", "pain index", "series", List.of(series("pain index", nums(rows, "pain_index"))))))
          .table(new Table(null, List.of("rank", "stage", "touchpoint", "pain index", "NPS", "complaints", "top driver", ""),
              cells, List.of(true, false, false, true, true, true, false, false)))
          .build();
    }));
    return new Page("voice.html", "Voice & journey", "What customers write about, how they feel at each touchpoint, and "
        + "where the journey hurts most.", sections);
  }

  // ---------------------------------------------------------------- value & survival

  Page valueAndSurvival() {
    List<Section> sections = new ArrayList<>();
    sections.add(section("Value at risk by NPS group", "value_at_risk", "value", onAsOf.and(col("dimension").isin("all", "nps_group")), var -> {
      List<Row> rows = collect(var.orderBy(when(col("dimension").equalTo("all"), 0).otherwise(1), col("group_value")), 20);
      if (rows.isEmpty()) {
        return null;
      }
      Map<String, Object> share = series("share of value at risk %", rows.stream().map(r -> times(num(r, "share_at_risk"), 100)).toList());
      share.put("low", rows.stream().map(r -> times(num(r, "share_at_risk_ci_low"), 100)).toList());
      share.put("high", rows.stream().map(r -> times(num(r, "share_at_risk_ci_high"), 100)).toList());
      Map<String, Object> clv = series("CLV per customer", nums(rows, "clv_mean"));
      clv.put("low", nums(rows, "clv_mean_ci_low"));
      clv.put("high", nums(rows, "clv_mean_ci_high"));
      List<String> groups = texts(rows, "group_value");
      return Section.of("Value at risk by NPS group")
          .note("Value at risk = churn probability × CLV; whiskers are bootstrap intervals.")
          .chart(new Chart(null, "Share of value at risk", "bar", null, obj("categories", groups, "yName", "%",
              "series", List.of(share))))
          .chart(new Chart(null, "CLV per customer", "bar", null, obj("categories", groups, "yName", "CLV",
              "series", List.of(clv))))
          .build();
    }));
    // The survival analysis standing for the as-of date: the latest up to it (survival.refit_days); own durations: the day's.
    java.sql.Date analysed = survivalAnalysed();
    Column onAnalysis = analysed == null ? onAsOf : col("as_of_date").equalTo(lit(analysed));
    String standing = analysed == null || analysed.toLocalDate().equals(asOf) ? ""
        : " The analysis as of " + analysed + " (survival is analysed every survival.refit_days).";
    sections.add(section("Retention curves", "survival_curve", "survival", onAnalysis.and(col("dimension").isin("all", "nps_group"))
        .and(col("population").isin("lifetime", "experience")), curves -> {
      List<Row> rows = collect(curves.select("population", "dimension", "group_value", "time", "survival", "survival_lower",
          "survival_upper").orderBy("population", "dimension", "group_value", "time"), MAX_ROWS);
      if (rows.isEmpty()) {
        return null;
      }
      Map<String, List<Row>> byPopulation = grouped(rows, r -> text(r, "population"));
      Report.Builder b = Section.of("Retention curves")
          .note("Kaplan–Meier survival with 95% log-log bands (dotted). Lifetime: from the first order; experience: from the "
              + "first NPS answer, by its group." + standing);
      byPopulation.forEach((population, prow) -> {
        List<Object> series = new ArrayList<>();
        grouped(prow, r -> text(r, "group_value")).forEach((group, g) -> {
          Map<String, Object> s = series(group, nums(g, "survival"));
          s.put("x", nums(g, "time"));
          s.put("low", nums(g, "survival_lower"));
          s.put("high", nums(g, "survival_upper"));
          series.add(s);
        });
        b.chart(new Chart(null, population.equals("lifetime") ? "Customer lifetime (all customers)"
            : "Survival from the first NPS answer, by NPS group", "step", null,
            obj("xName", "days", "yName", "share still a customer", "series", series)));
      });
      Dataset<Row> groups = gold.table("survival_group");
      if (groups != null) {
        List<Row> g = collect(groups.where(onAnalysis.and(col("dimension").isin("all", "nps_group"))
            .and(col("population").isin("lifetime", "experience"))).orderBy("population", "dimension", "group_value"), 50);
        List<List<String>> cells = new ArrayList<>();
        for (Row r : g) {
          cells.add(java.util.Arrays.asList(text(r, "population"), text(r, "group_value"), fmt(num(r, "customers"), 0),
              fmt(num(r, "events"), 0), num(r, "median_time") == null ? "not reached" : fmt(num(r, "median_time"), 0),
              interval(num(r, "median_lower"), num(r, "median_upper")), fmt(num(r, "survival_365"), 3),
              pValue(num(r, "logrank_p_value"))));
        }
        b.table(new Table("Median lifetimes", List.of("population", "group", "customers", "churned", "median days",
            "95% CI", "survival at 365 d", "log-rank p"), cells, List.of(false, false, true, true, true, true, true, true)));
      }
      return b.build();
    }));
    sections.add(section("Hazard ratios", "survival_model", "survival",
        onAnalysis.and(col("model").notEqual("own")).or(onAsOf.and(col("model").equalTo("own"))), models -> {
      List<Row> rows = collect(models.orderBy("model", "covariate"), 500);
      if (rows.isEmpty()) {
        return null;
      }
      Map<String, Object> variants = new LinkedHashMap<>();
      grouped(rows, r -> text(r, "model")).forEach((model, m) -> variants.put(model + " (" + text(m.get(0), "customers")
          + " customers, C = " + fmt(num(m.get(0), "concordance"), 3) + ")", obj("xName", "hazard ratio (log scale)",
          "rows", m.stream().map(r -> obj("name", text(r, "covariate") + (text(r, "reference") == null ? ""
              : " vs " + text(r, "reference")), "value", num(r, "hazard_ratio"), "low", num(r, "hazard_ratio_lower"),
              "high", num(r, "hazard_ratio_upper"), "p", num(r, "p_value"))).toList())));
      return Section.of("Hazard ratios")
          .note("Cox proportional hazards: a ratio above 1 churns faster than the reference; whiskers are 95% intervals.")
          .chart(new Chart(null, "Hazard ratios (forest plot)", "forest", null, obj("selectLabel", "Model", "variants", variants)))
          .build();
    }));
    return new Page("value.html", "Value & survival", "What customers are worth by experience, how long they stay, and how "
        + "much experience changes that.", sections);
  }

  /** The as-of date of the latest survival analysis up to the report's (not own durations), or null. */
  private java.sql.Date survivalAnalysed() {
    Dataset<Row> groups = gold.table("survival_group");
    if (groups == null) {
      return null;
    }
    Row latest = groups.where(col("as_of_date").leq(lit(java.sql.Date.valueOf(asOf))).and(col("population").notEqual("own")))
        .agg(max("as_of_date")).first();
    return latest.isNullAt(0) ? null : latest.getDate(0);
  }

  /** A median's interval: an end not reached within follow-up is said so. */
  static String interval(Double low, Double high) {
    return low == null ? "not reached" : fmt(low, 0) + " – " + (high == null ? "not reached" : fmt(high, 0));
  }

  private static Double times(Double v, double k) {
    return v == null ? null : v * k;
  }

  // ---------------------------------------------------------------- helpers

  /** A JSON object of key-value pairs (values may be null, unlike Map.of). */
  static Map<String, Object> obj(Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  static Map<String, Object> series(String name, List<Double> y) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("name", name);
    s.put("y", y);
    return s;
  }

  private static Map<String, List<Row>> grouped(List<Row> rows, Function<Row, String> key) {
    Map<String, List<Row>> out = new LinkedHashMap<>();
    rows.forEach(r -> out.computeIfAbsent(key.apply(r), k -> new ArrayList<>()).add(r));
    return out;
  }
}
