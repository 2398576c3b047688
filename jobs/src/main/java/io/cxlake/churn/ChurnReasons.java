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
import org.apache.spark.sql.expressions.Window;

/**
 * Calibrated churn probabilities with the top reasons per customer. A feature's contribution is
 * how much the customer's probability drops when that one feature is set to the training
 * median (a typical customer's value) and everything else stays: the same for logistic
 * regression and trees, in probability points, e.g. "3 complaints in 90 days (+0.12)". The
 * customer rows are scored once per feature in a single pass (one union, one transform).
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
    List<String> base = List.of(features.columns());
    Dataset<Row> all = features.withColumn("_feature", lit(null).cast("string")).withColumn("_value", lit(null).cast("double"));
    for (String f : names) {
      Double m = medians.get(f);
      if (m == null) {
        continue;
      }
      // Rows already at the median contribute nothing: keep them out of the extra scoring.
      all = all.unionByName(features.where(not(col(f).eqNullSafe(lit(m))))
          .withColumn("_feature", lit(f)).withColumn("_value", col(f)).withColumn(f, lit(m))
          .select(columns(base, "_feature", "_value")));
    }
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

  private static Column[] columns(List<String> base, String... extra) {
    List<Column> cols = new ArrayList<>();
    base.forEach(c -> cols.add(col(c)));
    for (String e : extra) {
      cols.add(col(e));
    }
    return cols.toArray(Column[]::new);
  }
}
