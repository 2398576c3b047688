package io.cxlake.segment;

import io.cxlake.pipeline.Modules;
import static org.apache.spark.sql.functions.*;
import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import io.cxlake.core.ConfigLoader;
import io.cxlake.core.CxlakeConfig;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Three well-separated blobs of 100 customers in two features: every algorithm picks k = 3 by
 * silhouette, recovers the blobs exactly (ARI 1), is stable across seeds, and numbers the
 * clusters by size.
 */
class ClusteringTest {
  private static Dataset<Row> blobs() {
    // Blob b has centre (10·[b = 1], 10·[b = 2]) and sizes 120, 100, 80; deterministic jitter within ±1.
    Column id = col("id");
    Column blob = when(id.lt(120), 0).when(id.lt(220), 1).otherwise(2);
    return TestSpark.session().range(300).select(concat(lit("c"), id).as("customer_key"), blob.as("blob"),
        when(blob.equalTo(1), 10.0).otherwise(0.0).plus(sin(id)).as("orders_per_month"),
        when(blob.equalTo(2), 10.0).otherwise(0.0).plus(cos(id.multiply(1.7))).as("nps_mean"));
  }

  private static SegmentationConfig.Cluster config(String algorithm) {
    // One start suffices for the k-means variants here; a mixture fit can stop with two
    // components sharing one blob, which the restarts (best likelihood) are there to avoid.
    return TestSpark.section(SegmentationConfig.SECTION, "segmentation: {cluster: {algorithm: " + algorithm
        + ", k: auto, k_range: [2, 4], sample_size: 1000, max_iter: 30, restarts: "
        + (algorithm.equals("gaussian_mixture") ? 3 : 1) + ", features: [{name: orders_per_month, transform: none}, "
        + "{name: nps_mean, transform: none}]}}").cluster();
  }

  @Test
  void everyAlgorithmFindsTheThreeBlobs() {
    Dataset<Row> data = blobs().cache();
    for (String algorithm : List.of("kmeans", "bisecting_kmeans", "gaussian_mixture")) {
      SegmentationConfig.Cluster cfg = config(algorithm);
      Clustering.Prepared p = Clustering.prepare(data, cfg.features());
      Clustering.Result r = Clustering.fit(p, cfg);
      assertEquals(3, r.k(), algorithm + ": silhouette by k " + r.silhouetteByK());
      assertEquals(List.of(2, 3, 4), List.copyOf(r.silhouetteByK().keySet()));
      Dataset<Row> joined = r.assigned().drop("blob").join(data.select("customer_key", "blob"), "customer_key");
      assertEquals(1.0, AdjustedRand.of(joined, "cluster_id", "blob"), 1e-12, algorithm);
      assertEquals(1.0, r.stabilityAri(), 1e-12, algorithm + " stability");
      // Renumbered by size: the 120-customer blob is cluster 1, the 80-customer blob cluster 3.
      assertEquals(120, joined.where("cluster_id = 1 AND blob = 0").count(), algorithm);
      assertEquals(80, joined.where("cluster_id = 3 AND blob = 2").count(), algorithm);
      assertTrue(joined.where("distance IS NULL OR distance < 0").isEmpty());
    }
    data.unpersist();
  }

  @Test
  void theSampleDependsOnTheKeysAndTheSeedNotOnHowTheRowsArePartitioned() {
    Dataset<Row> data = blobs();
    for (int size : List.of(1000, 150)) {
      List<Row> one = Clustering.sample(data.repartition(3), 300, size, 7L).collectAsList();
      List<Row> other = Clustering.sample(data.repartition(5).orderBy(col("customer_key").desc()), 300, size, 7L)
          .collectAsList();
      assertEquals(one, other, "sample of " + size);
      assertEquals(List.copyOf(new java.util.TreeSet<>(one.stream().map(r -> r.<String>getAs("customer_key")).toList())),
          one.stream().map(r -> r.<String>getAs("customer_key")).toList(), "in customer order");
      if (size == 1000) {
        assertEquals(300, one.size(), "fewer customers than the sample size: all of them");
      } else {
        assertTrue(one.size() > 110 && one.size() <= size, "about half, never more than the sample size: " + one.size());
        assertNotEquals(one, Clustering.sample(data, 300, size, 8L).collectAsList(), "another seed, another sample");
      }
    }
  }

  @Test
  void aSampleNeverHoldsMoreRowsThanTheSampleSize() {
    Dataset<Row> data = blobs();
    int size = 150;
    int capped = 0;
    for (long seed = 1; seed <= 12; seed++) {
      // what the hash alone keeps: about half of the 300, more than 150 for some seeds
      long hashed = data.where(pmod(xxhash64(col("customer_key"), lit(seed)), lit(1_000_000L)).lt(lit(500_000L))).count();
      long sampled = Clustering.sample(data, 300, size, seed).count();
      assertEquals(Math.min(hashed, size), sampled, "seed " + seed);
      capped += hashed > size ? 1 : 0;
    }
    assertTrue(capped > 0, "no seed drew more than the sample size: the cap was not exercised");
  }

  @Test
  void missingValuesAreImputedWithTheMedian() {
    Dataset<Row> data = blobs().withColumn("nps_mean", when(col("customer_key").equalTo("c5"), lit(null)).otherwise(col("nps_mean")));
    Clustering.Prepared p = Clustering.prepare(data, config("kmeans").features());
    Row median = data.agg(percentile_approx(col("nps_mean"), lit(0.5), lit(10000))).first();
    assertEquals(median.getDouble(0), p.scaling().medians().get("nps_mean"), 1e-9);
    assertEquals(median.getDouble(0), p.rows().where("customer_key = 'c5'").first().<Double>getAs("nps_mean"), 1e-9);
  }
}
