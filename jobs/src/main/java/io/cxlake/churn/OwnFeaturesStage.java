package io.cxlake.churn;

import static org.apache.spark.sql.functions.*;

import io.cxlake.contract.GoldWriter;
import io.cxlake.core.CxlakeConfig;
import io.cxlake.core.CxlakeException;
import io.cxlake.core.JobContext;
import io.cxlake.core.Progress;
import io.cxlake.core.Stage;
import io.cxlake.platform.OwnTable;
import io.cxlake.core.StageResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Bring your own features: trains and evaluates the same candidate models on any
 * customer-level table with a label column. Columns are typed from their values (a string
 * column whose every non-blank value is a number is numeric; blanks are missing), strings are
 * one-hot encoded, rows without a valid id or label are rejected and counted, and a stratified
 * holdout (the same share of churners and stayers) judges the models. Results go to
 * churn_model_run (mode byof) and the console.
 */
public final class OwnFeaturesStage implements Stage {

  private final String source;
  private final String format;
  private final String labelColumn;
  private final String idColumn;

  /** @param format csv, parquet or delta; null: a table name, or guessed from the path */
  public OwnFeaturesStage(String source, String format, String labelColumn, String idColumn) {
    this.source = source;
    this.format = format;
    this.labelColumn = labelColumn;
    this.idColumn = idColumn;
  }

  @Override
  public String name() {
    return ChurnStage.NAME + "-train-byof";
  }

  /** A typed, cleaned feature table: id, label, numeric and string features (safe column names). */
  record Prepared(Dataset<Row> rows, List<String> numeric, List<String> categorical, Map<String, String> originalNames,
      long rowsRead, long rejectedId, long rejectedLabel, long duplicateIds, List<String> skipped) {}

