package io.cxlake.survival;

import static org.apache.spark.sql.functions.*;

import io.cxlake.core.TableColumns;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The Spark side of the Cox model. Input: one row per subject (or per interval of a subject, with
 * covariates that change over time) with {@code stratum} (string), {@code time} (double), {@code
 * event} (boolean), {@code weight} (double), optionally {@code entry} (double: at risk after it;
 * null or absent: from the start) and the numeric covariates (no nulls). The risk-set sums of
 * the fit come from {@link CoxSubjects}; each call here is one aggregation to rows per stratum
 * and time (and score bin): their number grows with the follow-up's days, not with subjects.
 */
public final class CoxData {
  private CoxData() {}

  /** The covariates minus their weighted means (the fit is the same; exp(xβ) stays in range). */
  public static Dataset<Row> centered(Dataset<Row> data, List<String> covariates) {
    if (covariates.isEmpty()) {
      return data;
    }
    List<Column> means0 = covariates.stream().map(c -> sum(col(c).multiply(col("weight"))).divide(sum("weight"))).toList();
    Row r = data.agg(means0.get(0), means0.subList(1, means0.size()).toArray(Column[]::new)).first();
    double[] means = new double[covariates.size()];
    for (int j = 0; j < means.length; j++) {
      means[j] = r.getDouble(j);
    }
    return centered(data, covariates, means);
  }

  /** The covariates minus the given means. */
  public static Dataset<Row> centered(Dataset<Row> data, List<String> covariates, double[] means) {
    Dataset<Row> out = data;
    for (int j = 0; j < covariates.size(); j++) {
      out = out.withColumn(covariates.get(j), col(covariates.get(j)).minus(lit(means[j])));
    }
    return out;
  }

  /**
   * The rows plus, for each interval (entry, time], a copy at its entry with negated weight
   * and no event. Sums that run from late times to early ones add a subject at its time and
   * take it off again at its entry, so it is at risk only inside its interval.
   */
  static Dataset<Row> withExits(Dataset<Row> data) {
    if (!TableColumns.has(data, "entry")) {
      return data;
    }
    return data.unionByName(data.where(col("entry").isNotNull())
        .withColumn("time", col("entry")).withColumn("event", lit(false)).withColumn("weight", negate(col("weight"))));
  }

  /**
   * Harrell's concordance: among pairs in one stratum where one subject's event came first (a
   * subject censored at the same time counts as lasting longer, as in R), the weighted share
   * where that subject had the higher risk score; equal scores count half. Scores are grouped
   * exactly when there are at most {@code maxScores} distinct ones, otherwise into that many
   * quantile bins (pairs within a bin count half: a slight pull towards 0.5). With intervals
   * (entry), a subject is compared at each event time by the score of the interval it is in
   * then (time-dependent concordance, as R's concordance() of counting-process data).
   */
  public static double concordance(Dataset<Row> data, List<String> covariates, double[] beta, int maxScores) {
    Column eta = lit(0.0);
    for (int j = 0; j < covariates.size(); j++) {
      eta = eta.plus(col(covariates.get(j)).multiply(lit(beta[j])));
    }
    // rounded so that equal scores computed in another order stay equal
    Dataset<Row> scored = withExits(data).withColumn("score", round(eta, 9));
    double[] probabilities = new double[maxScores - 1];
    for (int i = 0; i < probabilities.length; i++) {
      probabilities[i] = (i + 1.0) / maxScores;
    }
    // the number of distinct scores and, for when there are too many, the bins' cuts: one pass
    Row shape = scored.agg(approx_count_distinct("score"),
        percentile_approx(col("score"), lit(probabilities), lit(4 * maxScores))).first();
    Column key = col("score");
    if (shape.getLong(0) > maxScores) {
      double[] cuts = shape.getList(1).stream().mapToDouble(v -> ((Number) v).doubleValue()).distinct().sorted().toArray();
      double[] splits = new double[cuts.length + 2];
      splits[0] = Double.NEGATIVE_INFINITY;
      System.arraycopy(cuts, 0, splits, 1, cuts.length);
      splits[splits.length - 1] = Double.POSITIVE_INFINITY;
      // a binary search per row (one expression per cut would nest a thousand deep)
      scored = new org.apache.spark.ml.feature.Bucketizer().setInputCol("score").setOutputCol("score_bin")
          .setSplits(splits).transform(scored);
      key = col("score_bin");
    }
    // sorted here, not by Spark (a sort costs a sampling job): cells are at most strata x times x bins
    List<Row> cells = new ArrayList<>(scored.groupBy(col("stratum"), col("time"), key.as("key"))
        .agg(sum("weight").as("w"), sum(when(col("event"), col("weight")).otherwise(0.0)).as("w_events")).collectAsList());
    cells.sort(java.util.Comparator.<Row, String>comparing(r -> r.getString(0))
        .thenComparing(java.util.Comparator.<Row>comparingDouble(r -> r.getDouble(1)).reversed())
        .thenComparingDouble(r -> r.getDouble(2)));
    double concordant = 0;
    double comparable = 0;
    int i = 0;
    while (i < cells.size()) {
      String stratum = cells.get(i).getString(0);
      int first = i;
      while (i < cells.size() && cells.get(i).getString(0).equals(stratum)) {
        i++;
      }
      double[] pair = stratumConcordance(cells.subList(first, i));
      concordant += pair[0];
      comparable += pair[1];
    }
    return comparable == 0 ? Double.NaN : concordant / comparable;
  }

  /**
   * One stratum's cells (time descending): concordant and comparable weights. The weights of
   * later subjects sit in a Fenwick tree by score rank, so each cell costs log(scores).
   */
  private static double[] stratumConcordance(List<Row> cells) {
    double[] keys = cells.stream().mapToDouble(r -> r.getDouble(2)).distinct().sorted().toArray();
    double[] tree = new double[keys.length + 1];
    double laterTotal = 0;
    double concordant = 0;
    double comparable = 0;
    int i = 0;
    while (i < cells.size()) {
      double time = cells.get(i).getDouble(1);
      int end = i;
      while (end < cells.size() && cells.get(end).getDouble(1) == time) {
        end++;
      }
      // subjects censored at this time lasted longer than the events at it: in the tree first
      for (int a = i; a < end; a++) {
        laterTotal += add(tree, keys, cells.get(a).getDouble(2), cells.get(a).getDouble(3) - cells.get(a).getDouble(4));
      }
      for (int a = i; a < end; a++) {
        double events = cells.get(a).getDouble(4);
        if (events > 0) {
          int rank = java.util.Arrays.binarySearch(keys, cells.get(a).getDouble(2));
          double below = prefix(tree, rank);
          comparable += events * laterTotal;
          concordant += events * (below + 0.5 * (prefix(tree, rank + 1) - below));
        }
      }
      for (int a = i; a < end; a++) {
        laterTotal += add(tree, keys, cells.get(a).getDouble(2), cells.get(a).getDouble(4));
      }
      i = end;
    }
    return new double[] {concordant, comparable};
  }

  /** Adds weight at the score's rank; returns the weight. */
  private static double add(double[] tree, double[] keys, double score, double weight) {
    for (int k = java.util.Arrays.binarySearch(keys, score) + 1; k < tree.length; k += k & -k) {
      tree[k] += weight;
    }
    return weight;
  }

  /** Sum of the first {@code n} ranks. */
  private static double prefix(double[] tree, int n) {
    double s = 0;
    for (int k = n; k > 0; k -= k & -k) {
      s += tree[k];
    }
    return s;
  }
}
