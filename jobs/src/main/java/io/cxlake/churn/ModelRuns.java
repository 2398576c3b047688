package io.cxlake.churn;

import static org.apache.spark.sql.functions.*;

import io.cxlake.contract.GoldWriter;
import io.cxlake.contract.TableContract;
import io.cxlake.core.CxlakeException;
import io.cxlake.core.JobContext;
import io.cxlake.core.Progress;
import io.cxlake.core.TableColumns;
import io.delta.tables.DeltaTable;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * churn_model_run as the registry of models: a training run writes its row (the model card)
 * and decile rows, and saves the MLlib pipeline under the warehouse (or catalog.location) by run id; scoring and
 * evaluation find a model by run id, or take the latest native training run.
 */
final class ModelRuns {
  private ModelRuns() {}

  /** Where a run's model lives: {warehouse or catalog.location}/_models/churn/{run id} (any Hadoop file system). */
  static String modelPath(JobContext ctx, String runId) {
    return ctx.catalog().filesRoot(ctx.spark()) + "/_models/churn/" + runId;
  }

  /** A native training run: the named one, else the latest. */
  static Row find(JobContext ctx, String runId) {
    String table = ctx.catalog().gold(ChurnContracts.CHURN_MODEL_RUN.name());
    if (!ctx.spark().catalog().tableExists(table)) {
      throw new CxlakeException("no churn model yet (" + table + " is missing): run `cxlake churn train` first");
    }
    Dataset<Row> runs = ctx.spark().table(table).where(col("kind").equalTo("train"));
    if (runId != null) {
      List<Row> rows = runs.where(col("run_id").equalTo(runId)).collectAsList();
      if (rows.isEmpty()) {
        throw new CxlakeException("no churn training run " + runId + " in " + table);
      }
      if (!rows.get(0).<String>getAs("mode").equals("native")) {
        throw new CxlakeException("run " + runId + " trained on your own feature table (byof); it cannot score the "
            + "customers of the gold tables");
      }
      return rows.get(0);
    }
    List<Row> latest = runs.where(col("mode").equalTo("native")).orderBy(col("created_at").desc(), col("run_id").desc())
        .limit(1).collectAsList();
    if (latest.isEmpty()) {
      throw new CxlakeException("no native churn model in " + table + ": run `cxlake churn train` first");
    }
    return latest.get(0);
  }

  /**
   * The latest native training run whose training had {@code fingerprint} ({@link TrainingFingerprint})
   * and whose saved model is still there, or null.
   */
  static String trainedOn(JobContext ctx, String fingerprint) {
    String table = ctx.catalog().gold(ChurnContracts.CHURN_MODEL_RUN.name());
    if (!ctx.spark().catalog().tableExists(table)
        || !TableColumns.has(ctx.spark().table(table), "training_fingerprint")) {
      return null; // no run yet, or only runs from before fingerprints were recorded
    }
    List<Row> same = ctx.spark().table(table)
        .where(col("kind").equalTo("train").and(col("mode").equalTo("native"))
            .and(col("training_fingerprint").equalTo(fingerprint)))
        .orderBy(col("created_at").desc(), col("run_id").desc()).select("run_id", "model_path").limit(1).collectAsList();
    return same.isEmpty() || !io.cxlake.core.HadoopFiles.isDirectory(same.get(0).getString(1)) ? null
        : same.get(0).getString(0);
  }

  /**
   * The latest native training of less than {@code refitDays} before {@code asOf} with
   * {@code settings} ({@link io.cxlake.platform.AsOf#standingCandidates}) whose saved model is
   * still there, or null: the pipeline scores with it instead of training.
   */
  static Row standing(JobContext ctx, LocalDate asOf, int refitDays, String settings) {
    Dataset<Row> candidates = io.cxlake.platform.AsOf.standingCandidates(ctx,
        ctx.catalog().gold(ChurnContracts.CHURN_MODEL_RUN.name()), asOf, refitDays, settings);
    if (candidates == null) {
      return null;
    }
    List<Row> latest = candidates.where(col("kind").equalTo("train").and(col("mode").equalTo("native")))
        .orderBy(col("as_of_date").desc(), col("created_at").desc(), col("run_id").desc())
        .select("run_id", "as_of_date", "model_path").limit(1).collectAsList();
    return latest.isEmpty() || !io.cxlake.core.HadoopFiles.isDirectory(latest.get(0).getString(2)) ? null : latest.get(0);
  }

