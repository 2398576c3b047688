package io.cxlake.churn;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Evaluation of churn scores against labels (0/1): ranking (AUC-ROC, PR-AUC), probability
 * quality (Brier score, calibration by decile), lift and capture by decile, and the population
 * stability index of a later score distribution. Each is one aggregation; only the ten decile
 * rows and the decile edges reach the driver.
 */
public final class ChurnMetrics {
  private ChurnMetrics() {}

  public static final int DECILES = 10;

  /** Area under the ROC curve (exact, ties as one threshold). */
  public static double aucRoc(Dataset<Row> scored, String score, String label) {
    return evaluator(score, label, "areaUnderROC").evaluate(scored);
  }

  /** Area under the precision-recall curve (trapezoidal over all distinct thresholds, as MLlib computes it). */
  public static double prAuc(Dataset<Row> scored, String score, String label) {
    return evaluator(score, label, "areaUnderPR").evaluate(scored);
  }

  private static BinaryClassificationEvaluator evaluator(String score, String label, String metric) {
    return new BinaryClassificationEvaluator().setRawPredictionCol(score).setLabelCol(label).setMetricName(metric)
        .setNumBins(0);
  }

  /** Mean squared difference between the predicted probability and the 0/1 outcome. */
  public static double brier(Dataset<Row> scored, String probability, String label) {
    return scored.agg(avg(pow(col(probability).minus(col(label)), 2))).first().getDouble(0);
  }

  /**
   * The nine inner decile edges of a score (the 10th, 20th, ... 90th percentiles, each an actual
   * value: the smallest value with at least that share of scores at or below it).
   */
  public static double[] decileEdges(Dataset<Row> scored, String score) {
    Column[] qs = new Column[DECILES - 1];
    for (int i = 1; i < DECILES; i++) {
      qs[i - 1] = lit(i / (double) DECILES);
    }
    List<Double> edges = scored.agg(percentile_approx(col(score), array(qs), lit(1_000_000))).first().getList(0);
    return edges.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** Decile of a score given the edges: 1 = the highest scores (most at risk) ... 10 = the lowest. */
  public static Column decile(Column score, double[] edges) {
    Column above = lit(0);
    for (double e : edges) {
      above = above.plus(when(score.gt(e), 1).otherwise(0));
    }
    return lit(DECILES).minus(above);
  }

  /** One decile: customers, churners, mean predicted probability, observed rate, lift and capture. */
  public record Decile(int decile, long customers, long churners, double meanPredicted, double observedRate,
      double lift, double capturePct, double cumulativeCapturePct, double cumulativeLift) {}

  /**
   * Lift, capture and calibration by decile of {@code probability} (decile 1 = highest). Lift =
   * the decile's churn rate / the overall rate; capture = its share of all churners; cumulative
   * figures run from decile 1 down. Empty deciles (many tied scores) are left out.
   */
  public static List<Decile> deciles(Dataset<Row> scored, String probability, String label) {
    double[] edges = decileEdges(scored, probability);
    List<Row> rows = scored.groupBy(decile(col(probability), edges).as("decile"))
        .agg(count(lit(1)).as("n"), sum(col(label)).as("churners"), avg(col(probability)).as("mean_p"))
        .orderBy("decile").collectAsList();
    long n = 0;
    double churners = 0;
    for (Row r : rows) {
      n += r.getLong(1);
      churners += r.getDouble(2);
    }
    double rate = n == 0 ? 0 : churners / n;
    List<Decile> out = new ArrayList<>();
    long cumN = 0;
    double cumChurners = 0;
    for (Row r : rows) {
      long dn = r.getLong(1);
      double dc = r.getDouble(2);
      cumN += dn;
      cumChurners += dc;
      double observed = dc / dn;
      out.add(new Decile(r.getInt(0), dn, Math.round(dc), r.getDouble(3), observed,
          rate == 0 ? 0 : observed / rate, churners == 0 ? 0 : 100 * dc / churners,
          churners == 0 ? 0 : 100 * cumChurners / churners, rate == 0 ? 0 : (cumChurners / cumN) / rate));
    }
    return out;
  }

  /** Share of scores in each of the ten bins the edges make (bin 1 = the highest scores). */
  public static double[] binShares(Dataset<Row> scored, String score, double[] edges) {
    List<Row> rows = scored.groupBy(decile(col(score), edges).as("bin")).count().collectAsList();
    double[] counts = new double[DECILES];
    double n = 0;
    for (Row r : rows) {
      counts[r.getInt(0) - 1] = r.getLong(1);
      n += r.getLong(1);
    }
    for (int i = 0; i < DECILES; i++) {
      counts[i] = n == 0 ? 0 : counts[i] / n;
    }
    return counts;
  }

  /** Smallest share a bin counts with in the PSI, so an empty bin gives a large but finite term. */
  static final double PSI_FLOOR = 1e-4;

  /**
   * Population stability index: sum over bins of (actual − expected) · ln(actual / expected).
   * Below 0.1: stable; 0.1–0.25: some shift; above 0.25: the population has shifted.
   */
  public static double psi(double[] expected, double[] actual) {
    double psi = 0;
    for (int i = 0; i < expected.length; i++) {
      double e = Math.max(expected[i], PSI_FLOOR);
      double a = Math.max(actual[i], PSI_FLOOR);
      psi += (a - e) * Math.log(a / e);
    }
    return psi;
  }
}
