package io.cxlake.churn;

import io.cxlake.contract.TableContract;
import io.cxlake.core.Entities;
import io.cxlake.core.TableRef;
import io.cxlake.metrics.MetricsConfig;
import io.cxlake.platform.CustomerColumn;
import io.cxlake.platform.StageModule;
import io.cxlake.text.VoiceContracts;
import io.cxlake.platform.CacheScope;
import io.cxlake.core.Tier;
import static org.apache.spark.sql.functions.*;

import io.cxlake.contract.GoldWriter;
import io.cxlake.core.CxlakeConfig;
import io.cxlake.core.CxlakeException;
import io.cxlake.core.JobContext;
import io.cxlake.core.Progress;
import io.cxlake.core.Stage;
import io.cxlake.core.StageResult;
import io.cxlake.metrics.GoldContracts;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Native churn: train (cutoffs, labels, features, candidates, calibration, model card), score
 * (active customers at the as-of date, with reasons; customer_360 gets the probability and
 * band) and evaluate (a saved model on the latest complete cutoff). The pipeline runs train
 * then score.
 */
public final class ChurnStage implements Stage {

  public enum Mode { TRAIN, SCORE, TRAIN_AND_SCORE, EVALUATE }

  public static final String NAME = "churn";

  /** Churn model training and scoring. */
  public static final StageModule MODULE = StageModule.define(NAME,
          "Churn prediction (docs/churn.md): trains on point-in-time cutoffs with out-of-time validation, then scores "
              + "the active customers (churn_score with probability, risk band and top 3 reasons).")
      .config(ChurnConfig.SECTION, MetricsConfig.SECTION)
      .requires(GoldContracts.DIM_CUSTOMER, GoldContracts.FACT_ORDER)
      .optional(GoldContracts.FACT_RENEWAL, GoldContracts.FACT_INTERACTION, GoldContracts.FACT_SURVEY_RESPONSE,
          VoiceContracts.VOICE_RESPONSE)
      .optional(TableRef.silver(Entities.SUBSCRIPTIONS.silverTable()), TableRef.silver(Entities.DIGITAL_EVENTS.silverTable()))
      .writes(ChurnContracts.all().toArray(TableContract[]::new))
      .contributes(
          CustomerColumn.of("churn_probability", "double", "Churn: calibrated probability of churning within churn.horizon_days (churn_score; null: not active or not scored yet)", ChurnContracts.CHURN_SCORE, "churn_probability")
              .checked(b -> b.range(0, 1)),
          CustomerColumn.of("churn_risk_band", "string", "Churn: risk band of churn_probability (churn.risk_bands)", ChurnContracts.CHURN_SCORE, "risk_band"))
      .build(registry -> new ChurnStage());
  static final String BASELINE = "recency alone: ln(1 + days since the last completed order)";

  private final Mode mode;
  private final String modelRunId;

  public ChurnStage() {
    this(Mode.TRAIN_AND_SCORE, null);
  }

  /** @param modelRunId for score and evaluate: the training run whose model to use (null: the latest) */
  public ChurnStage(Mode mode, String modelRunId) {
    this.mode = mode;
    this.modelRunId = modelRunId;
  }

  @Override
  public String name() {
    return switch (mode) {
      case TRAIN_AND_SCORE -> NAME;
      case TRAIN -> NAME + "-train";
      case SCORE -> NAME + "-score";
      case EVALUATE -> NAME + "-evaluate";
    };
  }