  /**
   * Says why the latest native training's model cannot score this run: which columns of the
   * training rows differ from its, or that the cutoffs, features, settings or version did.
   */
  static void logWhatMoved(JobContext ctx, TrainingFingerprint.Fingerprint fp) {
    String table = ctx.catalog().gold(ChurnContracts.CHURN_MODEL_RUN.name());
    if (!ctx.spark().catalog().tableExists(table)
        || !TableColumns.has(ctx.spark().table(table), "training_column_sums")) {
      return;
    }
    List<Row> latest = ctx.spark().table(table)
        .where(col("kind").equalTo("train").and(col("mode").equalTo("native")).and(col("training_column_sums").isNotNull()))
        .orderBy(col("created_at").desc(), col("run_id").desc()).select("run_id", "training_column_sums").limit(1)
        .collectAsList();
    if (latest.isEmpty()) {
      return;
    }
    List<String> moved = fp.movedSince(scala.jdk.javaapi.CollectionConverters.asJava(
        latest.get(0).<scala.collection.Map<String, String>>getAs("training_column_sums")));
    Progress.info("churn: the training differs from run {}'s: {}; training", latest.get(0).getString(0),
        moved.isEmpty() ? "same rows, other cutoffs, features, settings or cxlake version" : "rows differ in " + moved);
  }

  /** A training run's saved model with what scoring needs from its row. */
  record SavedModel(String runId, String family, List<String> features, org.apache.spark.ml.PipelineModel model,
      ChurnModels.Platt platt, Map<String, Double> reference, double[] psiEdges, double[] psiExpected) {

    static SavedModel of(Row run) {
      return new SavedModel(run.getAs("run_id"), run.getAs("model"), run.getList(run.fieldIndex("features")),
          org.apache.spark.ml.PipelineModel.load(run.getAs("model_path")),
          new ChurnModels.Platt(run.getAs("calibration_slope"), run.getAs("calibration_intercept")),
          scala.jdk.javaapi.CollectionConverters.asJava(run.<scala.collection.Map<String, Double>>getAs("reference_values")),
          doubles(run, "psi_edges"), doubles(run, "psi_expected"));
    }

    private static double[] doubles(Row run, String field) {
      return run.getList(run.fieldIndex(field)).stream().mapToDouble(x -> (Double) x).toArray();
    }
  }

  /** Writes one run row (values by column name; absent = null) and its decile rows. */
  static void write(JobContext ctx, GoldWriter writer, Map<String, Object> values, List<ChurnMetrics.Decile> model,
      List<ChurnMetrics.Decile> baseline) {
    TableContract run = ChurnContracts.CHURN_MODEL_RUN;
    Object[] cells = new Object[run.columns().size()];
    for (int i = 0; i < cells.length; i++) {
      cells[i] = values.get(run.columns().get(i).name());
    }
    for (String k : values.keySet()) {
      if (run.column(k).isEmpty()) {
        throw new IllegalStateException("churn_model_run has no column " + k);
      }
    }
    String runId = (String) values.get("run_id");
    String where = "run_id = '" + runId + "'";
    writer.replace(run, ctx.spark().createDataFrame(List.of(RowFactory.create(cells)), run.schema()), where);
    List<Row> rows = new ArrayList<>();
    addDeciles(rows, runId, "model", model);
    addDeciles(rows, runId, "baseline", baseline);
    writer.replace(ChurnContracts.CHURN_MODEL_DECILE,
        ctx.spark().createDataFrame(rows, ChurnContracts.CHURN_MODEL_DECILE.schema()), where);
  }

  private static void addDeciles(List<Row> rows, String runId, String scorer, List<ChurnMetrics.Decile> deciles) {
    for (ChurnMetrics.Decile d : deciles) {
      rows.add(RowFactory.create(runId, scorer, d.decile(), d.customers(), d.churners(), round(d.observedRate()),
          round(d.meanPredicted()), round(d.lift()), round(d.capturePct()), round(d.cumulativeCapturePct()),
          round(d.cumulativeLift())));
    }
  }

  /** Records the latest scoring with a model: as-of date, customers and the PSI. */
  static void recordScoring(JobContext ctx, String runId, LocalDate asOf, long customers, double psi) {
    DeltaTable.forName(ctx.spark(), ctx.catalog().gold(ChurnContracts.CHURN_MODEL_RUN.name()))
        .update(col("run_id").equalTo(runId), Map.of(
            "scored_as_of_date", lit(Date.valueOf(asOf)),
            "scored_customers", lit(customers),
            "psi", lit(round(psi))));
  }

  static double round(double x) {
    return Math.round(x * 1e6) / 1e6;
  }
}
