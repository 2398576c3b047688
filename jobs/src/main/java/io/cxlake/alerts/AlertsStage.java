package io.cxlake.alerts;

import io.cxlake.platform.AsOf;
import io.cxlake.core.TableRef;
import io.cxlake.platform.StageModule;
import io.cxlake.metrics.Cols;
import io.cxlake.metrics.ExperienceKpis;
import io.cxlake.metrics.GoldContracts;
import io.cxlake.metrics.MetricsConfig;
import io.cxlake.metrics.PeriodSet;
import io.cxlake.metrics.Periods;
import io.cxlake.platform.CacheScope;
import io.cxlake.platform.GoldState;
import io.cxlake.alerts.AlertsConfig;
import static org.apache.spark.sql.functions.*;

import io.cxlake.contract.GoldWriter;
import io.cxlake.contract.TableContract;
import io.cxlake.core.CxlakeConfig;
import io.cxlake.core.CxlakeException;
import io.cxlake.core.Entities;
import io.cxlake.core.JobContext;
import io.cxlake.core.Progress;
import io.cxlake.core.Stage;
import io.cxlake.core.StageResult;
import io.cxlake.text.Redaction;
import java.io.PrintStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * KPI alerts (SPEC §8.8) and the detractor follow-up list, from the gold facts and KPI tables.
 * For each period, KPI and slice the period's value is tested against the pooled trailing
 * baseline; when the same period one year earlier has enough data the value must also differ
 * from it, so a seasonal dip that happened last year too raises nothing. Thresholds from config
 * alert on their own. Rewritten whole when its inputs changed; skipped when they did not.
 */
public final class AlertsStage implements Stage {
  public static final String NAME = "alerts";

  /** KPI alerts. */
  public static final StageModule MODULE = StageModule.define(NAME,
          "KPI alerts against trailing and last-year baselines, thresholds, and the detractor follow-up list; "
              + "prints a summary.")
      .config(AlertsConfig.SECTION, MetricsConfig.SECTION)
      .requires(GoldContracts.KPI_OPERATIONS, GoldContracts.DIM_CUSTOMER)
      .optional(GoldContracts.FACT_SURVEY_RESPONSE, GoldContracts.KPI_EXPERIENCE)
      .optional(TableRef.silver(Entities.CUSTOMERS.silverTable()), TableRef.silver(Entities.SURVEY_RESPONSES.silverTable()))
      .writes(AlertsContracts.all().toArray(TableContract[]::new))
      .build(registry -> new AlertsStage());

  /** KPIs and whether higher is better. */
  public static final Map<String, Boolean> HIGHER_IS_BETTER = new LinkedHashMap<>();

  static {
    HIGHER_IS_BETTER.put("nps", true);
    HIGHER_IS_BETTER.put("csat_top2_pct", true);
    HIGHER_IS_BETTER.put("ces_mean", true);
    HIGHER_IS_BETTER.put("cx_index", true);
    HIGHER_IS_BETTER.put("renewal_rate", true);
    HIGHER_IS_BETTER.put("churn_rate", false);
    HIGHER_IS_BETTER.put("repurchase_rate", true);
  }

  /**
   * A drop is seasonal — and raises no change alert — when the same period last year also fell
   * against its own trailing baseline, significantly at this level and by at least half as much.
   */
  static final double SEASONAL_ALPHA = 0.05;

  private final PrintStream out;

  public AlertsStage() {
    this(System.out);
  }

