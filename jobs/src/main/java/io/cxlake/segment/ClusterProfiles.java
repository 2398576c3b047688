package io.cxlake.segment;

import static org.apache.spark.sql.functions.*;

import io.cxlake.core.CxlakeConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Per-cluster profiles in original units and the generated labels. Two small aggregations
 * (population, per cluster); the k rows come to the driver to build the labels.
 */
public final class ClusterProfiles {
  private ClusterProfiles() {}

  /** One feature of one cluster. */
  public record Stat(String feature, double clusterMean, double populationMean, double populationSd, double z) {}

  /** A cluster: id, size, share, label and its feature statistics in configured order. */
  public record Profile(int clusterId, long customers, double sharePct, String label, List<Stat> stats,
      Set<String> labelFeatures) {}

  /** Profiles of the clusters in {@code assigned} (cluster_id plus the imputed raw features). */
  public static List<Profile> build(Dataset<Row> assigned, List<String> features, double minZ) {
    List<Column> pop = new ArrayList<>();
    pop.add(count(lit(1)));
    for (String f : features) {
      pop.add(avg(f));
      pop.add(stddev_pop(f));
    }
    Row p = assigned.agg(pop.get(0), pop.subList(1, pop.size()).toArray(Column[]::new)).first();
    long total = p.getLong(0);
    if (total == 0) {
      return List.of(); // nobody qualified on this day (a model fitted earlier assigns no one)
    }
    List<Column> per = new ArrayList<>();
    for (String f : features) {
      per.add(avg(f));
    }
    List<Row> clusters = assigned.groupBy("cluster_id")
        .agg(count(lit(1)).as("n"), per.toArray(Column[]::new)).orderBy("cluster_id").collectAsList();
    List<Profile> out = new ArrayList<>();
    for (Row c : clusters) {
      List<Stat> stats = new ArrayList<>();
      for (int i = 0; i < features.size(); i++) {
        double mean = p.getDouble(1 + 2 * i);
        double sd = p.getDouble(2 + 2 * i);
        double cm = c.getDouble(2 + i);
        stats.add(new Stat(features.get(i), cm, mean, sd, sd > 0 ? (cm - mean) / sd : 0.0));
      }
      long n = c.getLong(1);
      out.add(new Profile(c.getInt(0), n, 100.0 * n / total, null, stats, Set.of()));
    }
    return label(out, minZ);
  }

  /**
   * Labels from the features with the largest |z| (at least {@code minZ}), up to three, in the
   * catalogue's words: "buys often, high spend per order, rarely contacts support". A label that
   * would repeat another cluster's takes one more feature, else the cluster number.
   */
  static List<Profile> label(List<Profile> profiles, double minZ) {
    List<Profile> out = new ArrayList<>();
    Set<String> used = new HashSet<>();
    for (Profile pr : profiles) {
      List<Stat> strong = pr.stats().stream().filter(s -> Math.abs(s.z()) >= minZ)
          .sorted(Comparator.comparingDouble((Stat s) -> -Math.abs(s.z())).thenComparing(Stat::feature)).toList();
      String label = strong.isEmpty() ? "typical customers" : null;
      String candidate = null;
      Set<String> chosen = new java.util.LinkedHashSet<>();
      for (int take = Math.min(3, strong.size()); label == null && take <= strong.size(); take++) {
        chosen.clear();
        List<String> words = new ArrayList<>();
        for (Stat s : strong.subList(0, take)) {
          ClusterFeatures.Feature f = ClusterFeatures.CATALOGUE.get(s.feature());
          words.add(s.z() > 0 ? f.high() : f.low());
          chosen.add(s.feature());
        }
        candidate = String.join(", ", words);
        if (!used.contains(candidate)) {
          label = candidate;
        }
      }
      if (label == null) {
        label = candidate;
      }
      if (used.contains(label)) {
        label = label + " (cluster " + pr.clusterId() + ")";
      }
      used.add(label);
      out.add(new Profile(pr.clusterId(), pr.customers(), pr.sharePct(), label, pr.stats(), Set.copyOf(chosen)));
    }
    return out;
  }

  /** The label per cluster id. */
  static Map<Integer, String> labels(List<Profile> profiles) {
    Map<Integer, String> m = new LinkedHashMap<>();
    for (Profile p : profiles) {
      m.put(p.clusterId(), p.label());
    }
    return m;
  }

  /** Transform of each configured feature. */
  static Map<String, String> transforms(List<SegmentationConfig.ClusterFeature> features) {
    Map<String, String> m = new LinkedHashMap<>();
    for (SegmentationConfig.ClusterFeature f : features) {
      m.put(f.name(), f.transform());
    }
    return m;
  }
}
