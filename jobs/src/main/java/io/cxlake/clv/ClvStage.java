package io.cxlake.clv;

import static org.apache.spark.sql.functions.*;

import io.cxlake.contract.GoldWriter;
import io.cxlake.core.JobContext;
import io.cxlake.core.NothingToDo;
import io.cxlake.core.Progress;
import io.cxlake.core.Stage;
import io.cxlake.core.StageResult;
import io.cxlake.metrics.GoldContracts;
import io.cxlake.platform.AsOf;
import io.cxlake.platform.CacheScope;
import io.cxlake.platform.CustomerColumn;
import io.cxlake.platform.Parallel;
import io.cxlake.platform.StageModule;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Customer lifetime value for one as-of date: BG/NBD and Gamma-Gamma fitted by maximum
 * likelihood on every customer's purchase summary (Spark sums, driver-side optimiser), each
 * customer scored, the model card written, and a calibration/holdout check of the purchase
 * model. Rows of the as-of date are replaced, so reruns are idempotent.
 */
public final class ClvStage implements Stage {
  public static final String NAME = "clv";

  public static final StageModule MODULE = StageModule.define(NAME,
          "Customer lifetime value: BG/NBD + Gamma-Gamma fitted at Spark scale; writes customer_clv (P(alive), "
              + "expected purchases and spend, CLV), clv_model (model card) and clv_holdout (calibration check).")
      .config(ClvConfig.SECTION)
      .requires(GoldContracts.FACT_ORDER, GoldContracts.CUSTOMER_360)
      .writes(ClvContracts.all().toArray(io.cxlake.contract.TableContract[]::new))
      .contributes(
          CustomerColumn.of("clv", "double", "Value: expected discounted spend over clv.horizon (customer_clv; null without a completed order)", ClvContracts.CUSTOMER_CLV, "clv"),
          CustomerColumn.of("p_alive", "double", "Value: probability the customer is still active, BG/NBD (customer_clv)", ClvContracts.CUSTOMER_CLV, "p_alive")
              .checked(b -> b.range(0, 1)))
      // above SummaryFit.DRIVER_SUMMARIES the likelihood is summed in Spark at every optimiser step:
      // interpreted, scale 1 took over 10 minutes against 109 s compiled (46 MB of input)
      .compiledFromMb(0)
      .build(registry -> new ClvStage());

  @Override
  public String name() {
    return NAME;
  }

  /** Both fits of one data window. */
  record Models(SummaryFit.Fit purchases, SummaryFit.Fit spend, double correlation, LocalDate dataEnd) {}

  @Override
  public StageResult run(JobContext ctx) {
    ClvConfig cfg = ctx.config().get(ClvConfig.SECTION);
    LocalDate asOf = AsOf.resolve(ctx);
    SparkSession spark = ctx.spark();
    Dataset<Row> factOrder = spark.table(ctx.catalog().gold(GoldContracts.FACT_ORDER.name()));
    String where = "as_of_date = DATE'" + asOf + "'";
    GoldWriter writer = new GoldWriter(ctx);
    Map<String, Long> counts = new LinkedHashMap<>();
    try (CacheScope cache = CacheScope.open()) {
      Dataset<Row> summary = cache.keep(ClvSummary.build(factOrder, asOf, cfg.unitDays()));
      Models reused = ctx.fullRefresh() ? null : latestFit(ctx, cfg, asOf);
      if (reused != null) {
        // no fit, no model card or holdout rows for this date: both stay with the fit's
        Progress.info("clv: scored with the parameters fitted as of {} (a fit less than clv.refit_days = {} days before {})",
            reused.dataEnd(), cfg.refitDays(), asOf);
        counts.put("customers", summary.count());
        counts.put("fitted", 0L);
        writer.replace(ClvContracts.CUSTOMER_CLV, score(summary, reused, cfg, asOf), where);
      } else {
        fitAndScore(ctx, cfg, asOf, factOrder, summary, writer, counts, cache);
        counts.put("fitted", 1L);
      }
    } finally {
      writer.flush();
    }
    print(ctx, asOf);
    counts.put("tables_written", (long) writer.tablesWritten());
    return new StageResult(counts.get("customers"), writer.rowsWritten(), counts, writer.problems());
  }

