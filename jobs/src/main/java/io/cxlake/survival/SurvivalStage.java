package io.cxlake.survival;

import static org.apache.spark.sql.functions.*;

import io.cxlake.contract.GoldWriter;
import io.cxlake.contract.TableContract;
import io.cxlake.core.Entities;
import io.cxlake.core.JobContext;
import io.cxlake.core.TableRef;
import io.cxlake.core.NothingToDo;
import io.cxlake.core.Progress;
import io.cxlake.core.Stage;
import io.cxlake.core.StageResult;
import io.cxlake.metrics.GoldContracts;
import io.cxlake.platform.AsOf;
import io.cxlake.platform.CacheScope;
import io.cxlake.platform.DigitalSessions;
import io.cxlake.platform.GoldRead;
import io.cxlake.platform.Pseudonym;
import io.cxlake.platform.PseudonymSecret;
import io.cxlake.platform.StageModule;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * How long customers stay and how much experience shortens it, for one as-of date: Kaplan–Meier
 * retention curves by cohort, region and acquisition channel (from the first order) and by NPS
 * group (from the first NPS answer), log-rank tests, and a Cox model of the hazard of churning
 * by NPS group and what else is known on the day of the answer. Rows of the as-of date are
 * replaced on a rerun.
 */
public final class SurvivalStage implements Stage {
  public static final String NAME = "survival";

  /** Dimensions of the lifetime curves (from the first order). */
  static final List<String> LIFETIME_DIMENSIONS = List.of("cohort", "region", "acquisition_channel");
  /** Dimensions of the subscription curves (from the subscription's start). */
  static final List<String> SUBSCRIPTION_DIMENSIONS = List.of("plan", "billing_period", "region");

  public static final StageModule MODULE = StageModule.define(NAME,
          "Survival: Kaplan-Meier retention curves with Greenwood bands and log-rank tests by cohort, region, channel "
              + "and NPS group; a Cox model of the hazard of churning by NPS group. Writes survival_curve, "
              + "survival_group, survival_model.")
      .config(SurvivalConfig.SECTION)
      .requires(GoldContracts.FACT_ORDER, GoldContracts.CUSTOMER_360)
      .optional(GoldContracts.FACT_SURVEY_RESPONSE, GoldContracts.FACT_INTERACTION, GoldContracts.FACT_RENEWAL)
      .optional(TableRef.silver(Entities.SUBSCRIPTIONS.silverTable()))   // the subscription population
      .writes(SurvivalContracts.all().toArray(TableContract[]::new))
      // each customer becomes a row per month of their history (the Cox model's episodes):
      // compiled, scale 1 (63 MB) took 61-65 s against 72-76 s interpreted; the demo (1 MB) runs
      // faster interpreted (22-23 s against 27-30 s)
      .compiledFromMb(16)
      .build(registry -> new SurvivalStage());

