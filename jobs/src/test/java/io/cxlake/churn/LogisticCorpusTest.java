package io.cxlake.churn;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;

/**
 * The driver fit is MLlib's logistic regression, not an approximation of it: on the same rows in
 * the same partitions, MLlib's own fit (the reference) and the driver fit give the same
 * coefficients, intercept, objective history and probability of every row, for churn's settings
 * (L2, standardised, class weights) and Platt's (one feature, no penalty, not standardised), in
 * one partition and in three, with a constant feature among them; and the driver fit launches
 * almost no Spark job.
 */
class LogisticCorpusTest {
  /** 600 rows: 5 features (the fourth constant), a label from a logistic model, class weights. */
  private static Dataset<Row> rows(int partitions) {
    Random random = new Random(23);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      double[] x = {random.nextGaussian() * 3 + 1, Math.abs(random.nextGaussian()) * 40, random.nextInt(5),
          7.0, random.nextGaussian()};
      double eta = -1.2 + 0.4 * x[0] - 0.02 * x[1] + 0.3 * x[2] + 0.05 * x[4];
      double label = random.nextDouble() < 1 / (1 + Math.exp(-eta)) ? 1.0 : 0.0;
      rows.add(RowFactory.create(String.format("C%04d", i), Vectors.dense(x), Vectors.dense(x[0]), label,
          label == 1.0 ? 1.7 : 0.6));
    }
    return TestSpark.session().createDataFrame(rows, new StructType().add("customer_key", DataTypes.StringType)
            .add("features", new VectorUDT()).add("score", new VectorUDT()).add("label", DataTypes.DoubleType)
            .add("weight", DataTypes.DoubleType))
        .repartition(partitions).sortWithinPartitions("customer_key");
  }

  private static LogisticRegression churnSettings() {
    return new LogisticRegression().setFeaturesCol("features").setLabelCol("label").setWeightCol("weight")
        .setStandardization(true).setRegParam(0.01).setElasticNetParam(0).setMaxIter(100);
  }

  private static LogisticRegression plattSettings() {
    return new LogisticRegression().setFeaturesCol("score").setLabelCol("label").setRegParam(0)
        .setStandardization(false).setMaxIter(100);
  }

  private static LogisticRegression ridgeUnstandardised() {
    return new LogisticRegression().setFeaturesCol("features").setLabelCol("label").setRegParam(0.1)
        .setStandardization(false).setMaxIter(100);
  }

  @Test
  void theDriverFitIsSparksLogisticRegression() {
    for (int partitions : new int[] {1, 3}) {
      Dataset<Row> rows = rows(partitions).persist(StorageLevel.MEMORY_AND_DISK());
      try {
        for (LogisticRegression lr : List.of(churnSettings(), plattSettings(), ridgeUnstandardised())) {
          String what = partitions + " partitions, " + lr.extractParamMap();
          LogisticRegressionModel spark = lr.fit(rows);
          AtomicInteger jobs = new AtomicInteger();
          LogisticRegressionModel driver = TestSpark.countingJobs(jobs, () -> LogisticCorpus.fit(lr, rows));
          // the bounded collection of the rows, and nothing per iteration
          assertTrue(jobs.get() <= 3, what + ": " + jobs.get() + " Spark jobs");
          assertClose(spark.coefficients(), driver.coefficients(), what + " coefficients");
          assertEquals(spark.intercept(), driver.intercept(), 1e-9 * Math.max(1, Math.abs(spark.intercept())),
              what + " intercept");
          double[] a = spark.summary().objectiveHistory();
          double[] b = driver.summary().objectiveHistory();
          assertEquals(a.length, b.length, what + " iterations");
          for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-9 * Math.abs(a[i]), what + " objective " + i);
          }
          SameProbabilities.assertSameProbabilities(spark, driver, rows, what);
          assertEquals(lr.getRegParam(), driver.getRegParam());
          assertEquals(lr.uid(), driver.parent().uid());
        }
      } finally {
        rows.unpersist();
      }
    }
  }

  @Test
  void settingsTheDriverDoesNotRepeatGoToSpark() {
    Dataset<Row> rows = rows(2);
    // L1: OWL-QN, not repeated here; the result must still be MLlib's
    LogisticRegression lasso = churnSettings().setElasticNetParam(1.0);
    LogisticRegressionModel spark = lasso.fit(rows);
    assertClose(spark.coefficients(), LogisticCorpus.fit(lasso, rows).coefficients(), "lasso");
  }

  private static void assertClose(Vector expected, Vector actual, String what) {
    assertEquals(expected.size(), actual.size(), what);
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.apply(i), actual.apply(i), 1e-9 * Math.max(1, Math.abs(expected.apply(i))), what + "[" + i + "]");
    }
  }
}
