package io.cxlake.drivers;

import io.cxlake.platform.StageModule;
import io.cxlake.drivers.KeyDriverAnalysis.DriverResult;
import io.cxlake.drivers.DriverAggregates.Group;
import io.cxlake.platform.AsOf;
import io.cxlake.platform.CacheScope;
import io.cxlake.platform.GoldRead;
import static org.apache.spark.sql.functions.*;

import io.cxlake.contract.GoldWriter;
import io.cxlake.core.CxlakeConfig;
import io.cxlake.core.CxlakeException;
import io.cxlake.core.JobContext;
import io.cxlake.core.Progress;
import io.cxlake.core.Stage;
import io.cxlake.core.StageResult;
import io.cxlake.metrics.GoldContracts;
import io.cxlake.segment.SegmentContracts;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * key_driver for one as-of date: reads the gold survey facts, aggregates every model's sums in
 * Spark, fits on the driver, replaces that date's rows and prints the overall ranking per outcome.
 */
public final class DriversStage implements Stage {
  public static final String NAME = "drivers";

  /** Key drivers. */
  public static final StageModule MODULE = StageModule.define(NAME,
          "Key-driver analysis of the configured outcomes (NPS, CSAT, repurchase, renewal ...) on the attribute "
              + "ratings: relative weights with bootstrap CIs, significance against a noise probe, quadrants, Kano; "
              + "writes key_driver.")
      .config(DriversConfig.SECTION)
      .requires(GoldContracts.FACT_SURVEY_RATING, GoldContracts.FACT_SURVEY_RESPONSE)
      .optional(GoldContracts.DIM_CUSTOMER, GoldContracts.DIM_TOUCHPOINT, GoldContracts.FACT_ORDER,
          GoldContracts.FACT_RENEWAL, GoldContracts.FACT_INTERACTION, SegmentContracts.CUSTOMER_RFM)
      .writes(DriverContracts.KEY_DRIVER)
      .build(registry -> new DriversStage());

  /** IRLS stops when no coefficient moves more than this, or after MAX_ITER iterations. */
  private static final double TOLERANCE = 1e-7;
  private static final int MAX_ITER = 25;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(JobContext ctx) {
    DriversConfig cfg = ctx.config().get(DriversConfig.SECTION);
    SparkSession spark = ctx.spark();
    LocalDate asOf = AsOf.resolve(ctx);
    LocalDate standing = standingAnalysis(ctx, cfg, asOf);
    if (standing != null) {
      Progress.info("key drivers: the analysis as of {} stands for {} (less than drivers.refit_days = {} days before it, "
          + "the same settings; --full-refresh or refit_days 0 analyses every run)", standing, asOf, cfg.refitDays());
      return new StageResult(0, 0, Map.of("analysed", 0L, "tables_written", 0L), List.of());
    }
    LocalDate windowStart = asOf.minusDays(cfg.lookbackDays() - 1L);
    Dataset<Row> responses = GoldRead.table(ctx, GoldContracts.FACT_SURVEY_RESPONSE.name());
    Dataset<Row> ratings = GoldRead.table(ctx, GoldContracts.FACT_SURVEY_RATING.name());
    List<String> attributes = attributes(cfg, ratings, windowStart, asOf);
    List<String> slices = new ArrayList<>(cfg.slices());
    Dataset<Row> segments = null;
    if (slices.contains("segment")) {
      segments = segments(ctx, asOf);
      if (segments == null) {
        slices.remove("segment");
        Progress.warn("drivers.slices: segment is left out: customer_rfm has no rows for {} (run the segment stage)", asOf);
      }
    }
    Progress.info("key drivers for as-of {} (responses {} .. {}): {} drivers, outcomes {}, slices {}, {} resamples", asOf,
        windowStart, asOf, attributes.size(), cfg.outcomes().stream().map(DriversConfig.Outcome::name).toList(), slices,
        cfg.bootstrap());
    DriverData.Inputs in = new DriverData.Inputs(responses, ratings, GoldRead.table(ctx, GoldContracts.DIM_CUSTOMER.name()),
        segments, GoldRead.table(ctx, GoldContracts.FACT_ORDER.name()),
        GoldRead.table(ctx, GoldContracts.FACT_RENEWAL.name()));
    Map<String, Long> counts = new LinkedHashMap<>();
    List<DriverResult> results;
    long rowsIn;
    try (CacheScope cache = CacheScope.open()) {
      Dataset<Row> rows = cache.keep(DriverData.build(in, attributes, cfg.outcomes(), asOf, cfg.lookbackDays(), cfg.seed()));
      rowsIn = rows.count();
      results = analyse(spark, rows, attributes, slices, cfg, counts);
    }
    Dataset<Row> out = spark.createDataFrame(toRows(results, ctx.runId(), asOf, windowStart, cfg.settings()),
        DriverContracts.KEY_DRIVER.schema());
    GoldWriter writer = new GoldWriter(ctx);
    writer.replace(DriverContracts.KEY_DRIVER, out, "as_of_date = DATE'" + asOf + "'");
    print(results);
    counts.put("analysed", 1L);
    counts.put("responses_rated", rowsIn);
    counts.put("drivers", (long) attributes.size());
    counts.put("groups_skipped", results.stream().filter(r -> r.status().equals("skipped")).map(DriversStage::groupOf)
        .distinct().count());
    counts.put("groups_unfit", results.stream().filter(r -> r.status().equals("unfit")).map(DriversStage::groupOf)
        .distinct().count());
    return new StageResult(rowsIn, writer.rowsWritten(), counts, writer.problems());
  }

