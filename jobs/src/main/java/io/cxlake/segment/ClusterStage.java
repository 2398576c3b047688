package io.cxlake.segment;

import io.cxlake.core.TableRef;
import io.cxlake.platform.CustomerColumn;
import io.cxlake.platform.StageModule;
import io.cxlake.metrics.MetricsConfig;
import static org.apache.spark.sql.functions.*;

import io.cxlake.contract.GoldWriter;
import io.cxlake.core.CxlakeConfig;
import io.cxlake.core.CxlakeException;
import io.cxlake.core.Entities;
import io.cxlake.core.JobContext;
import io.cxlake.core.Progress;
import io.cxlake.core.Stage;
import io.cxlake.core.StageResult;
import io.cxlake.metrics.GoldContracts;
import java.sql.Date;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * customer_cluster and cluster_profile for one as-of date (latest customer_360 snapshot unless
 * --as-of); replaces that date's rows, then updates the snapshot's cluster columns in customer_360.
 * A run fits (k sweep, stability, scaling) at most every segmentation.cluster.refit_days and
 * records the fit in cluster_model; the runs in between assign with it ({@link ClusterFits}).
 */
public final class ClusterStage implements Stage {
  public static final String NAME = "cluster";

  /** Customer clusters. */
  public static final StageModule MODULE = StageModule.define(NAME,
          "Clusters customers on the configured features (k by silhouette; fitted every "
              + "segmentation.cluster.refit_days, assigned with the latest fit in between), writes customer_cluster, "
              + "cluster_profile with plain-language labels and cluster_model.")
      .config(SegmentationConfig.SECTION)
      .requires(GoldContracts.CUSTOMER_360, GoldContracts.FACT_ORDER)   // customers qualify by their orders
      .optional(GoldContracts.FACT_INTERACTION, GoldContracts.FACT_SURVEY_RESPONSE,
          SegmentContracts.CUSTOMER_RFM, SegmentContracts.CUSTOMER_VALUE)
      .optional(TableRef.silver(Entities.DIGITAL_EVENTS.silverTable()))
      .writes(SegmentContracts.CUSTOMER_CLUSTER, SegmentContracts.CLUSTER_PROFILE, SegmentContracts.CLUSTER_MODEL)
      .contributes(
          CustomerColumn.of("cluster_id", "int", "Segment: cluster number (customer_cluster; 1 = the largest at the fit); null when not clustered", SegmentContracts.CUSTOMER_CLUSTER, "cluster_id")
              .checked(b -> b.min(1)),
          CustomerColumn.of("cluster_label", "string", "Segment: plain-language label of the cluster", SegmentContracts.CUSTOMER_CLUSTER, "cluster_label"))
      .build(registry -> new ClusterStage());

