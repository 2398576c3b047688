package io.cxlake.churn;

import static org.apache.spark.sql.functions.*;

import io.cxlake.core.CxlakeConfig;
import io.cxlake.core.Progress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Trains and chooses a churn model; both modes use it. Hyper-parameters are tuned on a split of
 * the training rows (native: the latest training cutoff; bring-your-own: a hash split), each
 * family's best is refitted on all training rows, and the family with the best PR-AUC on the
 * validation rows wins. Probabilities are calibrated with Platt scaling on the validation rows;
 * the reported Brier score and calibration table use two-fold cross-fitting there, so no row
 * is judged by a calibration fitted on itself.
 */
public final class ChurnTrainer {
  private ChurnTrainer() {}

  public static final String PROBABILITY = "probability";

  /**
   * What to train on.
   *
   * @param train       all training rows: features, "label" (0/1)
   * @param tuneTrain   training rows the candidates are fitted on while tuning
   * @param tuneValid   training rows the tuning judges them on
   * @param validation  held-out rows (out of time, or a stratified holdout)
   * @param rowKey      a column identifying a row (for the calibration folds)
   * @param baseline    a naive score on the raw columns: higher = more likely to churn
   * @param baselineName what the baseline is, e.g. "recency alone"
   */
  public record Data(Dataset<Row> train, Dataset<Row> tuneTrain, Dataset<Row> tuneValid, Dataset<Row> validation,
      Column rowKey, Column baseline, String baselineName) {}

  /** Ranking and probability quality of one score on the validation rows. */
  public record Evaluation(double aucRoc, double prAuc, double brier, List<ChurnMetrics.Decile> deciles) {}

  /** A candidate's figures: PR-AUC when tuning, and validation figures for each family's best. */
  public record Candidate(ChurnModels.Spec spec, double tuningPrAuc, Double validationAucRoc, Double validationPrAuc) {}

  public record Result(ChurnModels.Spec chosen, PipelineModel model, ChurnModels.Design design,
      List<String> droppedFeatures, ChurnModels.Platt calibration, Evaluation evaluation, Evaluation baseline,
      List<Candidate> candidates, Map<String, Double> medians, double[] psiEdges, double[] psiExpected,
      long validationRows) {}