  @Override
  public StageResult run(JobContext ctx) {
    LocalDate asOf = io.cxlake.platform.AsOf.resolve(ctx);
    GoldWriter writer = new GoldWriter(ctx);
    Map<String, Long> counts = new LinkedHashMap<>();
    long rowsIn = 0;
    try (CacheScope cache = CacheScope.open()) {
      ChurnInputs in = ChurnInputs.read(ctx).cached(cache);
      String runId = modelRunId;
      if (mode == Mode.TRAIN || mode == Mode.TRAIN_AND_SCORE) {
        // the pipeline scores with a model fitted on exactly these training rows, if it has one;
        // `churn train` always fits
        Training t = train(ctx, in, asOf, writer, counts, mode == Mode.TRAIN_AND_SCORE);
        rowsIn += t.rows();
        runId = t.modelRunId();
      }
      if (mode == Mode.SCORE || mode == Mode.TRAIN_AND_SCORE) {
        rowsIn += score(ctx, in, asOf, ModelRuns.find(ctx, runId), writer, counts);
      }
      if (mode == Mode.EVALUATE) {
        rowsIn += evaluate(ctx, in, asOf, ModelRuns.find(ctx, runId), writer, counts);
      }
    } finally {
      writer.flush();
    }
    counts.put("tables_written", (long) writer.tablesWritten());
    return new StageResult(rowsIn, writer.rowsWritten(), counts, writer.problems());
  }

  static String labelDefinition(ChurnConfig cfg) {
    return cfg.label().equals("inactivity")
        ? "inactivity: no completed order within " + cfg.horizonDays() + " days after the cutoff, among customers with a "
            + "completed order in the " + cfg.activeDays() + " days up to it"
        : "subscription: a renewal decided as churned or a subscription ending within " + cfg.horizonDays()
            + " days after the cutoff, among customers with a running subscription";
  }

  /** The model a training step leaves for scoring (fitted now, or an earlier fit of the same rows) and the rows it read. */
  private record Training(String modelRunId, long rows) {}

