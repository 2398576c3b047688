package io.cxlake.drivers;

import static org.apache.spark.sql.functions.*;

import io.cxlake.core.CxlakeConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark side of the key-driver analysis: every statistic is a sum over responses, aggregated
 * per (outcome, slice[, bootstrap replicate]) in one pass; only these small sums reach the driver.
 * Bootstrap replicates re-weight rows with Poisson(1) weights inside Spark (no rows are resampled
 * on the driver).
 */
final class DriverAggregates {
  private DriverAggregates() {}

  /** One model: an outcome on one slice (slice_type "all" has slice_value "all"). */
  record Group(String outcome, String sliceType, String sliceValue) {}

  static final String[] KEYS = {"outcome", "slice_type", "slice_value"};

  /**
   * One row per (response, outcome known for it, slice it falls in) with complete ratings:
   * outcome, slice_type, slice_value, response_id, w, y, x_1..x_p, noise. A response without a
   * value for a slice dimension counts in that dimension's "unknown" slice.
   */
  static Dataset<Row> stack(Dataset<Row> rows, List<DriversConfig.Outcome> outcomes, List<String> slices, int p) {
    List<Column> outcomeCells = new ArrayList<>();
    for (DriversConfig.Outcome o : outcomes) {
      outcomeCells.add(struct(lit(o.name()).as("name"), col(DriverData.y(o.name())).as("value")));
    }
    List<Column> sliceCells = new ArrayList<>();
    sliceCells.add(struct(lit("all").as("type"), lit("all").as("value")));
    for (String s : slices) {
      sliceCells.add(struct(lit(s).as("type"), coalesce(col(s).cast("string"), lit("unknown")).as("value")));
    }
    Column complete = lit(true);
    List<Column> xs = new ArrayList<>();
    for (int j = 0; j < p; j++) {
      complete = complete.and(col(DriverData.x(j)).isNotNull());
      xs.add(col(DriverData.x(j)));
    }
    List<Column> out = new ArrayList<>(List.of(col("o.name").as("outcome"), col("s.type").as("slice_type"),
        col("s.value").as("slice_value"), col("response_id"), col("weight").as("w"), col("o.value").as("y")));
    out.addAll(xs);
    out.add(col(DriverData.NOISE));
    return rows.where(complete)
        .withColumn("o", explode(array(outcomeCells.toArray(Column[]::new))))
        .where(col("o.value").isNotNull())
        .withColumn("s", explode(array(sliceCells.toArray(Column[]::new))))
        .select(out.toArray(Column[]::new));
  }

  /** The drivers and the noise probe, in model order. */
  static List<Column> regressors(int p) {
    List<Column> v = new ArrayList<>();
    for (int j = 0; j < p; j++) {
      v.add(col(DriverData.x(j)));
    }
    v.add(col(DriverData.NOISE));
    return v;
  }

