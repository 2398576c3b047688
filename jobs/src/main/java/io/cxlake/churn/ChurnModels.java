package io.cxlake.churn;

import static org.apache.spark.sql.functions.*;

import io.cxlake.core.CxlakeConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The model pipelines both modes share. A pipeline takes the raw feature columns (numeric
 * doubles that may be null, and strings) and does everything else itself, so a saved model
 * scores raw features: ln(1+x) of long-tailed features, median imputation with a missing
 * indicator per feature that had gaps in training, one-hot strings (unseen values get their own
 * slot), then logistic regression (standardised internally, elastic-net regularised) or
 * gradient-boosted trees, trained with the class weights in column "weight".
 */
public final class ChurnModels {
  private ChurnModels() {}

  public static final String LABEL = "label";
  public static final String WEIGHT = "weight";
  public static final String RAW = "raw_probability";

  /**
   * The feature columns of a training set.
   *
   * @param numeric     double columns
   * @param categorical string columns (no nulls: the caller fills a "(missing)" value)
   * @param logged      numeric columns that enter as ln(1+max(x,0))
   * @param withGaps    numeric columns that had missing values in training (they get an indicator)
   */
  public record Design(List<String> numeric, List<String> categorical, List<String> logged, List<String> withGaps) {
    public List<String> all() {
      List<String> all = new ArrayList<>(numeric);
      all.addAll(categorical);
      return all;
    }
  }

  /** A candidate model: family and hyper-parameters. */
  public record Spec(String family, Map<String, String> params) {
    @Override
    public String toString() {
      return family + params;
    }
  }

  /** The candidates the config asks for: each regularisation strength and each tree depth. */
  public static List<Spec> grid(ChurnConfig cfg) {
    List<Spec> out = new ArrayList<>();
    for (String family : cfg.models()) {
      if (family.equals("logistic_regression")) {
        for (double reg : cfg.regParams()) {
          out.add(new Spec(family, params("reg_param", reg, "elastic_net", cfg.elasticNet(), "max_iter", 100)));
        }
      } else {
        for (int depth : cfg.gbtDepths()) {
          out.add(new Spec(family, params("max_depth", depth, "max_iter", cfg.gbtIterations(), "step_size", 0.1)));
        }
      }
    }
    return out;
  }