  private Training train(JobContext ctx, ChurnInputs in, LocalDate asOf, GoldWriter writer, Map<String, Long> counts,
      boolean reuse) {
    ChurnConfig cfg = ctx.config().get(ChurnConfig.SECTION);
    List<String> features = ChurnFeatures.available(cfg.features(), in);
    String settings = cfg.settings(features);
    Row standing = reuse ? ModelRuns.standing(ctx, asOf, cfg.refitDays(), settings) : null;
    if (standing != null) {
      Progress.info("churn: the model of run {} (trained as of {}, same settings) scores this run: churn trains at most "
          + "every churn.refit_days ({} days); --full-refresh or refit_days 0 trains on every run", standing.getString(0),
          standing.getDate(1), cfg.refitDays());
      counts.put("model_standing", 1L);
      return new Training(standing.getString(0), 0);
    }
    Cutoffs cutoffs = Cutoffs.plan(asOf, cfg.horizonDays(), cfg.trainingCutoffs());
    Progress.info("churn training for as-of {}: validation cutoff {}, training cutoffs {} .. {}", asOf,
        cutoffs.validation(), cutoffs.training().get(0), cutoffs.tuning());
    Dataset<Row> labelled = ChurnLabels.labelled(in, Cutoffs.table(ctx.spark(), cutoffs.all()), cfg);
    Dataset<Row> rows = ChurnFeatures.build(in, labelled, withBaselineInput(features))
        .join(labelled.withColumnRenamed("churned", ChurnModels.LABEL), new String[] {"cutoff_date", "customer_key"})
        // Fixed partitioning and order: tree binning samples rows, so a rerun fits the same model.
        .repartition(ctx.spark().sessionState().conf().numShufflePartitions(), col("customer_key"))
        .sortWithinPartitions("cutoff_date", "customer_key")
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long t0 = System.nanoTime();
      Map<LocalDate, long[]> perCutoff = perCutoff(rows);
      Progress.info("labels and features of {} cutoffs ready in {} s", cutoffs.all().size(),
          String.format("%.1f", (System.nanoTime() - t0) / 1e9));
      long total = perCutoff.values().stream().mapToLong(c -> c[0]).sum();
      checkHistory(cutoffs, perCutoff, cfg);
      Column isTraining = col("cutoff_date").lt(lit(Date.valueOf(cutoffs.validation())));
      Column tuning = col("cutoff_date").equalTo(lit(Date.valueOf(cutoffs.tuning())));
      ChurnTrainer.Data data = new ChurnTrainer.Data(rows.where(isTraining),
          rows.where(isTraining.and(not(tuning))), rows.where(tuning),
          rows.where(col("cutoff_date").equalTo(lit(Date.valueOf(cutoffs.validation())))),
          concat_ws("|", col("cutoff_date").cast("string"), col("customer_key")),
          log1p(col("recency_days")), BASELINE);
      List<String> logged = features.stream().filter(f -> ChurnFeatures.CATALOGUE.get(f).log()).toList();
      long trainingRows = cutoffs.training().stream().mapToLong(c -> perCutoff.get(c)[0]).sum();
      ChurnConfig search = cfg.searchFor(trainingRows);
      if (search != cfg) {
        Progress.info("churn: {} training rows, fewer than churn.small_data_rows ({}): one candidate per model family "
            + "(reg_param {}, max_depth {}) instead of the whole grid", trainingRows, cfg.smallDataRows(),
            search.regParams().get(0), search.gbtDepths().get(0));
      }
      TrainingFingerprint.Fingerprint fp = TrainingFingerprint.of(rows, cutoffs, features, search);
      String fingerprint = fp.whole();
      String sameRows = reuse ? ModelRuns.trainedOn(ctx, fingerprint) : null;
      if (sameRows != null) {
        Progress.info("churn: training rows, cutoffs, features and settings are those run {} trained on (fingerprint {}):"
            + " its model scores this run instead of the same fit again", sameRows, fingerprint.substring(0, 12));
        counts.put("training_rows_unchanged", 1L);
        return new Training(sameRows, total);
      }
      if (reuse) {
        ModelRuns.logWhatMoved(ctx, fp);
      }
      ChurnTrainer.Result r = ChurnTrainer.train(data, features, List.of(), logged, search);
      String path = ModelRuns.modelPath(ctx, ctx.runId());
      try {
        r.model().write().overwrite().save(path);
      } catch (java.io.IOException e) {
        throw new CxlakeException("could not save the churn model to " + path + ": " + e.getMessage());
      }
      long trainRows = 0;
      double trainChurners = 0;
      for (LocalDate c : cutoffs.training()) {
        trainRows += perCutoff.get(c)[0];
        trainChurners += perCutoff.get(c)[1];
      }
      long[] val = perCutoff.get(cutoffs.validation());
      Map<String, Object> row = runRow(ctx, "train", r.design().numeric(), r);
      row.put("as_of_date", Date.valueOf(asOf));
      row.put("source", "gold tables of " + ctx.catalog().names().goldDb());
      row.put("label_definition", labelDefinition(cfg));
      row.put("horizon_days", cfg.horizonDays());
      row.put("training_cutoffs", cutoffs.training().stream().map(Date::valueOf).toList());
      row.put("validation_cutoff", Date.valueOf(cutoffs.validation()));
      row.put("train_rows", trainRows);
      row.put("validation_rows", val[0]);
      row.put("train_churn_rate", trainChurners / trainRows);
      row.put("validation_churn_rate", val[1] / (double) val[0]);
      row.put("model_path", path);
      row.put("training_fingerprint", fingerprint);
      row.put("training_column_sums", fp.columns());
      row.put("settings", settings);
      row.put("model_card", ModelCard.text(row, r));
      ModelRuns.write(ctx, writer, row, r.evaluation().deciles(), r.baseline().deciles());
      System.out.println(row.get("model_card"));
      counts.put("training_rows", trainRows);
      counts.put("validation_rows", val[0]);
      return new Training(ctx.runId(), total);
    } finally {
      rows.unpersist();
    }
  }

  /** The run-row columns both modes fill the same way from a training result. */
  static Map<String, Object> runRow(JobContext ctx, String kind, List<String> numeric, ChurnTrainer.Result r) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("run_id", ctx.runId());
    row.put("kind", kind);
    row.put("model_run_id", ctx.runId());
    row.put("mode", "native");
    row.put("created_at", Timestamp.from(Instant.now()));
    row.put("features", r.design().all());
    row.put("dropped_features", r.droppedFeatures());
    row.put("model", r.chosen().family());
    row.put("params", r.chosen().params());
    List<Row> candidates = new ArrayList<>();
    for (ChurnTrainer.Candidate c : r.candidates()) {
      candidates.add(org.apache.spark.sql.RowFactory.create(c.spec().family(), c.spec().params().toString(),
          ModelRuns.round(c.tuningPrAuc()), c.validationAucRoc() == null ? null : ModelRuns.round(c.validationAucRoc()),
          c.validationPrAuc() == null ? null : ModelRuns.round(c.validationPrAuc())));
    }
    row.put("candidates", candidates);
    row.put("auc_roc", ModelRuns.round(r.evaluation().aucRoc()));
    row.put("pr_auc", ModelRuns.round(r.evaluation().prAuc()));
    row.put("brier", ModelRuns.round(r.evaluation().brier()));
    row.put("baseline_auc_roc", ModelRuns.round(r.baseline().aucRoc()));
    row.put("baseline_pr_auc", ModelRuns.round(r.baseline().prAuc()));
    row.put("baseline_brier", ModelRuns.round(r.baseline().brier()));
    row.put("calibration_slope", r.calibration().slope());
    row.put("calibration_intercept", r.calibration().intercept());
    Map<String, Double> reference = new LinkedHashMap<>();
    r.medians().forEach((k, v) -> {
      if (v != null && numeric.contains(k)) {
        reference.put(k, v);
      }
    });
    row.put("reference_values", reference);
    row.put("psi_edges", toList(r.psiEdges()));
    row.put("psi_expected", toList(r.psiExpected()));
    row.put("baseline", BASELINE);
    return row;
  }

  /** The model's features plus recency_days, the baseline's input. */
  static List<String> withBaselineInput(List<String> features) {
    List<String> build = new ArrayList<>(features);
    if (!build.contains("recency_days")) {
      build.add("recency_days");
    }
    return build;
  }

  static List<Double> toList(double[] xs) {
    List<Double> out = new ArrayList<>();
    for (double x : xs) {
      out.add(ModelRuns.round(x));
    }
    return out;
  }

  /** Rows and churners per cutoff (a handful of rows). */
  private static Map<LocalDate, long[]> perCutoff(Dataset<Row> rows) {
    Map<LocalDate, long[]> out = new LinkedHashMap<>();
    for (Row r : rows.groupBy("cutoff_date").agg(count(lit(1)), sum(ChurnModels.LABEL)).orderBy("cutoff_date")
        .collectAsList()) {
      out.put(r.getDate(0).toLocalDate(), new long[] {r.getLong(1), Math.round(r.getDouble(2))});
    }
    return out;
  }

  /** Every cutoff needs customers and both outcomes; otherwise the history is too short. */
  private static void checkHistory(Cutoffs cutoffs, Map<LocalDate, long[]> perCutoff, ChurnConfig cfg) {
    for (LocalDate c : cutoffs.all()) {
      long[] n = perCutoff.get(c);
      if (n == null || n[0] == 0 || n[1] == 0 || n[1] == n[0]) {
        throw new CxlakeException("churn training needs active customers who churned and who stayed at every cutoff, but "
            + "cutoff " + c + " has " + (n == null ? 0 : n[0]) + " active customers and " + (n == null ? 0 : n[1])
            + " churners: the data is too short for " + cfg.trainingCutoffs() + " training cutoffs plus validation, "
            + "each with a " + cfg.horizonDays() + "-day label window (needs about "
            + (cfg.trainingCutoffs() + 2 * (cfg.horizonDays() / 30 + 1)) + " months); lower churn.training_cutoffs "
            + "or churn.horizon_days");
      }
    }
  }

  private long score(JobContext ctx, ChurnInputs in, LocalDate asOf, Row run, GoldWriter writer,
      Map<String, Long> counts) {
    ChurnConfig cfg = ctx.config().get(ChurnConfig.SECTION);
    ModelRuns.SavedModel saved = ModelRuns.SavedModel.of(run);
    String runId = saved.runId();
    List<String> features = saved.features();
    if (features.contains("sentiment_180d") && in.sentiment() == null) {
      throw new CxlakeException("model " + runId + " uses sentiment_180d but " + ChurnInputs.VOICE_RESPONSE
          + " is missing: run the voice stage, or train a model without it");
    }
    Dataset<Row> active = ChurnLabels.active(in, Cutoffs.table(ctx.spark(), List.of(asOf)), ctx.config().get(ChurnConfig.SECTION));
    CacheScope cache = CacheScope.open();
    Dataset<Row> rows = cache.keep(ChurnFeatures.build(in, active, features));
    Dataset<Row> scored = cache.keep(ChurnReasons.score(rows, features, saved.model(), saved.platt(), saved.reference(), cache));
    try {
      long customers = scored.count();
      if (customers == 0) {
        throw new CxlakeException("no active customer at " + asOf + " to score (" + labelDefinition(cfg) + ")");
      }
      Column band = null;
      for (Tier t : cfg.riskBands()) {
        Column cond = col("churn_probability").geq(t.min());
        band = band == null ? when(cond, t.name()) : band.when(cond, t.name());
      }
      Dataset<Row> out = scored.withColumn("as_of_date", lit(Date.valueOf(asOf)))
          .withColumn("model_run_id", lit(runId)).withColumn("model", lit(saved.family()))
          .withColumn("risk_band", band);
      writer.replace(ChurnContracts.CHURN_SCORE, out, "as_of_date = DATE'" + asOf + "'");
      double psi = ChurnMetrics.psi(saved.psiExpected(),
          ChurnMetrics.binShares(scored, "churn_probability", saved.psiEdges()));
      ModelRuns.recordScoring(ctx, runId, asOf, customers, psi);
      printScores(scored, runId, asOf, customers, psi, cfg);
      counts.put("customers_scored", customers);
      return customers;
    } finally {
      cache.close();
    }
  }

  private static void printScores(Dataset<Row> scored, String runId, LocalDate asOf, long customers, double psi,
      ChurnConfig cfg) {
    StringBuilder sb = new StringBuilder(String.format("Churn scores at %s with model %s: %d active customers, "
        + "PSI vs validation %.3f (%s)", asOf, runId, customers, psi,
        psi < 0.1 ? "stable" : psi < 0.25 ? "some shift" : "shifted: retrain"));
    for (Row r : scored.orderBy(col("churn_probability").desc(), col("customer_key")).limit(5).collectAsList()) {
      sb.append(String.format("%n  %s  p=%.3f  %s", r.getAs("customer_key"), r.<Double>getAs("churn_probability"),
          String.join("; ", nonNull(r.getAs("reason_1"), r.getAs("reason_2"), r.getAs("reason_3")))));
    }
    System.out.println(sb);
  }

  private static List<String> nonNull(String... xs) {
    List<String> out = new ArrayList<>();
    for (String x : xs) {
      if (x != null) {
        out.add(x);
      }
    }
    return out;
  }

  private long evaluate(JobContext ctx, ChurnInputs in, LocalDate asOf, Row run, GoldWriter writer,
      Map<String, Long> counts) {
    ChurnConfig cfg = ctx.config().get(ChurnConfig.SECTION);
    LocalDate cutoff = Cutoffs.plan(asOf, cfg.horizonDays(), 2).validation();
    ModelRuns.SavedModel saved = ModelRuns.SavedModel.of(run);
    String modelRun = saved.runId();
    Dataset<Row> labelled = ChurnLabels.labelled(in, Cutoffs.table(ctx.spark(), List.of(cutoff)), cfg);
    Dataset<Row> scored = ChurnModels.predict(saved.model(), ChurnFeatures.build(in, labelled, withBaselineInput(saved.features()))
            .join(labelled.withColumnRenamed("churned", ChurnModels.LABEL), new String[] {"cutoff_date", "customer_key"}))
        .withColumn(ChurnTrainer.PROBABILITY, saved.platt().apply(ChurnModels.logit(col(ChurnModels.RAW))))
        .withColumn("_b", coalesce(log1p(col("recency_days")), lit(0.0)))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Row n = scored.agg(count(lit(1)), sum(ChurnModels.LABEL)).first();
      long rows = n.getLong(0);
      if (rows == 0) {
        throw new CxlakeException("no active customer at the evaluation cutoff " + cutoff);
      }
      // The deployed model as it is: its own calibration, no refitting.
      ChurnTrainer.Evaluation e = new ChurnTrainer.Evaluation(
          ChurnMetrics.aucRoc(scored, ChurnModels.RAW, ChurnModels.LABEL),
          ChurnMetrics.prAuc(scored, ChurnModels.RAW, ChurnModels.LABEL),
          ChurnMetrics.brier(scored, ChurnTrainer.PROBABILITY, ChurnModels.LABEL),
          ChurnMetrics.deciles(scored, ChurnTrainer.PROBABILITY, ChurnModels.LABEL));
      Dataset<Row> b = scored.withColumn("_fold", pmod(xxhash64(col("customer_key")), lit(2)));
      ChurnTrainer.Evaluation baseline = ChurnTrainer.evaluate(b, "_b", "_b");
      double psi = ChurnMetrics.psi(saved.psiExpected(),
          ChurnMetrics.binShares(scored, ChurnTrainer.PROBABILITY, saved.psiEdges()));
      Map<String, Object> row = new LinkedHashMap<>();
      for (String f : run.schema().fieldNames()) {
        row.put(f, run.getAs(f) instanceof scala.collection.Map<?, ?> m ? scala.jdk.javaapi.CollectionConverters.asJava(m)
            : run.getAs(f) instanceof scala.collection.Seq<?> s ? scala.jdk.javaapi.CollectionConverters.asJava(s)
            : run.getAs(f));
      }
      row.put("run_id", ctx.runId());
      row.put("kind", "evaluate");
      row.put("model_run_id", modelRun);
      row.put("created_at", Timestamp.from(Instant.now()));
      row.put("as_of_date", Date.valueOf(asOf));
      row.put("validation_cutoff", Date.valueOf(cutoff));
      row.put("validation_rows", rows);
      row.put("validation_churn_rate", n.getDouble(1) / rows);
      row.put("auc_roc", ModelRuns.round(e.aucRoc()));
      row.put("pr_auc", ModelRuns.round(e.prAuc()));
      row.put("brier", ModelRuns.round(e.brier()));
      row.put("baseline_auc_roc", ModelRuns.round(baseline.aucRoc()));
      row.put("baseline_pr_auc", ModelRuns.round(baseline.prAuc()));
      row.put("baseline_brier", ModelRuns.round(baseline.brier()));
      row.put("scored_as_of_date", Date.valueOf(cutoff));
      row.put("scored_customers", rows);
      row.put("psi", ModelRuns.round(psi));
      String card = String.format("Evaluation of model %s (%s) at cutoff %s, %d customers, churn rate %.3f:%n"
              + "  AUC-ROC %.4f (baseline %.4f), PR-AUC %.4f (baseline %.4f), Brier %.4f (baseline %.4f), PSI %.3f",
          modelRun, saved.family(), cutoff, rows, n.getDouble(1) / rows, e.aucRoc(), baseline.aucRoc(), e.prAuc(),
          baseline.prAuc(), e.brier(), baseline.brier(), psi);
      row.put("model_card", card);
      ModelRuns.write(ctx, writer, row, e.deciles(), baseline.deciles());
      System.out.println(card);
      counts.put("validation_rows", rows);
      return rows;
    } finally {
      scored.unpersist();
    }
  }
}
