package io.cxlake.segment;

import io.cxlake.platform.Pseudonym;
import static org.apache.spark.sql.functions.*;
import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.GeneratedLakehouse;
import io.cxlake.TestSpark;
import io.cxlake.contract.ContractAssert;
import io.cxlake.contract.TableContract;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Segment and cluster stages on generated data (scale 0.05, seed 2024): the clusters recover
 * the planted personas, the silhouette picks their number, every table carries its contract,
 * customer_360 receives the segmentation columns, and a rerun gives the same clusters.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SegmentationRecoveryIT {
  private static GeneratedLakehouse lake;
  private static SparkSession spark;

  @BeforeAll
  static void run() throws Exception {
    lake = GeneratedLakehouse.get();
    spark = TestSpark.session();
    List<io.cxlake.core.JobRunner.StageOutcome> out = lake.run(TestSpark.plan("segment", "cluster"));
    assertEquals(List.of("segment", "cluster", "enrich"), out.stream().map(o -> o.stage()).toList());
    long customers = lake.truth.at("/generator/customers").asLong();
    out.subList(0, 2).forEach(o -> assertEquals(customers, o.result().rowsIn(), o.stage() + " reads one row per customer"));
  }

  private static Dataset<Row> personas() {
    return spark.read().option("header", true).csv(lake.localLanding.resolve("_truth/personas.csv").toString())
        .select(Pseudonym.customerKey(col("customer_id"), io.cxlake.platform.PseudonymSecret.of(lake.context(""))).as("customer_key"), col("persona"));
  }

  @Test
  @Order(1)
  void clustersRecoverThePlantedPersonas() {
    Dataset<Row> joined = spark.table(lake.gold("customer_cluster")).where("is_clustered").join(personas(), "customer_key");
    long clustered = joined.count();
    long customers = lake.truth.at("/generator/customers").asLong();
    assertTrue(clustered > 0.7 * customers, "most customers have enough history to be clustered: " + clustered);
    double ari = AdjustedRand.of(joined, "cluster_id", "persona");
    System.out.printf("segmentation recovery: ARI %.4f over %d clustered customers%n", ari, clustered);
    assertTrue(ari >= 0.8, "adjusted Rand index vs planted personas: " + ari);
  }

  @Test
  @Order(2)
  void silhouettePicksThePlantedNumberOfPersonas() {
    long planted = personas().select("persona").distinct().count();
    Row fit = spark.table(lake.gold("cluster_profile")).select("k", "silhouette", "stability_ari", "silhouette_by_k").first();
    assertEquals(planted, fit.getInt(0), "k chosen by silhouette; by k: " + fit.get(3));
    assertTrue(fit.getDouble(2) >= 0.9, "two seeds agree: ARI " + fit.getDouble(2));
    assertEquals(planted, spark.table(lake.gold("cluster_profile")).select("cluster_id").distinct().count());
  }

  @Test
  @Order(3)
  void rfmValueAndClusterCoverEveryCustomerAndFeedCustomer360() {
    long customers = spark.table(lake.gold("customer_360")).count();
    for (String t : List.of("customer_rfm", "customer_value", "customer_cluster")) {
      assertEquals(customers, spark.table(lake.gold(t)).count(), t + ": one row per customer");
    }
    Row c360 = spark.sql("SELECT count(rfm_segment), count(value_score), count(pareto_class), count(cluster_id), "
        + "count(cluster_label) FROM " + lake.gold("customer_360")).first();
    long clustered = spark.table(lake.gold("customer_cluster")).where("is_clustered").count();
    assertEquals(customers, c360.getLong(0));
    assertEquals(customers, c360.getLong(1));
    assertEquals(customers, c360.getLong(2));
    assertEquals(clustered, c360.getLong(3));
    assertEquals(customers, c360.getLong(4), "unclustered customers are labelled with the reason");
    // Pareto: class A makes at least 80% of revenue, and without its smallest member less than 80%.
    Row a = spark.sql("SELECT sum(revenue_share_pct), min(revenue_share_pct) FROM " + lake.gold("customer_value")
        + " WHERE pareto_class = 'A'").first();
    assertTrue(a.getDouble(0) >= 80 - 1e-6 && a.getDouble(0) - a.getDouble(1) < 80, a.toString());
  }

  @Test
  @Order(4)
  void everySegmentationTableCarriesItsContract() {
    for (TableContract c : SegmentContracts.all()) {
      ContractAssert.carries(spark, lake.gold(c.name()), c);
    }
    assertEquals(0, spark.table(GeneratedLakehouse.PREFIX + "_ops.dq_result").where("status = 'fail'").count());
  }

  @Test
  @Order(5)
  void aRerunGivesTheSameClusters() {
    List<Row> before = spark.table(lake.gold("customer_cluster")).select("customer_key", "cluster_id", "distance")
        .orderBy("customer_key").collectAsList();
    long fits = spark.table(lake.gold("cluster_model")).count();
    lake.run(TestSpark.plan("cluster"));
    // the rerun assigned with the first run's model (segmentation.cluster.refit_days): no second fit
    assertEquals(fits, spark.table(lake.gold("cluster_model")).count());
    assertEquals(0, spark.table(lake.gold("customer_cluster")).where("fit_as_of_date <> as_of_date").count());
    List<Row> after = spark.table(lake.gold("customer_cluster")).select("customer_key", "cluster_id", "distance")
        .orderBy("customer_key").collectAsList();
    assertEquals(before, after);
  }
}
