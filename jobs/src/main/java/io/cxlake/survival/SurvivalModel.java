package io.cxlake.survival;

import static org.apache.spark.sql.functions.*;

import io.cxlake.core.Progress;
import io.cxlake.core.TableColumns;
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

/**
 * The experience Cox model: the hazard of churning from the first NPS answer on, by NPS group
 * (promoters the reference), holding equal tenure, past orders, the past year's revenue, recent
 * complaints, CSAT of that answer, region, acquisition channel and the plan then active — every
 * covariate as known on the day of the answer.
 */
public final class SurvivalModel {
  private SurvivalModel() {}

  public static final String MODEL = "experience";
  /** The model of monthly episodes (see {@link Episodes}): each customer compared by its current experience. */
  public static final String MODEL_OVER_TIME = "experience_over_time";

  /** A covariate column of the design: its name in the table and the level it is compared with. */
  record Covariate(String column, String name, String reference) {}

  /**
   * The design: the frame (stratum, time, event, weight, optionally entry, covariates) and its
   * covariates (a fit leaves out those that do not vary).
   */
  record Design(Dataset<Row> data, List<Covariate> covariates, List<String> strata) {}

  /** @param subjects the experience population joined to region and acquisition_channel */
  static Design design(Dataset<Row> subjects, SurvivalConfig cfg) {
    List<Covariate> covs = new ArrayList<>();
    List<Column> select = frame(cfg.strata());
    for (String group : List.of("detractor", "passive")) {
      covs.add(new Covariate("nps_" + group, "nps_group=" + group, "promoter"));
      select.add(when(col("nps_group").equalTo(group), 1.0).otherwise(0.0).as("nps_" + group));
    }
    covs.add(new Covariate("tenure_years", "tenure_years", null));
    select.add(col("tenure_years").cast("double").as("tenure_years"));
    covs.add(new Covariate("log_orders_before", "log_orders_before", null));
    select.add(log1p(col("orders_before")).as("log_orders_before"));
    covs.add(new Covariate("log_revenue", "log_revenue_" + Lifetimes.VALUE_DAYS + "d", null));
    select.add(log1p(greatest(col("revenue_365d"), lit(0.0))).as("log_revenue"));
    covs.add(new Covariate("complaints", "complaints_" + cfg.complaintDays() + "d", null));
    select.add(col("complaints").cast("double").as("complaints"));
    // CSAT of the same answer, centred at the scale's middle; unanswered: 0 plus an indicator
    covs.add(new Covariate("csat", "csat", null));
    select.add(coalesce(col("csat").cast("double").minus(3.0), lit(0.0)).as("csat"));
    covs.add(new Covariate("csat_missing", "csat_missing", null));
    select.add(when(col("csat").isNull(), 1.0).otherwise(0.0).as("csat_missing"));
    // region and acquisition channel (unless they stratify), and the plan of the subscription
    // active on the day of the answer (with subscriptions only)
    Map<String, Column> categorical = new LinkedHashMap<>();
    for (String variable : List.of("region", "acquisition_channel")) {
      if (!cfg.strata().contains(variable)) {
        categorical.put(variable, coalesce(col(variable), lit("unknown")));
      }
    }
    if (TableColumns.has(subjects, "plan_at_origin")) {
      categorical.put("plan", coalesce(col("plan_at_origin"), lit("none")));
    }
    dummies(subjects, categorical, cfg.minGroupCustomers(), covs, select);
    return new Design(subjects.select(select.toArray(Column[]::new)), covs, cfg.strata());
  }