  /** Fits both windows (as-of, and calibration for the holdout check), scores, and writes the model card and the check. */
  private static void fitAndScore(JobContext ctx, ClvConfig cfg, LocalDate asOf, Dataset<Row> factOrder, Dataset<Row> summary,
      GoldWriter writer, Map<String, Long> counts, CacheScope cache) {
    String where = "as_of_date = DATE'" + asOf + "'";
    LocalDate calibrationEnd = asOf.minusDays(Math.round(cfg.holdout() * cfg.unitDays()));
    Dataset<Row> calibration = cfg.holdout() > 0
        ? cache.keep(ClvSummary.build(factOrder, calibrationEnd, cfg.unitDays())) : null;
    // The two windows are fitted side by side: each fit is many small Spark jobs.
    List<Attempt> fits = Parallel.map(calibration == null ? List.of(summary) : List.of(summary, calibration),
        rows -> Attempt.of(rows, cfg, rows == summary ? asOf : calibrationEnd));
    if (fits.get(0).skipped() != null) {
      throw fits.get(0).skipped();
    }
    Models full = fits.get(0).models();
    counts.put("customers", full.purchases().customers());
    counts.put("repeat_buyers", full.spend().customers());
    List<Row> card = new ArrayList<>(modelCard(asOf, "full", full, cfg));
    writer.replace(ClvContracts.CUSTOMER_CLV, score(summary, full, cfg, asOf), where);
    Dataset<Row> holdout = null;
    if (calibration != null && fits.get(1).models() != null) {
      Models cal = fits.get(1).models();
      card.addAll(modelCard(asOf, "calibration", cal, cfg));
      holdout = holdout(calibration, ClvSummary.purchasesBetween(factOrder, calibrationEnd, asOf), cal, cfg, asOf,
          calibrationEnd);
    } else if (calibration != null) {
      Progress.warn("clv: no calibration check: {} (clv.holdout = {} {}s)", fits.get(1).skipped().getMessage(),
          cfg.holdout(), cfg.timeUnit());
    }
    writer.replace(ClvContracts.CLV_MODEL, ctx.spark().createDataFrame(card, ClvContracts.CLV_MODEL.schema()), where);
    if (holdout != null) {
      writer.replace(ClvContracts.CLV_HOLDOUT, holdout, where);
    }
  }

  /**
   * The parameters of the latest full fit at most clv.refit_days − 1 days before the as-of
   * date (never after it: that fit saw later orders), in the same time unit; null when a run
   * must fit (none, clv.refit_days 0, or the table not there yet).
   */
  static Models latestFit(JobContext ctx, ClvConfig cfg, LocalDate asOf) {
    String table = ctx.catalog().gold(ClvContracts.CLV_MODEL.name());
    if (cfg.refitDays() == 0 || !ctx.spark().catalog().tableExists(table)) {
      return null;
    }
    Column window = col("as_of_date").leq(lit(Date.valueOf(asOf)))
        .and(col("as_of_date").gt(lit(Date.valueOf(asOf.minusDays(cfg.refitDays())))));
    Dataset<Row> full = ctx.spark().table(table).where(col("fit").equalTo("full").and(col("time_unit").equalTo(cfg.timeUnit()))
        .and(window));
    Row latest = full.agg(max("as_of_date")).first();
    if (latest.isNullAt(0)) {
      return null;
    }
    LocalDate fitted = latest.getDate(0).toLocalDate();
    Map<String, Row> byParameter = new java.util.HashMap<>();
    full.where(col("as_of_date").equalTo(lit(latest.getDate(0))))
        .select("model", "parameter", "estimate", "customers", "frequency_spend_correlation").collectAsList()
        .forEach(r -> byParameter.put(r.getString(0) + "." + r.getString(1), r));
    SummaryFit.Fit purchases = stored(byParameter, "bg_nbd", BgNbd.MODEL);
    SummaryFit.Fit spend = stored(byParameter, "gamma_gamma", GammaGamma.MODEL);
    if (purchases == null || spend == null) {
      return null;
    }
    Row gg = byParameter.get("gamma_gamma." + GammaGamma.MODEL.names().get(0));
    return new Models(purchases, spend, gg.isNullAt(4) ? Double.NaN : gg.getDouble(4), fitted);
  }