  /** The products v_i·v_j over the upper triangle of (1, v...), row-major: 1, v_1, ..., v_1², v_1·v_2, ... */
  static List<Column> triangleTerms(List<Column> v) {
    List<Column> all = new ArrayList<>();
    all.add(lit(1.0));
    all.addAll(v);
    List<Column> terms = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      for (int j = i; j < all.size(); j++) {
        terms.add(i == 0 ? all.get(j) : all.get(i).multiply(all.get(j)));
      }
    }
    return terms;
  }

  /** array(Σw, Σw·v_1, ..., Σw·v_i·v_j ...) over the upper triangle of (1, v...). */
  static Column triangle(Column w, List<Column> v) {
    return array(triangleTerms(v).stream().map(t -> sum(w.multiply(t))).toArray(Column[]::new));
  }

  /** array(Σ c·v_i) for each v. */
  static Column vectorSum(Column c, List<Column> v) {
    return array(v.stream().map(x -> sum(c.multiply(x))).toArray(Column[]::new));
  }

  /** Every group's index in the bootstrap sums, in a stable order. */
  static Map<Group, Integer> index(java.util.Collection<Group> groups) {
    List<Group> sorted = new ArrayList<>(groups);
    sorted.sort(java.util.Comparator.comparing(Group::outcome).thenComparing(Group::sliceType)
        .thenComparing(Group::sliceValue));
    Map<Group, Integer> index = new java.util.LinkedHashMap<>();
    sorted.forEach(g -> index.put(g, index.size()));
    return index;
  }

  /** The stacked rows of the indexed groups with gid, the seeded row hash and the per-row terms t. */
  private static Dataset<Row> withTerms(SparkSession spark, Dataset<Row> stacked, Map<Group, Integer> index, long seed,
      List<Column> terms) {
    List<Row> ids = new ArrayList<>();
    index.forEach((g, i) -> ids.add(RowFactory.create(g.outcome(), g.sliceType(), g.sliceValue(), i)));
    Dataset<Row> gids = spark.createDataFrame(ids, keySchema().add("gid", DataTypes.IntegerType));
    return stacked.join(broadcast(gids), KEYS)
        .withColumn("row_hash", xxhash64(col("response_id"), lit(seed)))
        .withColumn("t", array(terms.toArray(Column[]::new)));
  }

  /**
   * Moments of (1, y, x_1..x_p, noise) per group and replicate (index 0 = full sample) in one pass
   * of {@link BootstrapSums}.
   */
  static Map<Group, Moments[]> linearMoments(SparkSession spark, Dataset<Row> stacked, Map<Group, Integer> index, int p,
      int bootstrap, long seed) {
    List<Column> v = new ArrayList<>();
    v.add(col("y"));
    v.addAll(regressors(p));
    List<Column> terms = triangleTerms(v);
    BootstrapSums.Sums sums = BootstrapSums.compute(withTerms(spark, stacked, index, seed, terms), index.size(),
        terms.size(), bootstrap);
    Map<Group, Moments[]> out = new HashMap<>();
    index.forEach((g, i) -> {
      Moments[] reps = new Moments[bootstrap + 1];
      for (int b = 0; b <= bootstrap; b++) {
        reps[b] = sums.n(i, b) == 0 ? null
            : Moments.fromTriangle(sums.terms(i, b), v.size() + 1, sums.sumW2(i, b), sums.n(i, b));
      }
      if (reps[0] != null) {
        out.put(g, reps);
      }
    });
    return out;
  }

  /** Full-sample sums for performance and the penalty/reward contrasts of one group. */
  record Descriptive(Moments contrasts, double[] meanRating, double[] top2Share, double[] poorShare,
      double[] excellentShare) {}

  /**
   * Moments of (1, y, poor_1..poor_p, excellent_1..excellent_p) and the weighted shares per driver:
   * mean rating, % 4-5, % poor, % excellent.
   */
  static Map<Group, Descriptive> descriptive(Dataset<Row> stacked, int p, int poorMax, int excellentMin) {
    List<Column> v = new ArrayList<>();
    v.add(col("y"));
    List<Column> ratings = new ArrayList<>();
    List<Column> top2 = new ArrayList<>();
    List<Column> poor = new ArrayList<>();
    List<Column> excellent = new ArrayList<>();
    for (int j = 0; j < p; j++) {
      Column x = col(DriverData.x(j));
      poor.add(when(x.leq(poorMax), 1.0).otherwise(0.0));
      excellent.add(when(x.geq(excellentMin), 1.0).otherwise(0.0));
      top2.add(when(x.geq(4), 1.0).otherwise(0.0));
      ratings.add(x);
    }
    v.addAll(poor);
    v.addAll(excellent);
    Column w = col("w");
    List<Row> rows = stacked.groupBy(col("outcome"), col("slice_type"), col("slice_value"))
        .agg(triangle(w, v).as("g"), sum(w.multiply(w)).as("w2"), count(lit(1)).as("n"),
            vectorSum(w, ratings).as("rating"), vectorSum(w, top2).as("top2"), vectorSum(w, poor).as("poor"),
            vectorSum(w, excellent).as("excellent"))
        .collectAsList();
    Map<Group, Descriptive> out = new HashMap<>();
    for (Row r : rows) {
      Moments m = Moments.fromTriangle(doubles(r.getList(r.fieldIndex("g"))), v.size() + 1, r.getAs("w2"), r.getAs("n"));
      double sw = m.sumW();
      out.put(group(r), new Descriptive(m, scale(r, "rating", sw), scale(r, "top2", sw), scale(r, "poor", sw),
          scale(r, "excellent", sw)));
    }
    return out;
  }

  /** A logistic fit of one group: coefficients on (1, x_1..x_p, noise) and the information matrix. */
  record Logit(double[] beta, RealMatrix information, boolean converged, int iterations) {}

  /**
   * Logistic regressions of every group by iteratively reweighted least squares: each iteration is
   * one Spark aggregation of the weighted information matrix and score of all groups still moving.
   * {@code outcomeMean}: the groups to fit and the weighted mean of their outcome.
   */
  static Map<Group, Logit> logistic(SparkSession spark, Dataset<Row> stacked, Map<Group, Double> outcomeMean, int p,
      int maxIter, double tolerance) {
    int k = p + 2;
    Map<Group, double[]> beta = new HashMap<>();
    for (Map.Entry<Group, Double> g : outcomeMean.entrySet()) {
      // start at the intercept-only fit: one Newton step fewer than from 0
      double[] start = new double[k];
      double m = Math.min(Math.max(g.getValue(), 1e-6), 1 - 1e-6);
      start[0] = Math.log(m / (1 - m));
      beta.put(g.getKey(), start);
    }
    Map<Group, Logit> done = new HashMap<>();
    for (int iter = 1; iter <= maxIter && !beta.isEmpty(); iter++) {
      Map<Group, Row> sums = new HashMap<>();
      for (Row r : scored(spark, stacked, beta, p)
          .groupBy(col("outcome"), col("slice_type"), col("slice_value"))
          .agg(triangle(col("w").multiply(col("p")).multiply(lit(1.0).minus(col("p"))), regressors(p)).as("h"),
              vectorSum(col("w").multiply(col("y").minus(col("p"))), withConstant(p)).as("score"))
          .collectAsList()) {
        sums.put(group(r), r);
      }
      Map<Group, double[]> next = new HashMap<>();
      for (Map.Entry<Group, double[]> e : beta.entrySet()) {
        Row r = sums.get(e.getKey());
        if (r == null) {
          continue;
        }
        RealMatrix h = matrix(r, "h", k);
        RealVector score = new ArrayRealVector(doubles(r.getList(r.fieldIndex("score"))));
        double[] b;
        try {
          b = new ArrayRealVector(e.getValue()).add(DriverStats.inverse(h).operate(score)).toArray();
        } catch (DriverStats.Unfit | org.apache.commons.math3.linear.SingularMatrixException ex) {
          done.put(e.getKey(), new Logit(e.getValue(), h, false, iter));
          continue;
        }
        double change = 0;
        for (int j = 0; j < k; j++) {
          change = Math.max(change, Math.abs(b[j] - e.getValue()[j]));
        }
        boolean diverging = java.util.Arrays.stream(b).anyMatch(x -> !Double.isFinite(x) || Math.abs(x) > 50);
        if (change < tolerance || diverging || iter == maxIter) {
          done.put(e.getKey(), new Logit(b, h, change < tolerance && !diverging, iter));
        } else {
          next.put(e.getKey(), b);
        }
      }
      beta = next;
    }
    return done;
  }

  /**
   * Per group and replicate of a logistic one-step bootstrap: information, score and moments, and
   * the moments of (1, y, p̂) for R_O² (p̂ at the full-sample fit, weighted by the replicate).
   */
  record LogitReplicate(RealMatrix information, RealVector score, Moments moments, Moments fitted) {
    /** Squared correlation of y and p̂ under this replicate's weights; NaN when either is constant. */
    double r2o() {
      double c = fitted.cov(1, 2) / (fitted.sd(1) * fitted.sd(2));
      return Double.isFinite(c) ? c * c : Double.NaN;
    }
  }

  /**
   * One Newton step per replicate from the full-sample fit (Moulton and Zeger 1991): the information
   * and score at the full-sample coefficients under the replicate's Poisson weights, and the
   * replicate's moments of (1, y, x, noise) to standardize with.
   */
  static Map<Group, LogitReplicate[]> logisticReplicates(SparkSession spark, Dataset<Row> stacked,
      Map<Group, double[]> beta, int p, int bootstrap, long seed) {
    int k = p + 2;
    List<Column> v = new ArrayList<>();
    v.add(col("y"));
    v.addAll(regressors(p));
    Column h = col("p").multiply(lit(1.0).minus(col("p")));
    Column resid = col("y").minus(col("p"));
    List<Column> info = triangleTerms(regressors(p)).stream().map(h::multiply).toList();
    List<Column> score = withConstant(p).stream().map(resid::multiply).toList();
    List<Column> moments = triangleTerms(v);
    List<Column> fitted = triangleTerms(List.of(col("y"), col("p")));
    List<Column> terms = new ArrayList<>(info);
    terms.addAll(score);
    terms.addAll(moments);
    terms.addAll(fitted);
    Map<Group, Integer> index = index(beta.keySet());
    BootstrapSums.Sums sums = BootstrapSums.compute(withTerms(spark, scored(spark, stacked, beta, p), index, seed, terms),
        index.size(), terms.size(), bootstrap);
    Map<Group, LogitReplicate[]> out = new HashMap<>();
    index.forEach((g, i) -> {
      LogitReplicate[] reps = new LogitReplicate[bootstrap + 1];
      for (int b = 0; b <= bootstrap; b++) {
        if (sums.n(i, b) == 0) {
          continue;
        }
        double[] t = sums.terms(i, b);
        int at = 0;
        double[] infoPart = java.util.Arrays.copyOfRange(t, at, at += info.size());
        double[] scorePart = java.util.Arrays.copyOfRange(t, at, at += score.size());
        double[] momentPart = java.util.Arrays.copyOfRange(t, at, at += moments.size());
        double[] fittedPart = java.util.Arrays.copyOfRange(t, at, at + fitted.size());
        reps[b] = new LogitReplicate(new Array2DRowRealMatrix(Moments.fromTriangle(infoPart, k, 0, 0).g()),
            new ArrayRealVector(scorePart),
            Moments.fromTriangle(momentPart, v.size() + 1, sums.sumW2(i, b), sums.n(i, b)),
            Moments.fromTriangle(fittedPart, 3, 0, sums.n(i, b)));
      }
      out.put(g, reps);
    });
    return out;
  }

  /** Rows joined to their group's coefficients, with the predicted probability p. */
  private static Dataset<Row> scored(SparkSession spark, Dataset<Row> stacked, Map<Group, double[]> beta, int p) {
    List<Row> betaRows = new ArrayList<>();
    for (Map.Entry<Group, double[]> e : beta.entrySet()) {
      betaRows.add(RowFactory.create(e.getKey().outcome(), e.getKey().sliceType(), e.getKey().sliceValue(),
          boxed(e.getValue())));
    }
    Dataset<Row> table = spark.createDataFrame(betaRows,
        keySchema().add("beta", DataTypes.createArrayType(DataTypes.DoubleType)));
    return stacked.join(broadcast(table), KEYS).withColumn("p", probability(p));
  }

  /** sigmoid(β_0 + Σ β_j·x_j + β_noise·noise) with β from the row's beta array. */
  private static Column probability(int p) {
    Column eta = element_at(col("beta"), 1);
    List<Column> v = regressors(p);
    for (int j = 0; j < v.size(); j++) {
      eta = eta.plus(element_at(col("beta"), j + 2).multiply(v.get(j)));
    }
    return lit(1.0).divide(lit(1.0).plus(exp(eta.multiply(-1))));
  }

  private static List<Column> withConstant(int p) {
    List<Column> v = new ArrayList<>();
    v.add(lit(1.0));
    v.addAll(regressors(p));
    return v;
  }

  private static StructType keySchema() {
    return new StructType().add("outcome", DataTypes.StringType).add("slice_type", DataTypes.StringType)
        .add("slice_value", DataTypes.StringType);
  }

  /** A symmetric k×k matrix from an upper-triangle array column. */
  private static RealMatrix matrix(Row r, String field, int k) {
    return new Array2DRowRealMatrix(Moments.fromTriangle(doubles(r.getList(r.fieldIndex(field))), k, 0, 0).g());
  }

  private static Group group(Row r) {
    return new Group(r.getAs("outcome"), r.getAs("slice_type"), r.getAs("slice_value"));
  }

  private static double[] scale(Row r, String field, double by) {
    double[] v = doubles(r.getList(r.fieldIndex(field)));
    for (int i = 0; i < v.length; i++) {
      v[i] /= by;
    }
    return v;
  }

  static double[] doubles(List<Object> values) {
    double[] out = new double[values.size()];
    for (int i = 0; i < out.length; i++) {
      Object o = values.get(i);
      out[i] = o == null ? Double.NaN : ((Number) o).doubleValue();
    }
    return out;
  }

  private static List<Double> boxed(double[] v) {
    List<Double> out = new ArrayList<>(v.length);
    for (double d : v) {
      out.add(d);
    }
    return out;
  }
}
