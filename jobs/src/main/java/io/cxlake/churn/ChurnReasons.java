package io.cxlake.churn;

import io.cxlake.platform.CacheScope;
import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.expressions.Window;

/**
 * Calibrated churn probabilities with the top reasons per customer. A feature's contribution is
 * how much the customer's probability drops when that one feature is set to the training
 * median (a typical customer's value) and everything else stays: the same for logistic
 * regression and trees, in probability points, e.g. "3 complaints in 90 days (+0.12)". The
 * customer rows are scored once per feature in a single pass (one join with the list of
 * features, one transform).
 */
public final class ChurnReasons {
  private ChurnReasons() {}

  /** Reasons per customer; a contribution below this (probability points) is not a reason. */
  static final double MIN_CONTRIBUTION = 0.005;
  static final int TOP = 3;

  /**
   * customer_key, raw_probability, churn_probability, reason_1..3 (text), reasons (array of
   * rank, feature, value, contribution) for the rows of {@code features} (cache them: every
   * feature reads them once).
   */
  public static Dataset<Row> score(Dataset<Row> features, List<String> names, PipelineModel model,
      ChurnModels.Platt platt, Map<String, Double> medians, CacheScope cache) {
    // One row per customer and feature to occlude (plus the unchanged row, feature null), made by
    // a join with a small broadcast list rather than a union of one copy per feature: the plan
    // stays one branch however many features there are (with a union of 26 copies, planning
    // and Spark's plan descriptions made churn_score cost 43 s on the 1,000-customer samples).
    List<Row> occlusions = new ArrayList<>();
    occlusions.add(RowFactory.create(null, null));
    for (String f : names) {
      if (medians.get(f) != null) {
        occlusions.add(RowFactory.create(f, medians.get(f)));
      }
    }
    Dataset<Row> keys = features.sparkSession().createDataFrame(occlusions, new StructType()
        .add("_feature", DataTypes.StringType).add("_median", DataTypes.DoubleType));
    Column value = lit(null).cast("double");
    for (Row o : occlusions.subList(1, occlusions.size())) {
      value = when(col("_feature").equalTo(o.getString(0)), col(o.getString(0)).cast("double")).otherwise(value);
    }
    List<Column> cols = new ArrayList<>();
    for (String c : features.columns()) {
      cols.add(medians.get(c) != null && names.contains(c)
          ? when(col("_feature").equalTo(c), col("_median")).otherwise(col(c).cast("double")).as(c) : col(c));
    }
    cols.add(col("_feature"));
    cols.add(col("_value"));
    Dataset<Row> all = features.crossJoin(broadcast(keys)).withColumn("_value", value)
        // Rows already at the median contribute nothing: keep them out of the extra scoring.
        .where(col("_feature").isNull().or(not(col("_value").eqNullSafe(col("_median")))))
        .select(cols.toArray(Column[]::new));
    Dataset<Row> p = ChurnModels.predict(model, all)
        .withColumn("_p", platt.apply(ChurnModels.logit(col(ChurnModels.RAW))))
        .select("customer_key", "_feature", "_value", ChurnModels.RAW, "_p");
    p = cache.keep(p); // read twice: the full-feature rows and the occluded ones
    Dataset<Row> full = p.where(col("_feature").isNull())
        .select(col("customer_key"), col(ChurnModels.RAW), col("_p").as("churn_probability"));
    Column text = null;
    for (String f : names) {
      Column t = ChurnFeatures.CATALOGUE.containsKey(f) ? ChurnFeatures.CATALOGUE.get(f).text(col("_value"))
          : concat(lit(f + " = "), coalesce(col("_value").cast("string"), lit("missing")));
      text = text == null ? when(col("_feature").equalTo(f), t) : text.when(col("_feature").equalTo(f), t);
    }
    Dataset<Row> contributions = p.where(col("_feature").isNotNull())
        .join(full, new String[] {"customer_key"})
        .withColumn("contribution", col("churn_probability").minus(col("_p")))
        .where(col("contribution").geq(MIN_CONTRIBUTION))
        .withColumn("rank", row_number().over(Window.partitionBy("customer_key")
            .orderBy(col("contribution").desc(), col("_feature"))))
        .where(col("rank").leq(TOP))
        .withColumn("text", concat(text == null ? lit("") : text, lit(" (+"),
            format_string("%.2f", col("contribution")), lit(")")))
        .groupBy("customer_key")
        .agg(array_sort(collect_list(struct(col("rank"), col("_feature").as("feature"), col("_value").as("value"),
            round(col("contribution"), 4).as("contribution"), col("text")))).as("_reasons"));
    Dataset<Row> out = full.join(contributions, new String[] {"customer_key"}, "left");
    for (int i = 1; i <= TOP; i++) {
      out = out.withColumn("reason_" + i, try_element_at(col("_reasons"), lit(i)).getField("text"));
    }
    return out.withColumn("reasons", coalesce(transform(col("_reasons"), r -> struct(r.getField("rank").as("rank"),
            r.getField("feature").as("feature"), r.getField("value").as("value"),
            r.getField("contribution").as("contribution"))),
        array().cast("array<struct<rank:int,feature:string,value:double,contribution:double>>")))
        .drop("_reasons");
  }
}