  private static Map<String, String> params(Object... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], String.valueOf(kv[i + 1]));
    }
    return m;
  }

  /**
   * Which numeric features have gaps and which have no value at all in the training rows (the
   * latter cannot be imputed and are left out), in one aggregation.
   */
  public static Design design(Dataset<Row> train, List<String> numeric, List<String> categorical, List<String> logged,
      List<String> dropped) {
    if (numeric.isEmpty()) {
      return new Design(List.of(), categorical, List.of(), List.of());
    }
    List<Column> counts = new ArrayList<>();
    counts.add(count(lit(1)));
    numeric.forEach(c -> counts.add(count(col(c))));
    Row r = train.agg(counts.get(0), counts.subList(1, counts.size()).toArray(Column[]::new)).first();
    long n = r.getLong(0);
    List<String> kept = new ArrayList<>();
    List<String> gaps = new ArrayList<>();
    for (int i = 0; i < numeric.size(); i++) {
      long present = r.getLong(i + 1);
      if (present == 0) {
        dropped.add(numeric.get(i));
        continue;
      }
      kept.add(numeric.get(i));
      if (present < n) {
        gaps.add(numeric.get(i));
      }
    }
    return new Design(kept, categorical, logged.stream().filter(kept::contains).toList(), gaps);
  }

  /** Adds column "weight": balanced (each class weighs half in total) or 1. */
  public static Dataset<Row> withWeights(Dataset<Row> train, String mode) {
    if (!mode.equals("balanced")) {
      return train.withColumn(WEIGHT, lit(1.0));
    }
    Row r = train.agg(count(lit(1)), sum(col(LABEL))).first();
    double n = r.getLong(0);
    double pos = r.isNullAt(1) ? 0 : r.getDouble(1);
    double wPos = pos == 0 ? 1 : n / (2 * pos);
    double wNeg = pos == n ? 1 : n / (2 * (n - pos));
    return train.withColumn(WEIGHT, when(col(LABEL).equalTo(1.0), wPos).otherwise(wNeg));
  }

  /** Fits one candidate pipeline on weighted training rows. */
  public static PipelineModel fit(Spec spec, Design d, Dataset<Row> weighted, int seed) {
    List<PipelineStage> stages = new ArrayList<>();
    List<String> select = new ArrayList<>(List.of("*"));
    List<String> imputeIn = new ArrayList<>();
    List<String> imputeOut = new ArrayList<>();
    for (String f : d.numeric()) {
      String x = "`" + f + "`";
      select.add((d.logged().contains(f) ? "ln(1 + greatest(" + x + ", 0))" : x) + " AS `__x_" + f + "`");
      imputeIn.add("__x_" + f);
      imputeOut.add("__i_" + f);
    }
    List<String> vector = new ArrayList<>(imputeOut);
    for (String f : d.withGaps()) {
      select.add("CAST(`" + f + "` IS NULL AS DOUBLE) AS `__m_" + f + "`");
      vector.add("__m_" + f);
    }
    stages.add(new SQLTransformer().setStatement("SELECT " + String.join(", ", select) + " FROM __THIS__"));
    if (!imputeIn.isEmpty()) {
      stages.add(new Imputer().setStrategy("median").setInputCols(imputeIn.toArray(String[]::new))
          .setOutputCols(imputeOut.toArray(String[]::new)));
    }
    if (!d.categorical().isEmpty()) {
      String[] in = d.categorical().toArray(String[]::new);
      String[] idx = d.categorical().stream().map(c -> "__s_" + c).toArray(String[]::new);
      String[] hot = d.categorical().stream().map(c -> "__o_" + c).toArray(String[]::new);
      stages.add(new StringIndexer().setInputCols(in).setOutputCols(idx).setHandleInvalid("keep")
          .setStringOrderType("frequencyDesc"));
      stages.add(new OneHotEncoder().setInputCols(idx).setOutputCols(hot).setHandleInvalid("keep"));
      vector.addAll(List.of(hot));
    }
    stages.add(new VectorAssembler().setInputCols(vector.toArray(String[]::new)).setOutputCol("__features"));
    Map<String, String> p = spec.params();
    // Pipeline.fit, with the model itself fitted on the driver when the rows are few
    Pipeline pipeline = new Pipeline().setStages(stages.toArray(PipelineStage[]::new));
    PipelineModel prepare = pipeline.fit(weighted);
    Dataset<Row> prepared = prepare.transform(weighted);
    Transformer model;
    if (spec.family().equals("logistic_regression")) {
      model = LogisticCorpus.fit(new LogisticRegression().setFeaturesCol("__features").setLabelCol(LABEL)
          .setWeightCol(WEIGHT).setStandardization(true).setRegParam(Double.parseDouble(p.get("reg_param")))
          .setElasticNetParam(Double.parseDouble(p.get("elastic_net"))).setMaxIter(Integer.parseInt(p.get("max_iter")))
          .setProbabilityCol("__probability").setRawPredictionCol("__raw").setPredictionCol("__prediction"), prepared);
    } else {
      model = GbtCorpus.fit(new GBTClassifier().setFeaturesCol("__features").setLabelCol(LABEL).setWeightCol(WEIGHT)
          .setMaxDepth(Integer.parseInt(p.get("max_depth"))).setMaxIter(Integer.parseInt(p.get("max_iter")))
          .setStepSize(Double.parseDouble(p.get("step_size"))).setSeed(seed)
          .setProbabilityCol("__probability").setRawPredictionCol("__raw").setPredictionCol("__prediction"), prepared);
    }
    List<Transformer> fitted = new ArrayList<>(List.of(prepare.stages()));
    fitted.add(model);
    return (PipelineModel) new PipelineModel(pipeline.uid(), fitted).setParent(pipeline);
  }

  /** The input columns plus raw_probability (uncalibrated probability of churn). */
  public static Dataset<Row> predict(PipelineModel model, Dataset<Row> rows) {
    List<Column> keep = new ArrayList<>();
    for (String c : rows.columns()) {
      keep.add(col("`" + c + "`"));
    }
    keep.add(org.apache.spark.ml.functions.vector_to_array(col("__probability"), "float64").getItem(1).as(RAW));
    return model.transform(rows).select(keep.toArray(Column[]::new));
  }

  /** The median each numeric feature is imputed with (before any log), for the reasons. */
  public static Map<String, Double> medians(Dataset<Row> train, List<String> numeric) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (numeric.isEmpty()) {
      return out;
    }
    List<Column> qs = new ArrayList<>();
    numeric.forEach(c -> qs.add(percentile_approx(col(c), lit(0.5), lit(10_000))));
    Row r = train.agg(qs.get(0), qs.subList(1, qs.size()).toArray(Column[]::new)).first();
    for (int i = 0; i < numeric.size(); i++) {
      out.put(numeric.get(i), r.isNullAt(i) ? null : ((Number) r.get(i)).doubleValue());
    }
    return out;
  }

  /** Platt scaling: P(churn) = sigmoid(slope · s + intercept), s a score (log-odds or a feature). */
  public record Platt(double slope, double intercept) {
    public Column apply(Column s) {
      return lit(1.0).divide(lit(1.0).plus(exp(s.multiply(-slope).minus(intercept))));
    }

    /** Fits on unweighted rows (so the probabilities match observed rates) of score and label. */
    public static Platt fit(Dataset<Row> rows, String score, String label) {
      Dataset<Row> x = new VectorAssembler().setInputCols(new String[] {score}).setOutputCol("__s")
          .transform(rows.select(col(score), col(label)));
      LogisticRegressionModel m = LogisticCorpus.fit(new LogisticRegression().setFeaturesCol("__s").setLabelCol(label)
          .setRegParam(0).setStandardization(false).setMaxIter(100), x);
      return new Platt(m.coefficients().apply(0), m.intercept());
    }
  }

  /** Log-odds of a probability, clamped away from 0 and 1. */
  public static Column logit(Column p) {
    Column c = least(greatest(p, lit(1e-6)), lit(1 - 1e-6));
    return log(c.divide(lit(1.0).minus(c)));
  }
}