  /** A model's estimates from its model card rows (only what scoring reads), or null when one is missing. */
  private static SummaryFit.Fit stored(Map<String, Row> byParameter, String model, SummaryLikelihood spec) {
    double[] theta = new double[spec.names().size()];
    long customers = 0;
    for (int i = 0; i < theta.length; i++) {
      Row r = byParameter.get(model + "." + spec.names().get(i));
      if (r == null) {
        return null;
      }
      theta[i] = r.getDouble(2);
      customers = r.getLong(3);
    }
    return new SummaryFit.Fit(theta, new double[theta.length], Double.NaN, customers, 0, 0);
  }

  /** The fits of one window, or why there are none. */
  record Attempt(Models models, NothingToDo skipped) {
    static Attempt of(Dataset<Row> summary, ClvConfig cfg, LocalDate end) {
      try {
        return new Attempt(fit(summary, cfg, end), null);
      } catch (NothingToDo e) {
        return new Attempt(null, e);
      }
    }
  }

  /** BG/NBD on all customers, Gamma-Gamma on repeat buyers with positive spend. */
  static Models fit(Dataset<Row> summary, ClvConfig cfg, LocalDate end) {
    long customers = summary.count();
    Dataset<Row> repeat = summary.where(col("x").gt(0).and(col("m").gt(0)));
    long repeaters = repeat.count();
    if (customers < cfg.minCustomers() || repeaters < cfg.minCustomers()) {
      throw new NothingToDo(customers + " customers with a completed order up to " + end + ", " + repeaters
          + " of them repeat buyers; clv.min_customers is " + cfg.minCustomers());
    }
    long t0 = System.nanoTime();
    List<SummaryFit.Fit> both = Parallel.map(List.<SummaryLikelihood>of(BgNbd.MODEL, GammaGamma.MODEL),
        model -> SummaryFit.fit(model == BgNbd.MODEL ? summary : repeat, model));
    SummaryFit.Fit purchases = both.get(0);
    SummaryFit.Fit spend = both.get(1);
    if (spend.theta()[1] <= 1) {
      // A data condition, not an error of the run: the model cannot describe this spend.
      throw new NothingToDo("the Gamma-Gamma fit up to " + end + " has q = " + String.format("%.3f", spend.theta()[1])
          + " <= 1: the population's mean spend is not finite, so spend per purchase cannot be predicted");
    }
    Row corr = repeat.agg(corr("x", "m")).first();
    Progress.info("clv fits up to {}: BG/NBD on {} customers {} ({} iterations), Gamma-Gamma on {} repeat buyers {} "
            + "({} iterations); {} s", end, purchases.customers(), named(BgNbd.MODEL, purchases), purchases.iterations(),
        spend.customers(), named(GammaGamma.MODEL, spend), spend.iterations(), Math.round((System.nanoTime() - t0) / 1e8) / 10.0);
    return new Models(purchases, spend, corr.isNullAt(0) ? Double.NaN : corr.getDouble(0), end);
  }

  /** customer_clv rows: the summary and the predictions. */
  static Dataset<Row> score(Dataset<Row> summary, Models m, ClvConfig cfg, LocalDate asOf) {
    double[] p = m.purchases().theta();
    double[] g = m.spend().theta();
    double unitsPerYear = 365.25 / cfg.unitDays();
    Column spend = ClvPredictions.expectedSpend(g);
    return summary.select(lit(Date.valueOf(asOf)).as("as_of_date"), col("customer_key"), col("first_purchase_date"),
        col("x").as("repeat_purchases"), col("t_x").as("last_purchase_age"), col("T").as("customer_age"),
        col("m").as("mean_repeat_spend"), lit(cfg.timeUnit()).as("time_unit"),
        ClvPredictions.pAlive(p).as("p_alive"),
        ClvPredictions.expectedPurchases(p, cfg.horizon()).as("expected_purchases"),
        spend.as("expected_spend"), lit(cfg.horizon()).as("horizon"),
        spend.multiply(ClvPredictions.discountedPurchases(p, cfg.horizon(), unitsPerYear, cfg.annualDiscountRate()))
            .as("clv"),
        lit(Date.valueOf(m.dataEnd())).as("fit_as_of_date"));
  }