  public AlertsStage(PrintStream out) {
    this.out = out;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(JobContext ctx) {
    SparkSession spark = ctx.spark();
    List<String> inputs = new ArrayList<>();
    for (TableContract c : List.of(GoldContracts.FACT_SURVEY_RESPONSE, GoldContracts.KPI_OPERATIONS, GoldContracts.DIM_CUSTOMER)) {
      String t = ctx.catalog().gold(c.name());
      if (!spark.catalog().tableExists(t)) {
        throw new CxlakeException("gold table " + t + " is missing: run metrics first");
      }
      inputs.add(t);
    }
    LocalDate asOf = AsOf.resolve(ctx);
    // The KPI tables hold one as-of: the one of the last metrics run, which dim_customer carries.
    LocalDate computed = spark.table(ctx.catalog().gold(GoldContracts.DIM_CUSTOMER.name())).agg(max("snapshot_date")).first()
        .getDate(0).toLocalDate();
    if (!computed.equals(asOf)) {
      throw new CxlakeException("gold is computed for as-of " + computed + ", not " + asOf + ": run metrics with --as-of " + asOf + " first");
    }
    Map<String, Long> versions = GoldState.currentVersions(spark, inputs);
    GoldState.Previous prev = GoldState.previous(ctx, NAME);
    boolean tablesExist = spark.catalog().tableExists(ctx.catalog().gold(AlertsContracts.CX_ALERT.name()))
        && spark.catalog().tableExists(ctx.catalog().gold(AlertsContracts.DETRACTOR_FOLLOWUP.name()));
    GoldWriter writer = new GoldWriter(ctx);
    if (!ctx.fullRefresh() && tablesExist && prev != null && prev.versions().equals(versions) && asOf.equals(prev.asOf())) {
      Progress.info("alerts are up to date for as-of {}", asOf);
    } else {
      AlertsConfig a = ctx.config().get(AlertsConfig.SECTION);
      MetricsConfig m = ctx.config().get(MetricsConfig.SECTION);
      Dataset<Row> attrs = gold(ctx, GoldContracts.DIM_CUSTOMER)
          .select("customer_key", "region", "country", "acquisition_channel", "plan", "lifecycle_stage");
      Dataset<Row> responses = gold(ctx, GoldContracts.FACT_SURVEY_RESPONSE).join(attrs, new String[] {"customer_key"}, "left");
      List<String> slices = new ArrayList<>(m.slices());
      slices.remove("segment");
      // evaluate() reads the statistics four times (current, trailing, last year, its trailing).
      try (CacheScope cache = CacheScope.open()) {
        Dataset<Row> stats = cache.keep(experienceStats(responses, a.periodType(), a.baselinePeriods(), slices)
            .unionByName(operationsStats(gold(ctx, GoldContracts.KPI_OPERATIONS), a.periodType(), a.baselinePeriods())));
        writer.overwrite(AlertsContracts.CX_ALERT, evaluate(stats, a, m.minResponses(), asOf, ctx.runId()));
        writer.overwrite(AlertsContracts.DETRACTOR_FOLLOWUP, followUp(ctx, responses, asOf, a.followupDays()));
      } finally {
        writer.flush();
      }
      if (writer.problems().isEmpty()) {
        GoldState.record(ctx, NAME, versions, asOf);
      }
    }
    long shown = printSummary(ctx, asOf);
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("alerts_recent", shown);
    return new StageResult(0, writer.rowsWritten(), counts, writer.problems());
  }

  private static Dataset<Row> gold(JobContext ctx, TableContract c) {
    return ctx.spark().table(ctx.catalog().gold(c.name()));
  }

  /** Shifts a period start by {@code steps} periods. */
  static Column shift(String periodType, Column start, Column steps) {
    return periodType.equals("month") ? add_months(start, steps) : date_add(start, steps.multiply(7));
  }

  static int yearSteps(String periodType) {
    return periodType.equals("month") ? 12 : 52;
  }

  /**
   * Each row counts as "current" in its own period, as "trailing" in the next k periods, as
   * "last_year" one year later and as "last_year_trailing" in the k periods after that; all
   * roles come out of one aggregation.
   */
  static Dataset<Row> withRoles(Dataset<Row> rows, String periodType, int k) {
    List<Column> roles = new ArrayList<>();
    roles.add(struct(lit("current").as("role"), lit(0).as("steps")));
    for (int i = 1; i <= k; i++) {
      roles.add(struct(lit("trailing").as("role"), lit(i).as("steps")));
    }
    roles.add(struct(lit("last_year").as("role"), lit(yearSteps(periodType)).as("steps")));
    for (int i = 1; i <= k; i++) {
      roles.add(struct(lit("last_year_trailing").as("role"), lit(yearSteps(periodType) + i).as("steps")));
    }
    return rows.withColumn("_r", explode(array(roles.toArray(Column[]::new))))
        .withColumn("role", col("_r.role"))
        .withColumn("period_start", shift(periodType, col("period_start"), col("_r.steps")))
        .drop("_r");
  }

  /**
   * Long-form statistics of the experience KPIs: one row per KPI, period, slice and role with
   * value, n (effective), se, and for NPS the adjusted-Wald value and se.
   */
  public static Dataset<Row> experienceStats(Dataset<Row> responses, String periodType, int k, List<String> slices) {
    Dataset<Row> rows = Periods.explodePeriods(responses, col("response_date"), List.of(periodType));
    // Aggregate once per period and slice combination, then roll up per role and slice.
    Dataset<Row> perCombo = ExperienceKpis.aggregate(rows, ExperienceKpis.comboColumns(rows, slices));
    Dataset<Row> s = ExperienceKpis.asDouble(ExperienceKpis.resum(
        Periods.explodeSlices(withRoles(perCombo, periodType, k), slices),
        "period_type", "period_start", "slice", "slice_value", "role"));
    Column nNps = ExperienceKpis.kish("nps");
    Column pP = col("w_promoters").divide(col("w_nps"));
    Column pD = col("w_detractors").divide(col("w_nps"));
    Column aP = AlertTests.adjustedShare(pP, nNps);
    Column aD = AlertTests.adjustedShare(pD, nNps);
    Column nCsat = ExperienceKpis.kish("csat");
    Column pCsat = col("w_csat_top2").divide(col("w_csat"));
    Column empty = lit(null).cast("double");
    Column stats = array(
        struct(lit("nps").as("kpi"), AlertTests.nps(pP, pD).as("value"), nNps.as("n"), AlertTests.npsSe(pP, pD, nNps).as("se"),
            AlertTests.nps(aP, aD).as("adj_value"), AlertTests.npsSe(aP, aD, nNps.plus(3)).as("adj_se"), empty.as("x")),
        struct(lit("csat_top2_pct").as("kpi"), pCsat.multiply(100).as("value"), nCsat.as("n"), empty.as("se"),
            empty.as("adj_value"), empty.as("adj_se"), pCsat.multiply(nCsat).as("x")),
        struct(lit("ces_mean").as("kpi"), ExperienceKpis.mean("ces").as("value"), ExperienceKpis.kish("ces").as("n"),
            ExperienceKpis.meanSe("ces").as("se"), empty.as("adj_value"), empty.as("adj_se"), empty.as("x")),
        struct(lit("cx_index").as("kpi"), ExperienceKpis.mean("cx").as("value"), ExperienceKpis.kish("cx").as("n"),
            ExperienceKpis.meanSe("cx").as("se"), empty.as("adj_value"), empty.as("adj_se"), empty.as("x")));
    return s.select(col("period_type"), col("period_start"), col("slice"), col("slice_value"), col("role"),
            explode(stats).as("st"))
        .select(col("period_type"), col("period_start"), col("slice"), col("slice_value"), col("role"), col("st.kpi").as("kpi"),
            col("st.value").as("value"), col("st.n").as("n"), col("st.se").as("se"), col("st.adj_value").as("adj_value"),
            col("st.adj_se").as("adj_se"), col("st.x").as("x"))
        .where(col("n").gt(0).and(col("value").isNotNull()));
  }

  /** Long-form statistics of the operational rates from kpi_operations counts (summed for pooled roles). */
  static Dataset<Row> operationsStats(Dataset<Row> kpiOperations, String periodType, int k) {
    Dataset<Row> rows = withRoles(kpiOperations.where(col("period_type").equalTo(periodType)), periodType, k);
    Dataset<Row> s = Cols.group(rows, "period_type", "period_start", "slice", "slice_value", "role").agg(
        sum("renewals_renewed").as("renewed"), sum("renewals_decided").as("decided"),
        sum("churned_customers").as("churned"), sum("active_at_start").as("at_start"),
        sum("repurchasers").as("repurchasers"), sum("active_customers").as("active"));
    Column empty = lit(null).cast("double");
    Column stats = array(
        struct(lit("renewal_rate").as("kpi"), col("renewed").cast("double").as("x"), col("decided").cast("double").as("n")),
        struct(lit("churn_rate").as("kpi"), col("churned").cast("double").as("x"), col("at_start").cast("double").as("n")),
        struct(lit("repurchase_rate").as("kpi"), col("repurchasers").cast("double").as("x"), col("active").cast("double").as("n")));
    return s.select(col("period_type"), col("period_start"), col("slice"), col("slice_value"), col("role"), explode(stats).as("st"))
        .where(col("st.n").gt(0))
        .select(col("period_type"), col("period_start"), col("slice"), col("slice_value"), col("role"), col("st.kpi").as("kpi"),
            col("st.x").divide(col("st.n")).multiply(100).as("value"), col("st.n").as("n"), empty.as("se"),
            empty.as("adj_value"), empty.as("adj_se"), col("st.x").as("x"));
  }

  /** Tests each current value against its baselines and applies thresholds; returns cx_alert rows. */
  public static Dataset<Row> evaluate(Dataset<Row> stats, AlertsConfig a, int smallSample, LocalDate asOf, String runId) {
    String[] key = {"period_type", "period_start", "slice", "slice_value", "kpi"};
    Dataset<Row> cur = stats.where(col("role").equalTo("current")).drop("role")
        .where(col("period_start").leq(lit(java.sql.Date.valueOf(asOf))));
    Dataset<Row> base = rename(stats.where(col("role").equalTo("trailing")).drop("role"), "b_", key);
    Dataset<Row> ly = rename(stats.where(col("role").equalTo("last_year")).drop("role"), "ly_", key);
    Dataset<Row> lyb = rename(stats.where(col("role").equalTo("last_year_trailing")).drop("role"), "lyb_", key);
    Dataset<Row> j = cur.join(base, key, "left").join(ly, key, "left").join(lyb, key, "left");

    int min = a.minResponses();
    Column higherBetter = kpiMap(HIGHER_IS_BETTER.entrySet().stream()
        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue() ? 1.0 : -1.0)));
    Column minChange = kpiMap(a.minChange() == null ? Map.of() : a.minChange());
    Column small = col("n").lt(smallSample).or(col("b_n").lt(smallSample));
    Column method = when(col("kpi").equalTo("nps"), when(small, "adjusted_wald").otherwise("wald"))
        .when(col("x").isNotNull(), "two_proportion").otherwise("z_mean");
    Column z = zFor(method, "", "b_");
    // Last year's same period against its own trailing baseline: a seasonal pattern shows there too.
    Column smallLy = col("ly_n").lt(smallSample).or(col("lyb_n").lt(smallSample));
    Column methodLy = when(col("kpi").equalTo("nps"), when(smallLy, "adjusted_wald").otherwise("wald"))
        .when(col("x").isNotNull(), "two_proportion").otherwise("z_mean");
    Column zLy = zFor(methodLy, "ly_", "lyb_");
    Column change = col("value").minus(col("b_value"));
    Column lyChange = col("ly_value").minus(col("lyb_value"));
    Column adverse = change.multiply(higherBetter).lt(0);
    Column hasLy = col("ly_n").geq(min).and(col("lyb_n").geq(min));
    Column p = AlertTests.twoSidedP(col("z"));
    Column pLy = AlertTests.twoSidedP(col("z_ly"));
    Column seasonal = hasLy.and(lyChange.multiply(higherBetter).lt(0)).and(col("p_ly").lt(SEASONAL_ALPHA))
        .and(abs(lyChange).geq(abs(change).multiply(0.5)));
    Column changeAlert = col("n").geq(min).and(col("b_n").geq(min)).and(adverse)
        .and(abs(change).geq(coalesce(minChange, lit(0.0))))
        .and(col("p").lt(a.alpha()))
        .and(not(coalesce(seasonal, lit(false))));

