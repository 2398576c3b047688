package io.cxlake.churn;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;

/**
 * The driver fit is MLlib's gradient-boosted trees, not an approximation of them: on the same
 * rows in the same partitions, MLlib's own fit (the reference) and the driver fit grow the same
 * trees (features, thresholds, categories, leaf values) with the same weights and give every row
 * the same probability, with churn's kinds of features (long-tailed numbers with more distinct
 * values than bins, a constant, a mostly-zero count, a 0/1 indicator, a one-hot category) and
 * class weights, at two depths, in one partition and in three; and the driver fit launches
 * almost no Spark job.
 */
class GbtCorpusTest {
  private static Dataset<Row> rows(int partitions) {
    return rows(700, partitions);
  }

  private static Dataset<Row> rows(int n, int partitions) {
    Random random = new Random(31);
    String[] plans = {"basic", "plus", "pro"};
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double recency = Math.floor(Math.abs(random.nextGaussian()) * 120);
      double spend = Math.round(Math.exp(random.nextGaussian() + 4) * 100) / 100.0;
      double complaints = random.nextDouble() < 0.8 ? 0 : 1 + random.nextInt(3);
      double missing = random.nextDouble() < 0.2 ? 1 : 0;
      String plan = plans[random.nextInt(3)];
      double eta = -1 + recency / 60 - Math.log1p(spend) / 3 + 0.6 * complaints + (plan.equals("pro") ? -0.8 : 0)
          + (recency > 150 && complaints > 0 ? 1.5 : 0);
      double label = random.nextDouble() < 1 / (1 + Math.exp(-eta)) ? 1.0 : 0.0;
      rows.add(RowFactory.create(String.format("C%05d", i), recency, spend, complaints, 5.0, missing, plan, label,
          label == 1.0 ? 2.2 : 0.65));
    }
    Dataset<Row> raw = TestSpark.session().createDataFrame(rows, new StructType()
            .add("customer_key", DataTypes.StringType).add("recency", DataTypes.DoubleType)
            .add("spend", DataTypes.DoubleType).add("complaints", DataTypes.DoubleType)
            .add("constant", DataTypes.DoubleType).add("missing", DataTypes.DoubleType)
            .add("plan", DataTypes.StringType).add("label", DataTypes.DoubleType).add("weight", DataTypes.DoubleType))
        .repartition(partitions).sortWithinPartitions("customer_key");
    // as churn prepares them: a one-hot category (binary attributes: categorical to the trees)
    return new Pipeline().setStages(new PipelineStage[] {
        new StringIndexer().setInputCol("plan").setOutputCol("plan_i"),
        new OneHotEncoder().setInputCol("plan_i").setOutputCol("plan_o").setHandleInvalid("keep"),
        new VectorAssembler().setInputCols(new String[] {"recency", "spend", "complaints", "constant", "missing",
            "plan_o"}).setOutputCol("features")}).fit(raw).transform(raw);
  }

  @Test
  void theDriverFitIsSparksGradientBoostedTrees() {
    for (int partitions : new int[] {1, 3}) {
      Dataset<Row> rows = rows(partitions).persist(StorageLevel.MEMORY_AND_DISK());
      try {
        for (int depth : new int[] {3, 5}) {
          String what = partitions + " partitions, depth " + depth;
          GBTClassifier gbt = new GBTClassifier().setFeaturesCol("features").setLabelCol("label")
              .setWeightCol("weight").setMaxDepth(depth).setMaxIter(12).setStepSize(0.1).setSeed(7);
          GBTClassificationModel spark = gbt.fit(rows);
          AtomicInteger jobs = new AtomicInteger();
          GBTClassificationModel driver = TestSpark.countingJobs(jobs, () -> GbtCorpus.fit(gbt, rows));
          assertTrue(jobs.get() <= 3, what + ": " + jobs.get() + " Spark jobs");
          assertEquals(spark.getNumTrees(), driver.getNumTrees(), what);
          assertArrayEquals(spark.treeWeights(), driver.treeWeights(), what);
          assertEquals(trees(spark), trees(driver), what);
          assertTrue(trees(spark).contains("feature 5 in"), "a one-hot category was split on: " + trees(spark));
          SameProbabilities.assertSameProbabilities(spark, driver, rows, what);
          assertEquals(depth, driver.getMaxDepth());
          assertEquals(gbt.uid(), driver.parent().uid());
        }
      } finally {
        rows.unpersist();
      }
    }
  }

  /**
   * Above max(maxBins², 10,000) rows MLlib finds the thresholds on a sample: 26,000 rows in three
   * partitions draw a fraction of 0.385 (Spark's gap sampling). The driver's sample is the same
   * rows, so the thresholds and trees are the same; thresholds from every row would differ.
   */
  @Test
  void aboveTenThousandRowsTheSplitsComeFromMllibsSample() {
    Dataset<Row> rows = rows(26_000, 3).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      GBTClassifier gbt = new GBTClassifier().setFeaturesCol("features").setLabelCol("label")
          .setWeightCol("weight").setMaxDepth(4).setMaxIter(3).setStepSize(0.1).setSeed(11);
      GBTClassificationModel spark = gbt.fit(rows);
      AtomicInteger jobs = new AtomicInteger();
      GBTClassificationModel driver = TestSpark.countingJobs(jobs, () -> GbtCorpus.fit(gbt, rows));
      assertTrue(jobs.get() <= 3, jobs.get() + " Spark jobs");
      assertEquals(trees(spark), trees(driver));
      SameProbabilities.assertSameProbabilities(spark, driver, rows, "26,000 rows");
    } finally {
      rows.unpersist();
    }
  }

  @Test
  void settingsTheDriverDoesNotRepeatGoToSpark() {
    Dataset<Row> rows = rows(2);
    GBTClassifier sampled = new GBTClassifier().setFeaturesCol("features").setLabelCol("label").setMaxDepth(3)
        .setMaxIter(5).setSubsamplingRate(0.7).setSeed(3);
    assertEquals(trees(sampled.fit(rows)), trees(GbtCorpus.fit(sampled, rows)));
  }

  /** The trees without their uids, every number to 9 significant digits. */
  private static String trees(GBTClassificationModel model) {
    String s = model.toDebugString().replaceAll("uid=\\w+", "uid");
    Matcher m = Pattern.compile("-?\\d+\\.\\d+(E-?\\d+)?").matcher(s);
    return m.replaceAll(r -> String.format("%.9g", Double.parseDouble(r.group())));
  }
}