  /**
   * The design of the monthly episodes (from the first order): the current NPS group (the
   * latest answer of the recent_answer_days; promoters the reference, "none" = no recent
   * answer), complaints and slow contacts of the complaint_days, digital activity of the last
   * 30 days and orders of the last year. Tenure is the time axis; region and acquisition channel
   * stratify (a baseline hazard of its own for each combination: held equal without a
   * coefficient each, which keeps the per-iteration sums small over many episodes).
   *
   * @param episodes {@link Episodes#withCovariates} joined to region and acquisition_channel
   */
  static Design designOverTime(Dataset<Row> episodes, SurvivalConfig cfg) {
    List<Covariate> covs = new ArrayList<>();
    List<Column> select = frame(SurvivalConfig.STRATA);
    select.add(col("entry"));
    for (String group : List.of("detractor", "passive", "none")) {
      covs.add(new Covariate("nps_" + group, "current_nps_group=" + group, "promoter"));
      select.add(when(col("current_nps_group").equalTo(group), 1.0).otherwise(0.0).as("nps_" + group));
    }
    String days = "_" + cfg.complaintDays() + "d";
    covs.add(new Covariate("complaints", "complaints" + days, null));
    select.add(col("complaints").cast("double").as("complaints"));
    covs.add(new Covariate("slow_contacts", "slow_contacts" + days, null));
    select.add(col("slow_contacts").cast("double").as("slow_contacts"));
    covs.add(new Covariate("digital_active", "digital_active_" + Episodes.DIGITAL_DAYS + "d", null));
    select.add(col("digital_active"));
    covs.add(new Covariate("log_orders", "log_orders_" + Episodes.ORDER_DAYS + "d", null));
    select.add(log1p(col("orders_365d")).as("log_orders"));
    return new Design(episodes.select(select.toArray(Column[]::new)), covs, SurvivalConfig.STRATA);
  }

  /** stratum, time, event, weight. */
  private static List<Column> frame(List<String> strata) {
    List<Column> select = new ArrayList<>();
    select.add(strata.isEmpty() ? lit("all").as("stratum")
        : concat_ws("|", strata.stream().map(s -> coalesce(col(s), lit("unknown"))).toArray(Column[]::new)).as("stratum"));
    select.add(col("time"));
    select.add(col("event"));
    select.add(lit(1.0).as("weight"));
    return select;
  }

