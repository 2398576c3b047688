package io.cxlake.churn;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;

import io.cxlake.platform.DriverRows;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The training instances of a binary classifier on the driver (label, weight, features, and the
 * partition each was read in), for the fits that repeat MLlib's on the driver. Null when there
 * are more than {@code max} rows, or a row MLlib would reject (a label other than 0 or 1, a
 * negative, infinite or missing weight, a NaN feature): MLlib's fit then runs, and says why.
 */
record DriverInstances(List<List<Integer>> partitions, double[] label, double[] weight, Vector[] features) {

  /**
   * Rows fitted on the driver at most: a scale-1 training set (305,299 rows of 25 features;
   * `churn train` peaked at 4.9 GB resident against 5.1 GB when it fitted them in Spark) fits;
   * ten times that is fitted by MLlib in Spark, where the per-job cost is small beside the work.
   */
  static final int MAX_ROWS = 400_000;

  /** @param weightCol the weight column, or null or empty for weight 1 */
  static DriverInstances collect(Dataset<Row> rows, String labelCol, String weightCol, String featuresCol, int max) {
    Dataset<Row> instances = rows.withColumn("__instance", struct(col(labelCol).cast("double"),
        weightCol == null || weightCol.isEmpty() ? lit(1.0) : col(weightCol).cast("double"), col(featuresCol)));
    DriverRows collected = DriverRows.collect(instances, "__instance", max);
    if (collected == null || collected.size() == 0) {
      return null;
    }
    int n = collected.size();
    double[] label = new double[n];
    double[] weight = new double[n];
    Vector[] features = new Vector[n];
    for (int i = 0; i < n; i++) {
      Row r = (Row) collected.values().get(i);
      if (r.isNullAt(0) || r.isNullAt(1) || r.isNullAt(2)) {
        return null;
      }
      label[i] = r.getDouble(0);
      weight[i] = r.getDouble(1);
      features[i] = (Vector) r.get(2);
      if ((label[i] != 0.0 && label[i] != 1.0) || !(weight[i] >= 0) || Double.isInfinite(weight[i])
          || hasNaN(features[i])) {
        return null;
      }
    }
    return new DriverInstances(collected.byPartition(), label, weight, features);
  }

  int size() {
    return label.length;
  }

  private static boolean hasNaN(Vector x) {
    for (double v : x.toArray()) {
      if (Double.isNaN(v)) {
        return true;
      }
    }
    return false;
  }
}