    Map<String, AlertsConfig.Threshold> th = a.thresholds() == null ? Map.of() : a.thresholds();
    Column thMin = kpiMap(th.entrySet().stream().filter(e -> e.getValue().min() != null)
        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().min())));
    Column thMax = kpiMap(th.entrySet().stream().filter(e -> e.getValue().max() != null)
        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().max())));
    Column belowMin = coalesce(col("value").lt(thMin), lit(false));
    Column aboveMax = coalesce(col("value").gt(thMax), lit(false));
    Column thresholdAlert = col("n").geq(min).and(belowMin.or(aboveMax));

    Dataset<Row> tested = j.withColumn("method", method).withColumn("z", z).withColumn("z_ly", zLy)
        .withColumn("p", p).withColumn("p_ly", pLy)
        .withColumn("change_alert", changeAlert).withColumn("threshold_alert", thresholdAlert)
        .withColumn("threshold", when(belowMin, thMin).when(aboveMax, thMax))
        .withColumn("last_year_change", lyChange)
        .withColumn("baseline_kind", when(hasLy, lit("trailing_" + a.baselinePeriods() + "+last_year"))
            .otherwise(lit("trailing_" + a.baselinePeriods())));

    Column periodLabel = when(col("period_type").equalTo("month"), date_format(col("period_start"), "yyyy-MM"))
        .otherwise(concat(lit("week of "), col("period_start").cast("string")));
    Column where = when(col("slice").equalTo(Periods.ALL), lit("all customers"))
        .otherwise(concat(col("slice"), lit("="), col("slice_value")));
    Column verb = when(higherBetter.gt(0), lit("fell")).otherwise(lit("rose"));
    Column changeMsg = format_string("%s in %s %s to %.1f in %s from a baseline of %.1f (%s, z=%.2f, p=%.4f, n=%.0f)",
        col("kpi"), where, verb, col("value"), periodLabel, col("b_value"), col("method"), col("z"), col("p"), col("n"));
    Column thresholdMsg = format_string("%s in %s is %.1f in %s, beyond the limit %.1f (n=%.0f)",
        col("kpi"), where, col("value"), periodLabel, col("threshold"), col("n"));

    Dataset<Row> changes = tested.where(col("change_alert")).select(col("*"), lit("change").as("alert_kind"),
        when(col("threshold_alert"), "critical").when(col("p").lt(a.alpha() / 10), "high").otherwise("medium").as("severity"),
        changeMsg.as("message"));
    Dataset<Row> thresholds = tested.where(col("threshold_alert")).select(col("*"), lit("threshold").as("alert_kind"),
        when(col("change_alert"), "critical").otherwise("low").as("severity"), thresholdMsg.as("message"));
    Column isChange = col("alert_kind").equalTo("change");
    return changes.unionByName(thresholds).select(col("period_type"), col("period_start"), col("kpi"), col("slice"),
        col("slice_value"), col("alert_kind"), col("severity"), round(col("value"), 4).as("value"), round(col("n"), 4).as("n"),
        round(col("b_value"), 4).as("baseline_value"), round(col("b_n"), 4).as("baseline_n"), col("baseline_kind"),
        round(col("ly_value"), 4).as("last_year_value"), round(col("last_year_change"), 4).as("last_year_change"),
        round(change, 4).as("change"),
        when(isChange, round(col("z"), 4)).as("z"), when(isChange, round(col("p"), 6)).as("p_value"),
        when(isChange, col("method")).otherwise(lit("threshold")).as("method"),
        col("threshold"), col("message"), lit(java.sql.Date.valueOf(asOf)).as("as_of"), lit(runId).as("run_id"));
  }

  private static Column zFor(Column method, String a, String b) {
    Column wald = AlertTests.waldZ(col(a + "value"), col(a + "se"), col(b + "value"), col(b + "se"));
    Column adjusted = AlertTests.waldZ(col(a + "adj_value"), col(a + "adj_se"), col(b + "adj_value"), col(b + "adj_se"));
    Column twoProp = AlertTests.twoProportionZ(col(a + "x"), col(a + "n"), col(b + "x"), col(b + "n"));
    return when(method.equalTo("adjusted_wald"), adjusted).when(method.equalTo("wald"), wald)
        .when(method.equalTo("two_proportion"), twoProp).otherwise(wald);
  }

  private static Dataset<Row> rename(Dataset<Row> d, String prefix, String[] key) {
    List<String> keep = List.of(key);
    for (String c : d.columns()) {
      if (!keep.contains(c)) {
        d = d.withColumnRenamed(c, prefix + c);
      }
    }
    return d;
  }

  private static Column kpiMap(Map<String, Double> values) {
    Column c = lit(null).cast("double");
    for (Map.Entry<String, Double> e : values.entrySet()) {
      c = when(col("kpi").equalTo(e.getKey()), lit(e.getValue())).otherwise(c);
    }
    return c;
  }

  /** Detractors (0-6) of the last followup_days days, with redacted verbatim, for close-the-loop. */
  static Dataset<Row> followUp(JobContext ctx, Dataset<Row> responses, LocalDate asOf, int days) {
    SparkSession spark = ctx.spark();
    Dataset<Row> text = spark.table(ctx.catalog().silver(Entities.SURVEY_RESPONSES.silverTable()))
        .select(col("response_id"), col("verbatim"), col("customer_id"));
    Dataset<Row> emails = spark.table(ctx.catalog().silver(Entities.CUSTOMERS.silverTable())).select("customer_id", "email");
    Column asOfDate = lit(java.sql.Date.valueOf(asOf));
    return responses.where(col("nps").leq(6).and(col("response_date").gt(date_sub(asOfDate, days))))
        .join(text, new String[] {"response_id"}, "left")
        .join(emails, new String[] {"customer_id"}, "left")
        .select(col("response_id"), col("customer_key"), col("responded_ts"), col("nps"), col("csat"), col("touchpoint"),
            col("journey_stage"), col("channel"), col("region"), col("lifecycle_stage"),
            Redaction.redact(col("verbatim"), col("email")).as("verbatim_redacted"),
            datediff(asOfDate, col("response_date")).as("days_since_response"), asOfDate.as("as_of"));
  }

  /** Prints recent alerts (most severe first) and the follow-up count; returns the recent alert count. */
  long printSummary(JobContext ctx, LocalDate asOf) {
    AlertsConfig a = ctx.config().get(AlertsConfig.SECTION);
    Dataset<Row> alerts = gold(ctx, AlertsContracts.CX_ALERT);
    LocalDate since = a.periodType().equals("month")
        ? asOf.withDayOfMonth(1).minusMonths(a.recentPeriods() - 1L)
        : PeriodSet.startOf("week", asOf).minusWeeks(a.recentPeriods() - 1L);
    Column rank = when(col("severity").equalTo("critical"), 0).when(col("severity").equalTo("high"), 1)
        .when(col("severity").equalTo("medium"), 2).otherwise(3);
    Dataset<Row> recent = alerts.where(col("period_start").geq(lit(java.sql.Date.valueOf(since))));
    List<Row> bySeverity = Cols.group(recent, "severity").count().collectAsList();
    long total = bySeverity.stream().mapToLong(r -> r.getLong(1)).sum();
    List<Row> top = recent.orderBy(rank, col("period_start").desc(), abs(coalesce(col("z"), lit(0.0))).desc())
        .select("severity", "message").limit(15).collectAsList();
    long followUps = gold(ctx, AlertsContracts.DETRACTOR_FOLLOWUP).count();
    out.println();
    out.printf("Alerts since %s (as-of %s): %d%s%n", since, asOf, total, bySeverity.isEmpty() ? "" : "  "
        + String.join(", ", bySeverity.stream().map(r -> r.getString(0) + " " + r.getLong(1)).sorted().toList()));
    for (Row r : top) {
      out.printf("  [%-8s] %s%n", r.getString(0), r.getString(1));
    }
    if (total > top.size()) {
      out.printf("  ... %d more: SELECT * FROM %s ORDER BY period_start DESC%n", total - top.size(),
          ctx.catalog().gold(AlertsContracts.CX_ALERT.name()));
    }
    out.printf("Detractor follow-up (last %d days): %d responses in %s%n", a.followupDays(), followUps,
        ctx.catalog().gold(AlertsContracts.DETRACTOR_FOLLOWUP.name()));
    return total;
  }
}