  /** The rows of a table brought with --features stay when the native stage reruns. */
  private static final String NOT_OWN = " AND population <> 'own'";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(JobContext ctx) {
    SurvivalConfig cfg = ctx.config().get(SurvivalConfig.SECTION);
    LocalDate asOf = AsOf.resolve(ctx);
    LocalDate standing = standingAnalysis(ctx, cfg, asOf);
    if (standing != null) {
      Progress.info("survival: the analysis as of {} stands for {} (less than survival.refit_days = {} days before it, "
          + "the same settings; --full-refresh or refit_days 0 analyses every run)", standing, asOf, cfg.refitDays());
      return new StageResult(0, 0, Map.of("analysed", 0L, "tables_written", 0L), List.of());
    }
    LocalDate censor = Lifetimes.censorDate(asOf, cfg.inactivityDays());
    Dataset<Row> attributes = AsOf.snapshot(ctx, asOf).select("customer_key", "region", "acquisition_channel");
    GoldWriter writer = new GoldWriter(ctx);
    Map<String, Long> counts = new LinkedHashMap<>();
    String where = "as_of_date = DATE'" + asOf + "'";
    try (CacheScope cache = CacheScope.open()) {
      Dataset<Row> orderDays = cache.keep(Lifetimes.orderDays(GoldRead.table(ctx, GoldContracts.FACT_ORDER.name()), asOf,
          cfg.inactivityDays()));
      Dataset<Row> lifetime = Lifetimes.lifetime(orderDays, censor).join(attributes, new String[] {"customer_key"}, "left");
      Dataset<Row> countsFrame = SurvivalCurves.counts(lifetime, "lifetime", LIFETIME_DIMENSIONS);
      Dataset<Row> subscriptions = subscriptions(ctx, asOf);
      if (subscriptions != null) {
        // read twice: the subscription curves and the plan of each experience subject
        subscriptions = cache.keep(subscriptions);
        countsFrame = countsFrame.unionByName(SurvivalCurves.counts(
            subscriptions.join(attributes, new String[] {"customer_key"}, "left"), "subscription", SUBSCRIPTION_DIMENSIONS));
      }
      Dataset<Row> experience = null;
      Dataset<Row> responses = optional(ctx, GoldContracts.FACT_SURVEY_RESPONSE);
      Dataset<Row> interactions = optional(ctx, GoldContracts.FACT_INTERACTION);
      if (interactions == null) {
        interactions = ctx.spark().createDataFrame(List.of(), GoldContracts.FACT_INTERACTION.schema());
      }
      if (responses == null) {
        Progress.warn("survival: no fact_survey_response: no experience curves and no Cox models (lifetime curves only)");
      } else {
        experience = Lifetimes.experience(orderDays, responses, interactions, asOf, censor, cfg)
            .join(attributes, new String[] {"customer_key"}, "left");
        experience = cache.keep(subscriptions == null ? experience : Lifetimes.withPlanAtOrigin(experience, subscriptions));
        countsFrame = countsFrame.unionByName(SurvivalCurves.counts(experience, "experience", List.of("nps_group")));
      }
      List<SurvivalCurves.GroupCounts> groups = SurvivalCurves.groups(countsFrame.collectAsList());
      if (groups.isEmpty()) {
        throw new NothingToDo("no customer has a completed order on or before " + censor + " (as-of " + asOf + " − "
            + cfg.inactivityDays() + " inactivity days): nothing to follow yet");
      }
      List<List<Row>> rows = SurvivalCurves.rows(asOf, groups, true, cfg, cfg.settings());
      writer.replace(SurvivalContracts.SURVIVAL_CURVE,
          ctx.spark().createDataFrame(rows.get(0), SurvivalContracts.SURVIVAL_CURVE.schema()), where + NOT_OWN);
      writer.replace(SurvivalContracts.SURVIVAL_GROUP,
          ctx.spark().createDataFrame(rows.get(1), SurvivalContracts.SURVIVAL_GROUP.schema()), where + NOT_OWN);
      List<Row> model = models(ctx, cfg, asOf, censor, groups, new Populations(orderDays, lifetime, experience, responses,
          interactions), cache);
      // replaced even when empty: a rerun that fits no model leaves no rows of an earlier one
      writer.replace(SurvivalContracts.SURVIVAL_MODEL,
          ctx.spark().createDataFrame(model, SurvivalContracts.SURVIVAL_MODEL.schema()), where + " AND model <> 'own'");
      print(asOf, rows.get(1), model);
      rows.get(1).stream().filter(r -> r.getString(2).equals("all"))
          .forEach(r -> counts.put(r.getString(1) + "_customers", r.getLong(4)));
    } finally {
      writer.flush();
    }
    counts.put("analysed", 1L);
    counts.put("tables_written", (long) writer.tablesWritten());
    return new StageResult(counts.getOrDefault("lifetime_customers", 0L), writer.rowsWritten(), counts, writer.problems());
  }

  /**
   * The as-of date of the analysis that stands for {@code asOf}, or null when the run analyses:
   * the latest one of less than survival.refit_days before it (never after it) with this run's
   * settings. Retention curves and hazard ratios over years of lifetimes move little in a day;
   * readers take the latest analysis up to their date (docs/survival.md).
   */
  static LocalDate standingAnalysis(JobContext ctx, SurvivalConfig cfg, LocalDate asOf) {
    return AsOf.standing(ctx, ctx.catalog().gold(SurvivalContracts.SURVIVAL_GROUP.name()), asOf, cfg.refitDays(), cfg.settings());
  }

  /** What the models are fitted on: order days, the populations (experience may be null) and the facts. */
  private record Populations(Dataset<Row> orderDays, Dataset<Row> lifetime, Dataset<Row> experience,
      Dataset<Row> responses, Dataset<Row> interactions) {}

