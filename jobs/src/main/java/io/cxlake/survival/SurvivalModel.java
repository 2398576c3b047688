package io.cxlake.survival;

import static org.apache.spark.sql.functions.*;

import io.cxlake.core.Progress;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The experience Cox model: the hazard of churning from the first NPS answer on, by NPS group
 * (promoters the reference), holding equal tenure, past orders, recent complaints, CSAT of that
 * answer, region and acquisition channel — every covariate as known on the day of the answer.
 */
public final class SurvivalModel {
  private SurvivalModel() {}

  public static final String MODEL = "experience";

  /** A covariate column of the design: its name in the table and the level it is compared with. */
  record Covariate(String column, String name, String reference) {}

  /** The design: the frame (stratum, time, event, weight, covariates) and its covariates. */
  record Design(Dataset<Row> data, List<Covariate> covariates) {
    List<String> columns() {
      return covariates.stream().map(Covariate::column).toList();
    }
  }

  /** @param subjects the experience population joined to region and acquisition_channel */
  static Design design(Dataset<Row> subjects, SurvivalConfig cfg) {
    List<Covariate> covs = new ArrayList<>();
    List<Column> select = new ArrayList<>();
    select.add(cfg.strata().isEmpty() ? lit("all").as("stratum")
        : concat_ws("|", cfg.strata().stream().map(s -> coalesce(col(s), lit("unknown"))).toArray(Column[]::new)).as("stratum"));
    select.add(col("time"));
    select.add(col("event"));
    select.add(lit(1.0).as("weight"));
    for (String group : List.of("detractor", "passive")) {
      covs.add(new Covariate("nps_" + group, "nps_group=" + group, "promoter"));
      select.add(when(col("nps_group").equalTo(group), 1.0).otherwise(0.0).as("nps_" + group));
    }
    covs.add(new Covariate("tenure_years", "tenure_years", null));
    select.add(col("tenure_years").cast("double").as("tenure_years"));
    covs.add(new Covariate("log_orders_before", "log_orders_before", null));
    select.add(log1p(col("orders_before")).as("log_orders_before"));
    covs.add(new Covariate("complaints", "complaints_" + cfg.complaintDays() + "d", null));
    select.add(col("complaints").cast("double").as("complaints"));
    // CSAT of the same answer, centred at the scale's middle; unanswered: 0 plus an indicator
    covs.add(new Covariate("csat", "csat", null));
    select.add(coalesce(col("csat").cast("double").minus(3.0), lit(0.0)).as("csat"));
    covs.add(new Covariate("csat_missing", "csat_missing", null));
    select.add(when(col("csat").isNull(), 1.0).otherwise(0.0).as("csat_missing"));
    for (String variable : List.of("region", "acquisition_channel")) {
      if (!cfg.strata().contains(variable)) {
        dummies(subjects, coalesce(col(variable), lit("unknown")), variable, variable, cfg.minGroupCustomers(), covs, select);
      }
    }
    return varying(subjects.select(select.toArray(Column[]::new)), covs);
  }

  /**
   * One 0/1 column per level of a categorical variable with at least {@code minCount} subjects,
   * against the largest level; the rarer levels together as "other".
   */
  static void dummies(Dataset<Row> subjects, Column value, String prefix, String name, int minCount, List<Covariate> covs,
      List<Column> select) {
    List<Row> levels = subjects.groupBy(value.as("level")).count().orderBy(col("count").desc(), col("level")).collectAsList();
    List<String> kept = levels.stream().filter(r -> r.getLong(1) >= minCount).map(r -> r.getString(0)).toList();
    if (kept.isEmpty()) {
      return;
    }
    for (String level : kept.subList(1, kept.size())) {
      String column = (prefix + "_" + level).replaceAll("[^A-Za-z0-9_]", "_") + "_" + covs.size();
      covs.add(new Covariate(column, name + "=" + level, kept.get(0)));
      select.add(when(value.equalTo(level), 1.0).otherwise(0.0).as(column));
    }
    if (kept.size() < levels.size()) {
      String column = prefix + "__other_" + covs.size();
      covs.add(new Covariate(column, name + "=other", kept.get(0)));
      select.add(when(not(value.isin(kept.toArray())), 1.0).otherwise(0.0).as(column));
    }
  }

  /** The design without the covariates that do not vary (e.g. no passives at all): they have no coefficient. */
  static Design varying(Dataset<Row> data, List<Covariate> covs) {
    if (covs.isEmpty()) {
      return new Design(data, covs);
    }
    List<Column> spread = covs.stream().map(c -> max(col(c.column())).minus(min(col(c.column())))).toList();
    Row r = data.agg(spread.get(0), spread.subList(1, spread.size()).toArray(Column[]::new)).first();
    List<Covariate> varying = new ArrayList<>();
    for (int j = 0; j < covs.size(); j++) {
      if (!r.isNullAt(j) && r.getDouble(j) > 0) {
        varying.add(covs.get(j));
      } else {
        Progress.info("survival: {} does not vary; left out of the model", covs.get(j).name());
      }
    }
    return new Design(data, varying);
  }

  /** survival_model rows, or none (with the reason logged) when there is nothing to fit. */
  static List<Row> fit(LocalDate asOf, String model, Design design, KaplanMeier.Curve pooled, SurvivalConfig cfg) {
    Row size = design.data().agg(count(lit(1)), sum(when(col("event"), 1).otherwise(0))).first();
    long customers = size.getLong(0);
    long events = size.isNullAt(1) ? 0 : size.getLong(1);
    if (events == 0 || design.covariates().isEmpty()) {
      Progress.warn("survival: no Cox model ({} customers, {} events, {} varying covariates)", customers, events,
          design.covariates().size());
      return List.of();
    }
    List<String> columns = design.columns();
    Dataset<Row> centered = CoxData.centered(design.data(), columns).cache();
    try {
      long started = System.nanoTime();
      Cox.Fit fit = Cox.fit(beta -> CoxData.sums(centered, columns, beta), columns.size(), cfg.tieMethod(),
          cfg.maxIterations(), 1e-9);
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
        Covariate c = design.covariates().get(j);
        rows.add(RowFactory.create(day, model, c.name(), c.reference(), b, se[j], Math.exp(b), Math.exp(b - z * se[j]),
            Math.exp(b + z * se[j]), b / se[j], fit.waldP(j), ph.get(j).chiSquared(), ph.get(j).pValue(),
            ph.get(columns.size()).pValue(), customers, events, cfg.ties(),
            cfg.strata().isEmpty() ? null : String.join(",", cfg.strata()), Double.isNaN(concordance) ? null : concordance,
            fit.logLikelihood(), fit.likelihoodRatio(), fit.likelihoodRatioP(), fit.iterations(), fit.converged()));
      }
      return rows;
    } catch (org.apache.commons.math3.linear.SingularMatrixException e) {
      Progress.warn("survival: the Cox model cannot be fitted (its covariates are collinear: {}); no model rows",
          design.covariates().stream().map(Covariate::name).toList());
      return List.of();
    } finally {
      centered.unpersist();
    }
  }
}
