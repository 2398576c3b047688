package io.cxlake.segment;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.clustering.KMeansModel;
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
 * The driver fit is MLlib's k-means, not an approximation of it: on the same rows in the same
 * partitions, MLlib's own fit (the reference) and the driver fit give the same centres, cost,
 * iterations and cluster of every row, for several k and seeds, in one partition (as the
 * clustering stage's sample) and in three.
 */
class KMeansCorpusTest {
  /** 400 customers around five centres in six features, with noise and a few outliers. */
  private static Dataset<Row> rows(int partitions) {
    Random random = new Random(17);
    double[][] centres = new double[5][6];
    for (double[] c : centres) {
      for (int j = 0; j < c.length; j++) {
        c[j] = random.nextGaussian() * 3;
      }
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      double[] c = centres[i % 5];
      double[] x = new double[c.length];
      for (int j = 0; j < x.length; j++) {
        x[j] = c[j] + random.nextGaussian() * (i % 37 == 0 ? 6 : 1) + 10;
      }
      rows.add(RowFactory.create(String.format("C%04d", i), Vectors.dense(x)));
    }
    return TestSpark.session().createDataFrame(rows, new StructType().add("customer_key", DataTypes.StringType)
        .add("features", new VectorUDT())).repartition(partitions).sortWithinPartitions("customer_key");
  }

  @Test
  void theDriverFitIsSparksKMeans() {
    // k 8: more k-means|| candidates than k, so the weighted k-means++ picks among them
    int[][] fits = {{1, 2, 42}, {1, 5, 43}, {1, 8, 42}, {3, 5, 42}};
    for (int partitions : new int[] {1, 3}) {
      Dataset<Row> rows = rows(partitions).persist(StorageLevel.MEMORY_AND_DISK());
      try {
        KMeansCorpus corpus = KMeansCorpus.of(rows, "features");
        assertTrue(corpus.onDriver());
        for (int[] fit : fits) {
          if (fit[0] != partitions) {
            continue;
          }
          int k = fit[1];
          long seed = fit[2];
          {
            KMeans kmeans = new KMeans().setK(k).setSeed(seed).setMaxIter(50).setFeaturesCol("features");
            KMeansModel spark = kmeans.fit(rows);
            KMeansModel driver = corpus.fit(kmeans);
            String what = partitions + " partition(s), k " + k + ", seed " + seed;
            Vector[] a = spark.clusterCenters();
            Vector[] b = driver.clusterCenters();
            assertEquals(a.length, b.length, what);
            for (int c = 0; c < a.length; c++) {
              assertArrayEquals(a[c].toArray(), b[c].toArray(), 1e-9, what + ": centre " + c);
            }
            assertEquals(spark.summary().trainingCost(), driver.summary().trainingCost(),
                1e-9 * spark.summary().trainingCost(), what + ": cost");
            assertEquals(spark.summary().numIter(), driver.summary().numIter(), what + ": iterations");
            List<Row> pa = spark.transform(rows).orderBy("customer_key").select("prediction").collectAsList();
            List<Row> pb = driver.summary().predictions().orderBy("customer_key").select("prediction").collectAsList();
            assertEquals(pa, pb, what + ": every row's cluster");
          }
        }
      } finally {
        rows.unpersist();
      }
    }
  }
}