  /**
   * One 0/1 column per level of each categorical variable (name → its value as a string) with
   * at least {@code minCount} subjects, against the variable's largest level; the rarer levels
   * together as "other". The levels of all variables are counted in one pass.
   */
  static void dummies(Dataset<Row> subjects, Map<String, Column> variables, int minCount, List<Covariate> covs,
      List<Column> select) {
    if (variables.isEmpty()) {
      return;
    }
    List<Column> pairs = new ArrayList<>();
    variables.forEach((name, value) -> pairs.add(struct(lit(name).as("name"), value.as("level"))));
    Map<String, List<Row>> levelsOf = new LinkedHashMap<>();
    variables.keySet().forEach(name -> levelsOf.put(name, new ArrayList<>()));
    subjects.select(explode(array(pairs.toArray(Column[]::new))).as("v")).groupBy("v.name", "v.level").count()
        .collectAsList().forEach(r -> levelsOf.get(r.getString(0)).add(r));
    levelsOf.forEach((name, levels) -> {
      Column value = variables.get(name);
      levels.sort(java.util.Comparator.<Row>comparingLong(r -> -r.getLong(2))
          .thenComparing(r -> r.getString(1), java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder())));
      List<String> kept = levels.stream().filter(r -> r.getLong(2) >= minCount).map(r -> r.getString(1)).toList();
      if (kept.isEmpty()) {
        return;
      }
      for (String level : kept.subList(1, kept.size())) {
        String column = (name + "_" + level).replaceAll("[^A-Za-z0-9_]", "_") + "_" + covs.size();
        covs.add(new Covariate(column, name + "=" + level, kept.get(0)));
        select.add(when(value.equalTo(level), 1.0).otherwise(0.0).as(column));
      }
      if (kept.size() < levels.size()) {
        String column = name.replaceAll("[^A-Za-z0-9_]", "_") + "__other_" + covs.size();
        covs.add(new Covariate(column, name + "=other", kept.get(0)));
        select.add(when(not(value.isin(kept.toArray())), 1.0).otherwise(0.0).as(column));
      }
    });
  }

  /** survival_model rows, or none (with the reason logged) when there is nothing to fit. */
  static List<Row> fit(LocalDate asOf, String model, Design design, KaplanMeier.Curve pooled, SurvivalConfig cfg) {
    // one pass for the size, which covariates vary (one that does not, e.g. no passives at all,
    // has no coefficient) and their means. Subjects, not rows: in a model of episodes only a
    // subject's first one has no entry.
    Column subjects = TableColumns.has(design.data(), "entry")
        ? count(when(col("entry").isNull(), 1)) : count(lit(1));
    List<Column> stats = new ArrayList<>(List.of(sum(when(col("event"), 1).otherwise(0))));
    for (Covariate c : design.covariates()) {
      stats.add(max(col(c.column())).minus(min(col(c.column()))));
      stats.add(sum(col(c.column()).multiply(col("weight"))).divide(sum("weight")));
    }
    Row size = design.data().agg(subjects, stats.toArray(Column[]::new)).first();
    long customers = size.getLong(0);
    long events = size.isNullAt(1) ? 0 : size.getLong(1);
    List<Covariate> covariates = new ArrayList<>();
    List<Double> means = new ArrayList<>();
    for (int j = 0; j < design.covariates().size(); j++) {
      if (!size.isNullAt(2 + 2 * j) && size.getDouble(2 + 2 * j) > 0) {
        covariates.add(design.covariates().get(j));
        means.add(size.getDouble(3 + 2 * j));
      } else {
        Progress.info("survival: {} does not vary; left out of the model", design.covariates().get(j).name());
      }
    }
    if (events == 0 || covariates.isEmpty()) {
      Progress.warn("survival: no Cox model ({} customers, {} events, {} varying covariates)", customers, events,
          covariates.size());
      return List.of();
    }
    List<String> columns = covariates.stream().map(Covariate::column).toList();
    Dataset<Row> centered = CoxData.centered(design.data(), columns, means.stream().mapToDouble(Double::doubleValue).toArray());
    try (CoxSubjects held = CoxSubjects.of(centered, columns)) {
      long started = System.nanoTime();
      Cox.Fit fit = Cox.fit(held::sums, columns.size(), cfg.tieMethod(), cfg.maxIterations(), 1e-9);
      Progress.info("survival: Cox model {} fitted in {} iterations ({} s, {} covariates, {} customers)", model,
          fit.iterations(), String.format("%.1f", (System.nanoTime() - started) / 1e9), columns.size(), customers);
      if (!fit.converged()) {
        Progress.warn("survival: the Cox fit did not settle in {} iterations; its estimates are reported as they are",
            cfg.maxIterations());
      }
      List<Cox.PhTest> ph = Cox.phTests(fit, Cox.kmTransform(fit.atEstimate().eventTimes(), pooled), columns);
      double concordance = CoxData.concordance(centered, columns, fit.beta(), cfg.concordanceBins());
      double z = SurvivalCurves.z(cfg.confidence());
      double[] se = fit.stdErrors();
      List<Row> rows = new ArrayList<>();
      Date day = Date.valueOf(asOf);
      for (int j = 0; j < columns.size(); j++) {
        double b = fit.beta()[j];
        Covariate c = covariates.get(j);
        rows.add(RowFactory.create(day, model, c.name(), c.reference(), b, se[j], Math.exp(b), Math.exp(b - z * se[j]),
            Math.exp(b + z * se[j]), b / se[j], fit.waldP(j), ph.get(j).chiSquared(), ph.get(j).pValue(),
            ph.get(columns.size()).pValue(), customers, events, cfg.ties(),
            design.strata().isEmpty() ? null : String.join(",", design.strata()), Double.isNaN(concordance) ? null : concordance,
            fit.logLikelihood(), fit.likelihoodRatio(), fit.likelihoodRatioP(), fit.iterations(), fit.converged()));
      }
      return rows;
    } catch (org.apache.commons.math3.linear.SingularMatrixException e) {
      Progress.warn("survival: the Cox model cannot be fitted (its covariates are collinear: {}); no model rows",
          covariates.stream().map(Covariate::name).toList());
      return List.of();
    }
  }
}