  private static final Set<String> RFM_FEATURES = Set.of("recency_days", "frequency", "monetary");
  private static final Set<String> VALUE_FEATURES = Set.of("attitude_score", "behaviour_score", "consumption_score",
      "value_score");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(JobContext ctx) {
    SegmentationConfig.Cluster cfg = ctx.config().get(SegmentationConfig.SECTION).cluster();
    Snapshot snap = Snapshot.resolve(ctx);
    List<String> names = cfg.features().stream().map(SegmentationConfig.ClusterFeature::name).toList();
    Progress.info("clustering for as-of {}: {} on {} features", snap.asOf(), cfg.algorithm(), names.size());
    Dataset<Row> rfm = names.stream().anyMatch(RFM_FEATURES::contains) ? segmentTable(ctx, snap, SegmentContracts.CUSTOMER_RFM.name()) : null;
    Dataset<Row> value = names.stream().anyMatch(VALUE_FEATURES::contains)
        ? segmentTable(ctx, snap, SegmentContracts.CUSTOMER_VALUE.name()) : null;
    ClusterFeatures.Inputs in = new ClusterFeatures.Inputs(snap.c360(), gold(ctx, GoldContracts.FACT_ORDER.name()),
        gold(ctx, GoldContracts.FACT_INTERACTION.name()), gold(ctx, GoldContracts.FACT_SURVEY_RESPONSE.name()),
        ctx.spark().table(ctx.catalog().silver(Entities.DIGITAL_EVENTS.silverTable())), rfm, value,
        io.cxlake.platform.PseudonymSecret.of(ctx));
    // Fixed partitioning and order: the sample and the algorithms' initialisation see the same
    // rows in the same order on every run, so a rerun gives the same clusters.
    io.cxlake.platform.CacheScope cache = io.cxlake.platform.CacheScope.open();
    Dataset<Row> features = ClusterFeatures.build(in, snap.asOf(), cfg.windowDays(), cfg.sharePrior(), cache)
        .repartition(ctx.spark().sessionState().conf().numShufflePartitions(), col("customer_key"))
        .sortWithinPartitions("customer_key")
        .persist(StorageLevel.MEMORY_AND_DISK());
    long customers = features.count(); // materialises the persisted features: one row per snapshot customer
    GoldWriter writer = new GoldWriter(ctx);
    Dataset<Row> assigned = null;
    Clustering.Prepared prepared = null;
    boolean fitted = false;
    try {
      Dataset<Row> eligible = features.where(col("completed_orders").geq(cfg.minOrders()))
          .select(concatCols("customer_key", names));
      ClusterFits.Fit reused = ClusterFits.usable(ctx, cfg, snap.asOf());
      long t0 = System.nanoTime();
      prepared = reused == null ? Clustering.prepare(eligible, cfg.features())
          : Clustering.prepare(eligible, cfg.features(), reused.scaling());
      prepared.rows().persist(StorageLevel.MEMORY_AND_DISK());
      Progress.info("features of {} snapshot customers ready in {} s", customers, secs(t0));
      ClusterFits.Figures figures;
      Clustering.Result result = null;
      if (reused == null) {
        long t1 = System.nanoTime();
        result = Clustering.fit(prepared, cfg);
        Progress.info("k selection and fit in {} s", secs(t1));
        assigned = result.assigned();
        figures = ClusterFits.Figures.of(result, snap.asOf());
      } else {
        assigned = Clustering.assignWith(reused.model(), reused.clusterIds(), prepared.rows());
        figures = reused.figures();
      }
      assigned = assigned.persist(StorageLevel.MEMORY_AND_DISK());
      List<ClusterProfiles.Profile> profiles = ClusterProfiles.build(assigned, names, cfg.labelMinZ());
      Map<Integer, String> labels = ClusterProfiles.labels(profiles);

      Column label = lit("not clustered: fewer than " + cfg.minOrders() + " completed orders in the last "
          + cfg.windowDays() + " days");
      Column byId = lit(null).cast("string");
      for (Map.Entry<Integer, String> e : labels.entrySet()) {
        byId = when(col("cluster_id").equalTo(e.getKey()), e.getValue()).otherwise(byId);
      }
      Dataset<Row> clusterRows = features.select("customer_key", "completed_orders")
          .join(assigned.select("customer_key", "cluster_id", "distance"), new String[] {"customer_key"}, "left")
          .select(lit(Date.valueOf(snap.asOf())).as("as_of_date"), col("customer_key"), col("cluster_id"),
              when(col("cluster_id").isNotNull(), byId).otherwise(label).as("cluster_label"),
              col("cluster_id").isNotNull().as("is_clustered"), col("completed_orders"), col("distance"),
              lit(cfg.algorithm()).as("algorithm"), lit(Date.valueOf(figures.fitAsOf())).as("fit_as_of_date"));
      writer.replace(SegmentContracts.CUSTOMER_CLUSTER, clusterRows, snap.where());
      writer.replace(SegmentContracts.CLUSTER_PROFILE, profileRows(ctx, snap, cfg, figures, profiles), snap.where());
      if (result != null) {
        ClusterFits.record(ctx, writer, cfg, snap.asOf(), profiles.stream().mapToLong(ClusterProfiles.Profile::customers).sum(),
            result, prepared.scaling());
        fitted = true;
      }
      print(figures, profiles, snap.asOf());
    } finally {
      writer.flush();
      if (assigned != null) {
        assigned.unpersist();
      }
      if (prepared != null) {
        prepared.rows().unpersist();
      }
      features.unpersist();
      cache.close();
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("tables_written", (long) writer.tablesWritten());
    counts.put("fitted", fitted ? 1L : 0L);
    return new StageResult(customers, writer.rowsWritten(), counts, writer.problems());
  }

  private static Column[] concatCols(String first, List<String> rest) {
    List<Column> cols = new ArrayList<>();
    cols.add(col(first));
    rest.forEach(n -> cols.add(col(n)));
    return cols.toArray(Column[]::new);
  }

  private static Dataset<Row> gold(JobContext ctx, String table) {
    return ctx.spark().table(ctx.catalog().gold(table));
  }

  private static Dataset<Row> segmentTable(JobContext ctx, Snapshot snap, String table) {
    if (!ctx.spark().catalog().tableExists(ctx.catalog().gold(table)) || snap.gold(ctx, table).isEmpty()) {
      throw new CxlakeException("segmentation.cluster.features uses " + table + " columns, but " + table
          + " has no rows for " + snap.asOf() + ": run `cxlake segment` first");
    }
    return snap.gold(ctx, table);
  }

  private static Dataset<Row> profileRows(JobContext ctx, Snapshot snap, SegmentationConfig.Cluster cfg,
      ClusterFits.Figures fit, List<ClusterProfiles.Profile> profiles) {
    Map<String, String> transforms = ClusterProfiles.transforms(cfg.features());
    List<Row> rows = new ArrayList<>();
    for (ClusterProfiles.Profile p : profiles) {
      for (ClusterProfiles.Stat s : p.stats()) {
        rows.add(RowFactory.create(Date.valueOf(snap.asOf()), p.clusterId(), p.label(), p.customers(),
            Math.round(p.sharePct() * 1e4) / 1e4, s.feature(), ClusterFeatures.CATALOGUE.get(s.feature()).description(),
            transforms.get(s.feature()), round6(s.clusterMean()), round6(s.populationMean()), round6(s.populationSd()),
            round6(s.z()), p.labelFeatures().contains(s.feature()), fit.algorithm(), fit.k(),
            round6(fit.silhouette()), round6(fit.stabilityAri()), Date.valueOf(fit.fitAsOf())));
      }
    }
    StructType schema = new StructType()
        .add("as_of_date", DataTypes.DateType).add("cluster_id", DataTypes.IntegerType)
        .add("cluster_label", DataTypes.StringType).add("customers", DataTypes.LongType)
        .add("share_pct", DataTypes.DoubleType).add("feature", DataTypes.StringType)
        .add("feature_description", DataTypes.StringType).add("transform", DataTypes.StringType)
        .add("cluster_mean", DataTypes.DoubleType).add("population_mean", DataTypes.DoubleType)
        .add("population_sd", DataTypes.DoubleType).add("z_score", DataTypes.DoubleType)
        .add("in_label", DataTypes.BooleanType).add("algorithm", DataTypes.StringType)
        .add("k", DataTypes.IntegerType).add("silhouette", DataTypes.DoubleType)
        .add("stability_ari", DataTypes.DoubleType).add("fit_as_of_date", DataTypes.DateType);
    List<Column> ks = new ArrayList<>();
    List<Column> sils = new ArrayList<>();
    fit.silhouetteByK().forEach((k, s) -> {
      ks.add(lit(k));
      sils.add(lit(round6(s)));
    });
    return ctx.spark().createDataFrame(rows, schema).withColumn("silhouette_by_k",
        map_from_arrays(array(ks.toArray(Column[]::new)), array(sils.toArray(Column[]::new))));
  }

  private static String secs(long since) {
    return String.format("%.1f", (System.nanoTime() - since) / 1e9);
  }

  private static double round6(double x) {
    return Math.round(x * 1e6) / 1e6;
  }

  private static void print(ClusterFits.Figures fit, List<ClusterProfiles.Profile> profiles, java.time.LocalDate asOf) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("Clusters: %s, k=%d (silhouette %.3f; by k: %s), stability ARI %.3f between two seeds",
        fit.algorithm(), fit.k(), fit.silhouette(), format(fit.silhouetteByK()), fit.stabilityAri()));
    if (!fit.fitAsOf().equals(asOf)) {
      sb.append(" (the fit as of ").append(fit.fitAsOf()).append(')');
    }
    for (ClusterProfiles.Profile p : profiles) {
      sb.append(String.format("%n  %d  %7d customers %5.1f%%  %s", p.clusterId(), p.customers(), p.sharePct(), p.label()));
    }
    System.out.println(sb);
  }

  private static String format(Map<Integer, Double> byK) {
    List<String> parts = new ArrayList<>();
    byK.forEach((k, s) -> parts.add(k + ": " + String.format("%.3f", s)));
    return String.join(", ", parts);
  }
}