  /**
   * The survival_model rows: the experience model (from the first answer) and the model of
   * monthly episodes (current experience); none, with the reason, when there is no experience.
   */
  private static List<Row> models(JobContext ctx, SurvivalConfig cfg, LocalDate asOf, LocalDate censor,
      List<SurvivalCurves.GroupCounts> groups, Populations in, CacheScope cache) {
    List<Row> model = new ArrayList<>();
    SurvivalCurves.GroupCounts pooled = find(groups, "experience");
    // an experience model needs experience: without an NPS answer during the follow-up (a
    // shop with transactions only has an empty fact_survey_response) there is none to fit
    boolean answered = in.responses() != null && !in.responses().where(col("nps").isNotNull()
        .and(col("response_date").leq(lit(java.sql.Date.valueOf(censor))))).isEmpty();
    if (in.responses() != null && !answered) {
      Progress.warn("survival: no NPS answer on or before {}: no experience curves and no Cox models", censor);
    } else if (pooled == null && in.experience() != null) {
      Progress.warn("survival: no customer active at a first NPS answer on or before {}: no experience curves and no "
          + "experience model", censor);
    }
    if (pooled != null) {
      model.addAll(SurvivalModel.fit(asOf, SurvivalModel.MODEL, SurvivalModel.design(in.experience(), cfg),
          SurvivalCurves.curve(pooled, cfg.confidence()), cfg));
    }
    if (answered) {
      Dataset<Row> sessions = DigitalSessions.exist(ctx) ? DigitalSessions.activeDays(ctx) : null;
      if (sessions == null) {
        Progress.info("survival: no digital events: experience_over_time has no digital activity covariate");
      }
      Dataset<Row> episodes = cache.keep(Episodes.withCovariates(Episodes.monthly(in.lifetime()), in.orderDays(),
          in.responses(), in.interactions(), sessions, cfg));
      model.addAll(SurvivalModel.fit(asOf, SurvivalModel.MODEL_OVER_TIME, SurvivalModel.designOverTime(episodes, cfg),
          SurvivalCurves.curve(find(groups, "lifetime"), cfg.confidence()), cfg));
    }
    return model;
  }

  /** The "all" group of a population, or null when the population is empty. */
  private static SurvivalCurves.GroupCounts find(List<SurvivalCurves.GroupCounts> groups, String population) {
    return groups.stream().filter(g -> g.population().equals(population) && g.dimension().equals("all")).findFirst()
        .orElse(null);
  }

  /** The subscription population, or null (with the reason) when there are no subscriptions. */
  private static Dataset<Row> subscriptions(JobContext ctx, LocalDate asOf) {
    String silver = ctx.catalog().silver(Entities.SUBSCRIPTIONS.silverTable());
    if (!ctx.spark().catalog().tableExists(silver) || ctx.spark().table(silver).isEmpty()) {
      Progress.info("survival: no subscriptions: no subscription curves");
      return null;
    }
    Dataset<Row> renewals = optional(ctx, GoldContracts.FACT_RENEWAL);
    if (renewals == null) {
      renewals = ctx.spark().createDataFrame(List.of(), GoldContracts.FACT_RENEWAL.schema());
    }
    // silver holds the source id: pseudonymised here, as metrics does for the gold facts
    Dataset<Row> subs = ctx.spark().table(silver).select(col("subscription_id"),
        Pseudonym.customerKey(col("customer_id"), PseudonymSecret.of(ctx)).as("customer_key"), col("plan"),
        col("billing_period"), col("start_date"), col("end_date"));
    return Lifetimes.subscriptions(subs, renewals, asOf);
  }

  private static Dataset<Row> optional(JobContext ctx, TableContract table) {
    String name = ctx.catalog().gold(table.name());
    return ctx.spark().catalog().tableExists(name) ? ctx.spark().table(name) : null;
  }

  /** Medians per population and NPS group, and the hazard ratios: a few lines. */
  static void print(LocalDate asOf, List<Row> groupRows, List<Row> model) {
    StringBuilder sb = new StringBuilder(String.format(
        "%nSurvival, %s: population, group, customers, churned, median time (interval), log-rank p", asOf));
    for (Row r : groupRows) {
      if (!r.getString(1).equals("lifetime") || r.getString(2).equals("all")) {
        sb.append(String.format("%n  %-10s %-24s %8d %8d %8s (%s-%s) %s", r.getString(1), r.getString(2) + "=" + r.getString(3), r.getLong(4),
            r.getLong(5), r.isNullAt(6) ? "-" : String.format("%.0f", r.getDouble(6)),
            r.isNullAt(7) ? "" : String.format("%.0f", r.getDouble(7)), r.isNullAt(8) ? "" : String.format("%.0f", r.getDouble(8)),
            r.isNullAt(12) ? "" : String.format("%.3g", r.getDouble(12))));
      }
    }
    Map<String, List<String>> ratios = new LinkedHashMap<>();
    for (Row r : model) {
      ratios.computeIfAbsent(r.getString(1) + ", " + r.getString(16), k -> new ArrayList<>())
          .add(String.format("%s %.2f (%.2f-%.2f)", r.getString(2), r.getDouble(6), r.getDouble(7), r.getDouble(8)));
    }
    ratios.forEach((m, list) -> sb.append(String.format("%nHazard ratios (%s): %s", m, String.join("; ", list))));
    System.out.println(sb);
  }
}