  /** clv_holdout rows: predicted against actual repeat purchase days in the holdout, per calibration bucket. */
  static Dataset<Row> holdout(Dataset<Row> calibration, Dataset<Row> actual, Models cal, ClvConfig cfg, LocalDate asOf,
      LocalDate calibrationEnd) {
    int top = cfg.frequencyBuckets();
    double h = cfg.holdout();
    Dataset<Row> rows = calibration.join(actual, new String[] {"customer_key"}, "left")
        .select(when(col("x").geq(top), lit(top + "+")).otherwise(col("x").cast("int").cast("string")).as("bucket"),
            least(col("x"), lit(top)).cast("int").as("bucket_order"),
            ClvPredictions.expectedPurchases(cal.purchases().theta(), h).as("predicted"),
            coalesce(col("actual"), lit(0.0)).as("actual"));
    Column[] aggs = {count(lit(1)).as("customers"), avg("predicted").as("predicted_mean"), avg("actual").as("actual_mean"),
        sum("predicted").as("predicted_total"), sum("actual").as("actual_total")};
    Dataset<Row> byBucket = rows.groupBy("bucket", "bucket_order").agg(aggs[0], java.util.Arrays.copyOfRange(aggs, 1, aggs.length));
    Dataset<Row> all = rows.agg(aggs[0], java.util.Arrays.copyOfRange(aggs, 1, aggs.length))
        .select(lit("all").as("bucket"), lit(top + 1).as("bucket_order"), col("*"));
    return byBucket.unionByName(all)
        .select(lit(Date.valueOf(asOf)).as("as_of_date"), lit(Date.valueOf(calibrationEnd)).as("calibration_end"),
            col("bucket"), col("bucket_order"), col("customers"), col("predicted_mean"), col("actual_mean"),
            col("predicted_total"), col("actual_total"));
  }

  private static List<Row> modelCard(LocalDate asOf, String fit, Models m, ClvConfig cfg) {
    List<Row> rows = new ArrayList<>();
    addFit(rows, asOf, fit, "bg_nbd", BgNbd.MODEL, m.purchases(), null, m.dataEnd(), cfg);
    addFit(rows, asOf, fit, "gamma_gamma", GammaGamma.MODEL, m.spend(), Double.isNaN(m.correlation()) ? null : m.correlation(),
        m.dataEnd(), cfg);
    return rows;
  }

  private static void addFit(List<Row> rows, LocalDate asOf, String fit, String model, SummaryLikelihood spec,
      SummaryFit.Fit f, Double correlation, LocalDate dataEnd, ClvConfig cfg) {
    for (int i = 0; i < spec.names().size(); i++) {
      double se = f.standardErrors()[i];
      rows.add(RowFactory.create(Date.valueOf(asOf), fit, model, spec.names().get(i), f.theta()[i],
          Double.isNaN(se) ? null : se, f.logLikelihood(), f.customers(), f.iterations(), Date.valueOf(dataEnd),
          cfg.timeUnit(), correlation));
    }
  }

  private static String named(SummaryLikelihood model, SummaryFit.Fit f) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < model.names().size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(model.names().get(i)).append(' ').append(String.format("%.4g", f.theta()[i]));
    }
    return sb.toString();
  }

  /** The holdout check and the value distribution: a few rows. */
  private static void print(JobContext ctx, LocalDate asOf) {
    SparkSession spark = ctx.spark();
    String holdout = ctx.catalog().gold(ClvContracts.CLV_HOLDOUT.name());
    StringBuilder sb = new StringBuilder();
    if (spark.catalog().tableExists(holdout)) {
      List<Row> rows = spark.table(holdout).where(col("as_of_date").equalTo(lit(Date.valueOf(asOf))))
          .orderBy("bucket_order").collectAsList();
      if (!rows.isEmpty()) {
        sb.append(String.format("CLV holdout check (repeat purchases after %s): bucket, customers, predicted, actual",
            rows.get(0).getDate(1)));
        for (Row r : rows) {
          sb.append(String.format("%n  %-4s %8d %10.1f %10.1f", r.getString(2), r.getLong(4), r.getDouble(7), r.getDouble(8)));
        }
      }
    }
    Row v = spark.table(ctx.catalog().gold(ClvContracts.CUSTOMER_CLV.name()))
        .where(col("as_of_date").equalTo(lit(Date.valueOf(asOf))))
        .agg(count(lit(1)), sum("clv"), avg("p_alive"), expr("percentile_approx(clv, 0.5)")).first();
    sb.append(String.format("%nCLV as of %s: %d customers, total %.0f, median %.2f, mean P(alive) %.3f", asOf,
        v.getLong(0), v.isNullAt(1) ? 0 : v.getDouble(1), v.isNullAt(3) ? 0 : v.getDouble(3), v.isNullAt(2) ? 0 : v.getDouble(2)));
    System.out.println(sb);
  }
}