  public static Result train(Data data, List<String> numeric, List<String> categorical, List<String> logged,
      ChurnConfig cfg) {
    List<String> dropped = new ArrayList<>();
    ChurnModels.Design design = ChurnModels.design(data.train(), numeric, categorical, logged, dropped);
    if (!dropped.isEmpty()) {
      Progress.warn("features without any value in the training rows are left out: {}", dropped);
    }
    if (design.all().isEmpty()) {
      throw new io.cxlake.core.CxlakeException("no feature has any value in the training rows");
    }
    Dataset<Row> tuneTrain = ChurnModels.withWeights(sample(data.tuneTrain(), cfg.tuningSample(), cfg.seed()),
        cfg.classWeights()).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> train = ChurnModels.withWeights(data.train(), cfg.classWeights()).persist(StorageLevel.MEMORY_AND_DISK());
    List<Candidate> candidates = new ArrayList<>();
    Map<String, ChurnModels.Spec> bestPerFamily = new LinkedHashMap<>();
    Map<String, Double> bestTuning = new LinkedHashMap<>();
    try {
      // Candidates are fitted in parallel threads: on small data each fit is mostly Spark job
      // overhead, which overlaps well; results do not depend on the order.
      List<ChurnModels.Spec> grid = ChurnModels.grid(cfg);
      List<Double> tuningPr = parallel(grid, spec -> {
        long t0 = System.nanoTime();
        PipelineModel m = ChurnModels.fit(spec, design, tuneTrain, cfg.seed());
        double pr = ChurnMetrics.prAuc(ChurnModels.predict(m, data.tuneValid()), ChurnModels.RAW, ChurnModels.LABEL);
        Progress.info("tuning {}: PR-AUC {} ({} s)", spec, String.format("%.4f", pr), secs(t0));
        return pr;
      });
      for (int i = 0; i < grid.size(); i++) {
        ChurnModels.Spec spec = grid.get(i);
        double pr = tuningPr.get(i);
        candidates.add(new Candidate(spec, pr, null, null));
        if (!bestTuning.containsKey(spec.family()) || pr > bestTuning.get(spec.family())) {
          bestTuning.put(spec.family(), pr);
          bestPerFamily.put(spec.family(), spec);
        }
      }
      tuneTrain.unpersist();
      List<ChurnModels.Spec> finalists = new ArrayList<>(bestPerFamily.values());
      List<Fitted> fitted = parallel(finalists, spec -> {
        long t0 = System.nanoTime();
        PipelineModel m = ChurnModels.fit(spec, design, train, cfg.seed());
        Dataset<Row> v = ChurnModels.predict(m, data.validation()).persist(StorageLevel.MEMORY_AND_DISK());
        double pr = ChurnMetrics.prAuc(v, ChurnModels.RAW, ChurnModels.LABEL);
        double auc = ChurnMetrics.aucRoc(v, ChurnModels.RAW, ChurnModels.LABEL);
        v.unpersist();
        Progress.info("validation {}: AUC-ROC {}, PR-AUC {} ({} s)", spec, String.format("%.4f", auc),
            String.format("%.4f", pr), secs(t0));
        return new Fitted(spec, m, auc, pr);
      });
      Fitted best = null;
      for (Fitted f : fitted) {
        for (int i = 0; i < candidates.size(); i++) {
          if (candidates.get(i).spec().equals(f.spec())) {
            candidates.set(i, new Candidate(f.spec(), candidates.get(i).tuningPrAuc(), f.auc(), f.pr()));
          }
        }
        if (best == null || f.pr() > best.pr()) {
          best = f;
        }
      }
      ChurnModels.Spec chosen = best.spec();
      PipelineModel chosenModel = best.model();
      Map<String, Double> medians = ChurnModels.medians(data.train(), design.numeric());
      long t1 = System.nanoTime();

      Dataset<Row> scored = ChurnModels.predict(chosenModel, data.validation())
          .withColumn("_s", ChurnModels.logit(col(ChurnModels.RAW)))
          .withColumn("_b", data.baseline())
          .withColumn("_fold", pmod(xxhash64(data.rowKey()), lit(2)))
          .persist(StorageLevel.MEMORY_AND_DISK());
      try {
        ChurnModels.Platt platt = ChurnModels.Platt.fit(scored, "_s", ChurnModels.LABEL);
        Evaluation model = evaluate(scored, "_s", ChurnModels.RAW);
        Evaluation baseline = evaluate(scored.withColumn("_b", coalesce(col("_b"), lit(0.0))), "_b", "_b");
        Dataset<Row> calibrated = scored.withColumn(PROBABILITY, platt.apply(col("_s")));
        double[] edges = ChurnMetrics.decileEdges(calibrated, PROBABILITY);
        double[] expected = ChurnMetrics.binShares(calibrated, PROBABILITY, edges);
        Progress.info("calibration and validation metrics in {} s", secs(t1));
        return new Result(chosen, chosenModel, design, dropped, platt, model, baseline, candidates, medians, edges,
            expected, scored.count());
      } finally {
        scored.unpersist();
      }
    } finally {
      train.unpersist();
      tuneTrain.unpersist();
    }
  }

  /**
   * Ranking figures of {@code rank}; Brier and deciles of its calibrated probability with
   * two-fold cross-fitting (Platt fitted on one fold, applied to the other).
   */
  static Evaluation evaluate(Dataset<Row> scored, String score, String rank) {
    Dataset<Row> f0 = scored.where(col("_fold").equalTo(0));
    Dataset<Row> f1 = scored.where(col("_fold").equalTo(1));
    ChurnModels.Platt p0 = ChurnModels.Platt.fit(f0, score, ChurnModels.LABEL);
    ChurnModels.Platt p1 = ChurnModels.Platt.fit(f1, score, ChurnModels.LABEL);
    Dataset<Row> cross = scored.withColumn("_p", when(col("_fold").equalTo(0), p1.apply(col(score)))
        .otherwise(p0.apply(col(score))));
    return new Evaluation(ChurnMetrics.aucRoc(scored, rank, ChurnModels.LABEL),
        ChurnMetrics.prAuc(scored, rank, ChurnModels.LABEL),
        ChurnMetrics.brier(cross, "_p", ChurnModels.LABEL),
        ChurnMetrics.deciles(cross, "_p", ChurnModels.LABEL));
  }

  /** About {@code max} rows: a seeded Bernoulli sample (the input's partitioning and order are fixed). */
  static Dataset<Row> sample(Dataset<Row> rows, int max, int seed) {
    long n = rows.count();
    return n <= max ? rows : rows.sample(false, (double) max / n, seed);
  }

  private record Fitted(ChurnModels.Spec spec, PipelineModel model, double auc, double pr) {}

  /** Applies {@code work} to every item on up to four threads; results in the items' order. */
  static <T, R> List<R> parallel(List<T> items, java.util.function.Function<T, R> work) {
    return io.cxlake.platform.Parallel.map(items, work);
  }

  private static String secs(long since) {
    return String.format("%.1f", (System.nanoTime() - since) / 1e9);
  }
}
