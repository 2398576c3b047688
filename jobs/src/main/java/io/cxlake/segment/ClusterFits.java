package io.cxlake.segment;

import static org.apache.spark.sql.functions.*;

import io.cxlake.contract.GoldWriter;
import io.cxlake.core.JobContext;
import io.cxlake.core.JobRunner;
import io.cxlake.core.Progress;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Model;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The clustering model of one fit: saved under {@code <files root>/_models/cluster/<run id>/},
 * recorded in cluster_model with the scaling it was fitted on and how its cluster numbers map
 * to cluster ids, and used by the runs less than segmentation.cluster.refit_days after it. The
 * k sweep, the stability fit and the scaling aggregations are the cost of a fit; a run between
 * fits only scales and assigns, and a customer whose behaviour did not change keeps its id.
 */
final class ClusterFits {
  private ClusterFits() {}

  /** The figures of the fit whose model assigned a run's clusters. */
  record Figures(String algorithm, int k, double silhouette, Map<Integer, Double> silhouetteByK, double stabilityAri,
      LocalDate fitAsOf) {
    static Figures of(Clustering.Result fit, LocalDate asOf) {
      return new Figures(fit.algorithm(), fit.k(), fit.silhouette(), fit.silhouetteByK(), fit.stabilityAri(), asOf);
    }
  }

  /** A recorded fit a run assigns with. */
  record Fit(Model<?> model, Clustering.Scaling scaling, Map<Integer, Integer> clusterIds, Figures figures, String runId) {}

  static String path(JobContext ctx, String runId) {
    return ctx.catalog().filesRoot(ctx.spark()) + "/_models/cluster/" + runId;
  }

  /** What the model depends on: a change of any of these settings, or of cxlake, refits. */
  static String settings(SegmentationConfig.Cluster c) {
    List<String> features = c.features().stream().map(f -> f.name() + ":" + f.transform()).toList();
    return "algorithm=" + c.algorithm() + " k=" + c.k() + " k_range=" + c.kRange() + " sample_size=" + c.sampleSize()
        + " window_days=" + c.windowDays() + " min_orders=" + c.minOrders() + " share_prior=" + c.sharePrior()
        + " seed=" + c.seed() + " stability_seed=" + c.stabilitySeed() + " max_iter=" + c.maxIter()
        + " restarts=" + c.restarts() + " features=" + features + " cxlake=" + io.cxlake.core.CxlakeVersion.current();
  }

  /**
   * The latest fit of at most refit_days − 1 days before the as-of date (never after it: that
   * fit saw later behaviour) with this run's settings; null when the run must fit (and why is
   * logged): --full-refresh, refit_days 0, no such fit, or its saved model cannot be read.
   */
  static Fit usable(JobContext ctx, SegmentationConfig.Cluster cfg, LocalDate asOf) {
    String why = null;
    String table = ctx.catalog().gold(SegmentContracts.CLUSTER_MODEL.name());
    Row last = null;
    if (ctx.fullRefresh()) {
      why = "full refresh";
    } else if (cfg.refitDays() == 0) {
      why = "segmentation.cluster.refit_days is 0";
    } else if (!ctx.spark().catalog().tableExists(table)) {
      why = "no fit recorded yet";
    } else {
      last = ctx.spark().table(table)
          .where(col("as_of_date").leq(lit(Date.valueOf(asOf)))
              .and(col("as_of_date").gt(lit(Date.valueOf(asOf.minusDays(cfg.refitDays())))))
              .and(col("settings").equalTo(settings(cfg))))
          .orderBy(col("as_of_date").desc(), col("fitted_at").desc()).limit(1)
          .select("run_id", "as_of_date", "algorithm", "k", "silhouette", "silhouette_by_k", "stability_ari",
              "feature_medians", "feature_means", "feature_sds", "cluster_ids", "model_path")
          .collectAsList().stream().findFirst().orElse(null);
      if (last == null) {
        why = "no fit with these settings in the " + cfg.refitDays() + " days up to " + asOf
            + " (segmentation.cluster.refit_days)";
      }
    }
    if (why != null) {
      Progress.info("cluster: fitting ({})", why);
      return null;
    }
    try {
      Model<?> model = Clustering.load(last.getString(2), last.getString(11));
      Figures figures = new Figures(last.getString(2), last.getInt(3), last.isNullAt(4) ? Double.NaN : last.getDouble(4),
          new java.util.TreeMap<>(last.<Integer, Double>getJavaMap(5)), last.isNullAt(6) ? Double.NaN : last.getDouble(6),
          last.getDate(1).toLocalDate());
      Clustering.Scaling scaling = new Clustering.Scaling(last.getJavaMap(7), last.getJavaMap(8), last.getJavaMap(9));
      Progress.info("cluster: assigning with the model fitted as of {} by run {} (a fit less than "
          + "segmentation.cluster.refit_days = {} days before {})", figures.fitAsOf(), last.getString(0), cfg.refitDays(), asOf);
      return new Fit(model, scaling, last.getJavaMap(10), figures, last.getString(0));
    } catch (Exception unreadable) { // Spark's AnalysisException (path not found) is checked in Java terms
      Progress.info("cluster: fitting (the saved model of run {} cannot be read: {})", last.getString(0),
          JobRunner.oneLine(unreadable));
      return null;
    }
  }

  /** Saves a fit's model and records it in cluster_model: the last write of a run, so a killed run leaves no record. */
  static void record(JobContext ctx, GoldWriter writer, SegmentationConfig.Cluster cfg, LocalDate asOf, long customers,
      Clustering.Result result, Clustering.Scaling scaling) {
    String path = path(ctx, ctx.runId());
    Clustering.save(result.model(), path);
    Dataset<Row> row = ctx.spark().range(1).select(lit(ctx.runId()).as("run_id"), lit(Date.valueOf(asOf)).as("as_of_date"),
        current_timestamp().as("fitted_at"), lit(result.algorithm()).as("algorithm"), lit(customers).as("customers"),
        lit(result.k()).as("k"), lit(result.silhouette()).as("silhouette"),
        map(result.silhouetteByK(), "int", "double").as("silhouette_by_k"), lit(result.stabilityAri()).as("stability_ari"),
        map(scaling.medians(), "string", "double").as("feature_medians"),
        map(scaling.means(), "string", "double").as("feature_means"),
        map(scaling.sds(), "string", "double").as("feature_sds"),
        map(result.clusterIds(), "int", "int").as("cluster_ids"),
        lit(settings(cfg)).as("settings"), lit(path).as("model_path"));
    writer.replace(SegmentContracts.CLUSTER_MODEL, row, "run_id = '" + ctx.runId() + "'");
  }

  /** A literal map column in the entries' order. */
  private static Column map(Map<?, ?> entries, String keyType, String valueType) {
    List<Column> keys = new ArrayList<>();
    List<Column> values = new ArrayList<>();
    entries.forEach((k, v) -> {
      keys.add(lit(k));
      values.add(lit(v));
    });
    return map_from_arrays(array(keys.toArray(Column[]::new)).cast("array<" + keyType + ">"),
        array(values.toArray(Column[]::new)).cast("array<" + valueType + ">"));
  }
}
