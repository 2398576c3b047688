package io.cxlake.segment;

import static org.apache.spark.sql.functions.*;
import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import io.cxlake.contract.GoldWriter;
import io.cxlake.core.JobContext;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * A fit is recorded with its scaling and id map and its model saved; the runs less than
 * segmentation.cluster.refit_days after it assign with it, exactly as the fit did, and keep a
 * cluster's id when the cluster sizes change; a run a refit period on, before the fit, with
 * other settings, on --full-refresh, with refit_days 0, or when the saved model is gone fits.
 * Three blobs of 120, 100 and 80 customers in two features (as in {@link ClusteringTest}).
 */
class ClusterRefitTest {
  private static final String PREFIX = "clusterrefit";
  private static final LocalDate FIT = LocalDate.of(2026, 6, 30);
  private static final String SETTINGS = "segmentation: {cluster: {k: auto, k_range: [2, 4], restarts: 1, "
      + "features: [{name: orders_per_month, transform: none}, {name: nps_mean, transform: none}]";

  /** Blob b has centre (10·[b = 1], 10·[b = 2]); blob sizes as given; deterministic jitter within ±1. */
  private static Dataset<Row> blobs(int first, int second, int third) {
    Column id = col("id");
    Column blob = when(id.lt(first), 0).when(id.lt(first + second), 1).otherwise(2);
    return TestSpark.session().range(first + second + third).select(concat(lit("c"), id).as("customer_key"), blob.as("blob"),
        when(blob.equalTo(1), 10.0).otherwise(0.0).plus(sin(id)).as("orders_per_month"),
        when(blob.equalTo(2), 10.0).otherwise(0.0).plus(cos(id.multiply(1.7))).as("nps_mean"));
  }

  private static JobContext context(LocalDate asOf, String more, boolean fullRefresh) {
    return JobContext.create(TestSpark.session(), TestSpark.config(PREFIX,
        TestSpark.repoRoot().resolve("conf/sources.yaml").toString(), SETTINGS + more + "}}"), asOf, null, fullRefresh);
  }

  private static SegmentationConfig.Cluster cluster(JobContext ctx) {
    return ctx.config().get(SegmentationConfig.SECTION).cluster();
  }

  private static List<Row> ids(Dataset<Row> assigned) {
    return assigned.select("customer_key", "cluster_id", "distance").orderBy("customer_key").collectAsList();
  }

  @Test
  void runsWithinRefitDaysAssignWithTheLatestFit() {
    TestSpark.dropDatabases(PREFIX);
    JobContext fitDay = context(FIT, "", false);
    SegmentationConfig.Cluster cfg = cluster(fitDay);
    assertEquals(7, cfg.refitDays(), "the packaged default");
    assertNull(ClusterFits.usable(fitDay, cfg, FIT), "no fit recorded yet");
    Dataset<Row> data = blobs(120, 100, 80).cache();
    Clustering.Prepared prepared = Clustering.prepare(data, cfg.features());
    Clustering.Result result = Clustering.fit(prepared, cfg);
    GoldWriter writer = new GoldWriter(fitDay);
    ClusterFits.record(fitDay, writer, cfg, FIT, 300, result, prepared.scaling());
    assertEquals(List.of(), writer.problems());
    Row recorded = fitDay.spark().table(fitDay.catalog().gold("cluster_model")).first();
    assertEquals(3, recorded.<Integer>getAs("k"));
    assertEquals(result.clusterIds(), recorded.<Integer, Integer>getJavaMap(recorded.fieldIndex("cluster_ids")));
    assertEquals(prepared.scaling().means(), recorded.getJavaMap(recorded.fieldIndex("feature_means")));

    // the same day and six days on: the fit's model, scaling and ids; the same assignments as the fit's
    for (LocalDate day : List.of(FIT, FIT.plusDays(6))) {
      JobContext ctx = context(day, "", false);
      ClusterFits.Fit fit = ClusterFits.usable(ctx, cluster(ctx), day);
      assertNotNull(fit, day.toString());
      assertEquals(FIT, fit.figures().fitAsOf());
      assertEquals(result.k(), fit.figures().k());
      assertEquals(result.silhouetteByK(), fit.figures().silhouetteByK());
      assertEquals(prepared.scaling(), fit.scaling());
      assertEquals(ids(result.assigned()),
          ids(Clustering.assignWith(fit.model(), fit.clusterIds(), Clustering.prepare(data, cfg.features(), fit.scaling()).rows())));
    }

    // The blobs change size (now 30, 100, 170): a refit would number the third blob 1. With the
    // fit's model each customer of the first blob keeps the id its blob had at the fit (1).
    ClusterFits.Fit fit = ClusterFits.usable(context(FIT.plusDays(3), "", false), cfg, FIT.plusDays(3));
    Dataset<Row> later = blobs(30, 100, 170);
    Dataset<Row> assigned = Clustering.assignWith(fit.model(), fit.clusterIds(),
        Clustering.prepare(later, cfg.features(), fit.scaling()).rows());
    assertEquals(List.of(1, 2, 3), assigned.groupBy("blob").agg(min("cluster_id"), max("cluster_id")).orderBy("blob")
        .collectAsList().stream().map(r -> {
          assertEquals(r.getInt(1), r.getInt(2), "one id per blob: " + r);
          return r.getInt(1);
        }).toList());
    Clustering.Result refit = Clustering.fit(Clustering.prepare(later, cfg.features()), cfg);
    assertEquals(170, refit.assigned().where("cluster_id = 1").count(), "a refit numbers by today's sizes");

    // a refit period on, a day before the fit, other settings, --full-refresh, refit_days 0: fit
    assertNull(ClusterFits.usable(context(FIT.plusDays(7), "", false), cfg, FIT.plusDays(7)));
    assertNull(ClusterFits.usable(context(FIT.minusDays(1), "", false), cfg, FIT.minusDays(1)));
    JobContext otherSeed = context(FIT.plusDays(1), ", seed: 7", false);
    assertNull(ClusterFits.usable(otherSeed, cluster(otherSeed), FIT.plusDays(1)));
    assertNull(ClusterFits.usable(context(FIT.plusDays(1), "", true), cfg, FIT.plusDays(1)));
    JobContext everyRun = context(FIT.plusDays(1), ", refit_days: 0", false);
    assertNull(ClusterFits.usable(everyRun, cluster(everyRun), FIT.plusDays(1)));
    JobContext longer = context(FIT.plusDays(20), ", refit_days: 30", false);
    assertNotNull(ClusterFits.usable(longer, cluster(longer), FIT.plusDays(20)), "refit_days is part of no setting");

    // the saved model gone (a vacuumed or moved folder): fit, no error
    fitDay.spark().sql("UPDATE " + fitDay.catalog().gold("cluster_model") + " SET model_path = model_path || '-gone'");
    assertNull(ClusterFits.usable(context(FIT.plusDays(1), "", false), cfg, FIT.plusDays(1)));
    data.unpersist();
  }
}