  /**
   * The as-of date of the latest analysis that stands for {@code asOf}: at most refit_days − 1
   * days before it (never after: that one saw later responses), with this run's settings; null
   * when this run analyses (--full-refresh, refit_days 0, no such analysis).
   */
  static LocalDate standingAnalysis(JobContext ctx, DriversConfig cfg, LocalDate asOf) {
    return AsOf.standing(ctx, ctx.catalog().gold(DriverContracts.KEY_DRIVER.name()), asOf, cfg.refitDays(), cfg.settings());
  }

  /** All aggregations and fits; the rows are the persisted response-level table. */
  static List<DriverResult> analyse(SparkSession spark, Dataset<Row> rows, List<String> attributes, List<String> slices,
      DriversConfig cfg, Map<String, Long> counts) {
    int p = attributes.size();
    long t0 = System.nanoTime();
    List<DriversConfig.Outcome> continuous = cfg.outcomes().stream().filter(o -> !o.binary()).toList();
    List<DriversConfig.Outcome> binary = cfg.outcomes().stream().filter(DriversConfig.Outcome::binary).toList();
    Dataset<Row> stacked = DriverAggregates.stack(rows, cfg.outcomes(), slices, p);
    Map<Group, DriverAggregates.Descriptive> desc = DriverAggregates.descriptive(stacked, p, cfg.kano().poorMax(),
        cfg.kano().excellentMin());
    Map<Group, Moments[]> linear = continuous.isEmpty() ? Map.of()
        : DriverAggregates.linearMoments(spark, DriverAggregates.stack(rows, continuous, slices, p),
            DriverAggregates.index(desc.keySet().stream().filter(g -> continuous.stream()
                .anyMatch(o -> o.name().equals(g.outcome()) && desc.get(g).contrasts().n() >= cfg.minResponses())).toList()),
            p, cfg.bootstrap(), cfg.seed());
    Progress.info("linear models: sums of {} groups x {} resamples in {} s", linear.size(), cfg.bootstrap(), secs(t0));
    Map<Group, DriverAggregates.Logit> logits = new java.util.HashMap<>();
    Map<Group, DriverAggregates.LogitReplicate[]> logitReps = new java.util.HashMap<>();
    if (!binary.isEmpty()) {
      try (CacheScope cache = CacheScope.open()) {
        long t1 = System.nanoTime();
        // read by every IRLS iteration and by the replicates' pass: exploded once
        Dataset<Row> binStacked = cache.keep(DriverAggregates.stack(rows, binary, slices, p));
        Map<Group, Double> fit = new java.util.HashMap<>();
        desc.forEach((g, d) -> {
          if (binary.stream().anyMatch(o -> o.name().equals(g.outcome())) && d.contrasts().n() >= cfg.minResponses()) {
            fit.put(g, d.contrasts().mean(1));
          }
        });
        logits.putAll(DriverAggregates.logistic(spark, binStacked, fit, p, MAX_ITER, TOLERANCE));
        Progress.info("logistic fits of {} groups: {} IRLS iterations at most, {} s", fit.size(),
            logits.values().stream().mapToInt(DriverAggregates.Logit::iterations).max().orElse(0), secs(t1));
        Map<Group, double[]> beta = new java.util.HashMap<>();
        logits.forEach((g, l) -> {
          if (l.converged()) {
            beta.put(g, l.beta());
          }
        });
        if (!beta.isEmpty()) {
          logitReps.putAll(DriverAggregates.logisticReplicates(spark, binStacked, beta, p, cfg.bootstrap(), cfg.seed()));
        }
        counts.put("logistic_not_converged", logits.values().stream().filter(l -> !l.converged()).count());
        Progress.info("logistic models: {} groups fitted, bootstrap by one-step in {} s", logits.size(), secs(t1));
      }
    }
    List<KeyDriverAnalysis.Settings> settings = cfg.outcomes().stream()
        .map(o -> new KeyDriverAnalysis.Settings(attributes, o, cfg.minResponses(), cfg.confidence(), cfg.performance(),
            cfg.quadrant(), cfg.kano()))
        .toList();
    return KeyDriverAnalysis.analyse(settings, linear, desc, logits, logitReps);
  }