  @Override
  public StageResult run(JobContext ctx) {
    ChurnConfig cfg = ctx.config().get(ChurnConfig.SECTION);
    Dataset<Row> raw = OwnTable.read(ctx, source, format, "--features");
    Prepared p = prepare(raw, labelColumn, idColumn);
    Progress.info("{}: {} rows; {} numeric and {} string features; rejected {} without id, {} without a valid label",
        source, p.rowsRead(), p.numeric().size(), p.categorical().size(), p.rejectedId(), p.rejectedLabel());
    if (p.duplicateIds() > 0) {
      Progress.warn("{} ids occur more than once in {}: the table should have one row per customer", p.duplicateIds(), source);
    }
    Dataset<Row> rows = split(p.rows(), cfg)
        .repartition(ctx.spark().sessionState().conf().numShufflePartitions(), col("_id")).sortWithinPartitions("_id")
        .persist(StorageLevel.MEMORY_AND_DISK());
    GoldWriter writer = new GoldWriter(ctx);
    try {
      Row n = rows.groupBy().agg(sum(when(col("_holdout"), 0).otherwise(1)), sum(when(col("_holdout"), 0.0).otherwise(col("label"))),
          sum(when(col("_holdout"), 1).otherwise(0)), sum(when(col("_holdout"), col("label")).otherwise(0.0))).first();
      long trainRows = n.getLong(0);
      long holdoutRows = n.getLong(2);
      double trainChurners = n.getDouble(1);
      double holdoutChurners = n.getDouble(3);
      if (trainChurners == 0 || trainChurners == trainRows || holdoutChurners == 0 || holdoutChurners == holdoutRows) {
        throw new CxlakeException(source + ": both labels (churned and stayed) are needed in the training and the "
            + "holdout rows; found " + Math.round(trainChurners + holdoutChurners) + " churners in "
            + (trainRows + holdoutRows) + " rows with a valid label");
      }
      Dataset<Row> train = rows.where(not(col("_holdout")));
      Column inner = pmod(xxhash64(col("_id"), lit(cfg.seed() + 1)), lit(4)).equalTo(0);
      BaselineChoice baseline = baseline(train, p.numeric());
      ChurnTrainer.Data data = new ChurnTrainer.Data(train, train.where(not(inner)), train.where(inner),
          rows.where(col("_holdout")), col("_id"), baseline.score(), baseline.description(p.originalNames()));
      ChurnTrainer.Result r = ChurnTrainer.train(data, p.numeric(), p.categorical(), List.of(), cfg);
      String path = ModelRuns.modelPath(ctx, ctx.runId());
      try {
        r.model().write().overwrite().save(path);
      } catch (java.io.IOException e) {
        throw new CxlakeException("could not save the churn model to " + path + ": " + e.getMessage());
      }
      Map<String, Object> row = ChurnStage.runRow(ctx, "train", r.design().numeric(), r);
      row.put("mode", "byof");
      row.put("baseline", data.baselineName());
      row.put("source", source + " (label " + labelColumn + ", id " + idColumn + "; rejected: " + p.rejectedId()
          + " without id, " + p.rejectedLabel() + " without a valid label"
          + (p.skipped().isEmpty() ? "" : "; columns skipped: " + p.skipped()) + ")");
      row.put("label_definition", "column " + labelColumn + " (yes/true/1 = churned, no/false/0 = stayed)");
      row.put("train_rows", trainRows);
      row.put("validation_rows", holdoutRows);
      row.put("train_churn_rate", trainChurners / trainRows);
      row.put("validation_churn_rate", holdoutChurners / holdoutRows);
      row.put("model_path", path);
      row.put("model_card", ModelCard.text(row, r));
      ModelRuns.write(ctx, writer, row, r.evaluation().deciles(), r.baseline().deciles());
      System.out.println(row.get("model_card"));
    } finally {
      writer.flush();
      rows.unpersist();
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("rejected_no_id", p.rejectedId());
    counts.put("rejected_no_label", p.rejectedLabel());
    counts.put("tables_written", (long) writer.tablesWritten());
    return new StageResult(p.rowsRead(), writer.rowsWritten(), counts, writer.problems());
  }

  /** Types the columns, parses the label, and rejects rows without id or valid label (counted). */
  static Prepared prepare(Dataset<Row> raw, String labelColumn, String idColumn) {
    OwnTable.require(raw, "the feature table", labelColumn, idColumn);
    Column parsed = OwnTable.yesNo(col(OwnTable.quote(labelColumn)));
    Column id = OwnTable.blankToNull(col(OwnTable.quote(idColumn)).cast("string"));
    OwnTable.Features f = OwnTable.features(raw, List.of(labelColumn, idColumn), List.of(count(lit(1)),
        count(when(id.isNull(), 1)), count(when(id.isNotNull().and(parsed.isNull()), 1)), count(id).minus(count_distinct(id))));
    List<Column> select = new ArrayList<>(List.of(id.as("_id"), parsed.as("label")));
    select.addAll(f.columns());
    Dataset<Row> rows = raw.select(select.toArray(Column[]::new)).where(col("_id").isNotNull().and(col("label").isNotNull()));
    List<Object> n = f.extra();
    return new Prepared(rows, f.numeric(), f.categorical(), f.originalNames(), (Long) n.get(0), (Long) n.get(1),
        (Long) n.get(2), (Long) n.get(3), f.skipped());
  }

  /**
   * Stratified holdout: within each class, the rows whose id hashes below that class's quantile
   * at holdout_fraction, so churners and stayers are held out in the same share.
   */
  static Dataset<Row> split(Dataset<Row> rows, ChurnConfig cfg) {
    Dataset<Row> u = rows.withColumn("_u", pmod(xxhash64(col("_id"), lit(cfg.seed())), lit(1_000_000_007L)));
    Dataset<Row> cut = u.groupBy("label").agg(percentile_approx(col("_u"), lit(cfg.holdoutFraction()), lit(100_000)).as("_cut"));
    return u.join(broadcast(cut), new String[] {"label"}).withColumn("_holdout", col("_u").leq(col("_cut")))
        .drop("_u", "_cut");
  }

  /** The naive baseline: the one numeric feature that alone ranks training rows best. */
  record BaselineChoice(String feature, double sign, double median) {
    Column score() {
      return feature == null ? lit(0.0) : coalesce(col(feature), lit(median)).multiply(sign);
    }

    String description(Map<String, String> originalNames) {
      return feature == null ? "none (no numeric feature)" : "the best single numeric feature on the training rows: "
          + (sign < 0 ? "low " : "high ") + originalNames.get(feature);
    }
  }

  static BaselineChoice baseline(Dataset<Row> train, List<String> numeric) {
    BaselineChoice best = new BaselineChoice(null, 1, 0);
    double bestDistance = -1;
    Map<String, Double> medians = ChurnModels.medians(train, numeric);
    for (String f : numeric) {
      if (medians.get(f) == null) {
        continue;
      }
      double auc = ChurnMetrics.aucRoc(train.withColumn("_s", coalesce(col(f), lit(medians.get(f)))), "_s", "label");
      if (Math.abs(auc - 0.5) > bestDistance) {
        bestDistance = Math.abs(auc - 0.5);
        best = new BaselineChoice(f, auc >= 0.5 ? 1 : -1, medians.get(f));
      }
    }
    return best;
  }
}