  /** Configured attributes, or every attribute rated in the window (sorted). */
  static List<String> attributes(DriversConfig cfg, Dataset<Row> ratings, LocalDate from, LocalDate asOf) {
    if (!cfg.attributes().isEmpty()) {
      return cfg.attributes();
    }
    List<String> found = ratings.where(col("response_date").between(Date.valueOf(from), Date.valueOf(asOf)))
        .select("attribute").distinct().orderBy("attribute").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    if (found.size() < 2) {
      throw new CxlakeException("key drivers need at least two rated attributes in fact_survey_rating between " + from
          + " and " + asOf + "; found " + found);
    }
    return found;
  }

  /** customer_key -> RFM segment at the as-of date, or null when the segment stage has not run for it. */
  private static Dataset<Row> segments(JobContext ctx, LocalDate asOf) {
    String table = ctx.catalog().gold(SegmentContracts.CUSTOMER_RFM.name());
    if (!ctx.spark().catalog().tableExists(table)) {
      return null;
    }
    Dataset<Row> s = ctx.spark().table(table).where(col("as_of_date").equalTo(lit(Date.valueOf(asOf))))
        .select("customer_key", "segment");
    return s.isEmpty() ? null : s;
  }


  private static String groupOf(DriverResult r) {
    return r.outcome() + "|" + r.sliceType() + "|" + r.sliceValue();
  }

  static List<Row> toRows(List<DriverResult> results, String runId, LocalDate asOf, LocalDate windowStart, String settings) {
    List<Row> rows = new ArrayList<>(results.size());
    for (DriverResult r : results) {
      rows.add(RowFactory.create(runId, Date.valueOf(asOf), Date.valueOf(windowStart), r.outcome(), r.outcomeType(),
          r.model(), r.sliceType(), r.sliceValue(), r.driver(), r.status(), r.note(), r.responses(), r.effectiveN(),
          r.rSquared(), r.coefficient(), r.coefficientPerPoint(), r.pValue(), r.rawWeight(), r.rawCiLow(), r.rawCiHigh(), r.rescaled(),
          r.rescaledCiLow(), r.rescaledCiHigh(), r.noiseWeight(), r.overNoiseCiLow(), r.significant(), r.rank(), r.performance(),
          r.meanRating(), r.top2Pct(), r.poorPct(), r.excellentPct(), r.quadrant(), r.kanoPenalty(), r.kanoReward(),
          r.kanoClass(), r.resamples(), settings));
    }
    return rows;
  }

  /** The overall ranking of each outcome, most important first. */
  private static void print(List<DriverResult> results) {
    Map<String, List<DriverResult>> byOutcome = new LinkedHashMap<>();
    for (DriverResult r : results) {
      if (r.sliceType().equals("all")) {
        byOutcome.computeIfAbsent(r.outcome(), k -> new ArrayList<>()).add(r);
      }
    }
    for (Map.Entry<String, List<DriverResult>> e : byOutcome.entrySet()) {
      DriverResult first = e.getValue().get(0);
      if (!first.status().equals("ok")) {
        System.out.printf("%n%s: %s (%s)%n", e.getKey(), first.status(), first.note());
        continue;
      }
      System.out.printf("%n%s (%s, %d responses, R² %.3f): driver, importance %% [CI], significant, quadrant, Kano%n",
          e.getKey(), first.model(), first.responses(), first.rSquared());
      e.getValue().stream().sorted(java.util.Comparator.comparing(DriverResult::rank)).forEach(r ->
          System.out.printf("  %d. %-16s %5.1f%% [%5.1f, %5.1f]  %-3s  %-12s  %s%n", r.rank(), r.driver(), r.rescaled(),
              orNaN(r.rescaledCiLow()), orNaN(r.rescaledCiHigh()), Boolean.TRUE.equals(r.significant()) ? "yes" : "no",
              r.quadrant(), r.kanoClass()));
    }
  }

  private static double orNaN(Double d) {
    return d == null ? Double.NaN : d;
  }

  private static String secs(long t0) {
    return String.format("%.1f", (System.nanoTime() - t0) / 1e9);
  }
}
