package io.cxlake.segment;

import io.cxlake.metrics.MetricsConfig;
import io.cxlake.core.Tier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import io.cxlake.core.ConfigCheck;
import io.cxlake.core.ConfigSection;

/** Segmentation (SPEC §8.1–§8.3): RFM, the ABC value model and clustering. */
public record SegmentationConfig(Rfm rfm, Value value, Cluster cluster) {

  /** Clustering algorithms (segmentation.cluster.algorithm). */
  public static final List<String> CLUSTER_ALGORITHMS = List.of("kmeans", "bisecting_kmeans", "gaussian_mixture");

  /** customer_360 columns the value model can use as factor inputs (numeric, higher = more). */
  public static final Set<String> VALUE_INPUTS = Set.of("latest_nps", "csat_mean", "ces_mean", "cx_index_mean",
      "rater_reliability", "rater_assurance", "rater_tangibles", "rater_empathy", "rater_responsiveness",
      "frequency", "orders_total", "tenure_days", "renewals", "sessions_30d", "active_days_30d", "responses",
      "monetary", "aov", "spend_trend");

  /** The "segmentation" section of conf/cxlake.yaml. */
  public static final ConfigSection<SegmentationConfig> SECTION = new ConfigSection<>("segmentation", SegmentationConfig.class, SegmentationConfig::validate);

  static void validate(SegmentationConfig c, ConfigCheck check) {
    if (c.rfm() == null || c.value() == null || c.cluster() == null) {
      check.fail("segmentation", "needs the sections rfm, value and cluster");
    }
    rfm(c.rfm(), check);
    value(c.value(), check);
    cluster(c.cluster(), check);
  }
  private static void rfm(SegmentationConfig.Rfm r, ConfigCheck check) {
    check.positive(r.lookbackDays(), "segmentation.rfm.lookback_days");
    if (r.noOrdersSegment() == null || r.noOrdersSegment().isBlank()) {
      check.fail("segmentation.rfm.no_orders_segment", "must name the segment of customers without orders");
    }
    List<SegmentationConfig.RfmRule> rules = r.segments() == null ? List.of() : r.segments();
    if (rules.isEmpty()) {
      check.fail("segmentation.rfm.segments", "must list at least one segment");
    }
    for (int i = 0; i < rules.size(); i++) {
      SegmentationConfig.RfmRule rule = rules.get(i);
      String key = "segmentation.rfm.segments[" + i + "]";
      if (rule.name() == null || rule.name().isBlank()) {
        check.fail(key + ".name", "must be set");
      }
      range(rule.r(), key + ".r", check);
      range(rule.f(), key + ".f", check);
      range(rule.m(), key + ".m", check);
    }
    // Every score combination must get a segment: a gap would leave customers unnamed.
    for (int rs = 1; rs <= 5; rs++) {
      for (int fs = 1; fs <= 5; fs++) {
        for (int ms = 1; ms <= 5; ms++) {
          boolean matched = false;
          for (SegmentationConfig.RfmRule rule : rules) {
            if (in(rule.r(), rs) && in(rule.f(), fs) && in(rule.m(), ms)) {
              matched = true;
              break;
            }
          }
          if (!matched) {
            check.fail("segmentation.rfm.segments", "no segment matches R=" + rs + " F=" + fs + " M=" + ms
                + " (every combination of scores 1-5 needs one; add a catch-all rule last)");
          }
        }
      }
    }
  }
  private static boolean in(List<Integer> range, int score) {
    return range == null || (score >= range.get(0) && score <= range.get(1));
  }
  private static void range(List<Integer> range, String key, ConfigCheck check) {
    if (range == null) {
      return;
    }
    if (range.size() != 2 || range.get(0) == null || range.get(1) == null || range.get(0) < 1 || range.get(1) > 5
        || range.get(0) > range.get(1)) {
      check.fail(key, "must be [lo, hi] with 1 <= lo <= hi <= 5, was " + range);
    }
  }
  private static void value(SegmentationConfig.Value v, ConfigCheck check) {
    inputs(v.attitude(), "segmentation.value.attitude", check);
    inputs(v.behaviour(), "segmentation.value.behaviour", check);
    inputs(v.consumption(), "segmentation.value.consumption", check);
    Map<String, SegmentationConfig.StageWeights> w = v.weights() == null ? Map.of() : v.weights();
    for (String stage : w.keySet()) {
      if (!MetricsConfig.Lifecycle.STAGES.contains(stage)) {
        check.fail("segmentation.value.weights." + stage, "unknown lifecycle stage (known: " + MetricsConfig.Lifecycle.STAGES + ")");
      }
    }
    for (String stage : MetricsConfig.Lifecycle.STAGES) {
      String key = "segmentation.value.weights." + stage;
      SegmentationConfig.StageWeights sw = w.get(stage);
      if (sw == null || sw.attitude() == null || sw.behaviour() == null || sw.consumption() == null) {
        check.fail(key, "needs attitude, behaviour and consumption weights");
      }
      if (sw.attitude() < 0 || sw.behaviour() < 0 || sw.consumption() < 0
          || Math.abs(sw.attitude() + sw.behaviour() + sw.consumption() - 1) > 1e-6) {
        check.fail(key, "weights must be 0 or more and sum to 1, were " + sw.attitude() + " + " + sw.behaviour() + " + "
            + sw.consumption());
      }
    }
    Tier.validate(v.tiers(), "segmentation.value.tiers", 100, check);
    Double a = v.paretoA();
    Double b = v.paretoB();
    if (a == null || a <= 0 || a >= 100) {
      check.fail("segmentation.value.pareto_a", "must be between 0 and 100, was " + a);
    }
    if (b == null || b <= a || b > 100) {
      check.fail("segmentation.value.pareto_b", "must be above pareto_a and at most 100, was " + b);
    }
  }
  private static void inputs(List<String> names, String key, ConfigCheck check) {
    if (names == null || names.isEmpty()) {
      check.fail(key, "must list at least one customer_360 column");
    }
    for (String n : names) {
      if (!VALUE_INPUTS.contains(n)) {
        check.fail(key, "unknown input '" + n + "' (known: " + new TreeSet<>(VALUE_INPUTS) + ")");
      }
    }
  }
  private static void cluster(SegmentationConfig.Cluster c, ConfigCheck check) {
    if (!CLUSTER_ALGORITHMS.contains(c.algorithm())) {
      check.fail("segmentation.cluster.algorithm",
          "must be one of " + CLUSTER_ALGORITHMS + ", was '" + c.algorithm() + "'");
    }
    List<Integer> range = c.kRange();
    if (range == null || range.size() != 2 || range.get(0) == null || range.get(1) == null || range.get(0) < 2
        || range.get(1) < range.get(0) || range.get(1) > 50) {
      check.fail("segmentation.cluster.k_range", "must be [lo, hi] with 2 <= lo <= hi <= 50, was " + range);
    }
    if (c.k() == null || !(c.k().equals("auto") || c.k().matches("[0-9]+") && Integer.parseInt(c.k()) >= 2
        && Integer.parseInt(c.k()) <= 50)) {
      check.fail("segmentation.cluster.k", "must be auto or a number from 2 to 50, was '" + c.k() + "'");
    }
    check.positive(c.sampleSize(), "segmentation.cluster.sample_size");
    check.positive(c.windowDays(), "segmentation.cluster.window_days");
    check.positive(c.minOrders(), "segmentation.cluster.min_orders");
    check.positive(c.maxIter(), "segmentation.cluster.max_iter");
    if (c.sharePrior() == null || c.sharePrior() < 0) {
      check.fail("segmentation.cluster.share_prior", "must be 0 or more, was " + c.sharePrior());
    }
    check.positive(c.restarts(), "segmentation.cluster.restarts");
    if (c.seed() == null || c.stabilitySeed() == null || c.seed().equals(c.stabilitySeed())) {
      check.fail("segmentation.cluster.stability_seed", "must be set and differ from seed");
    }
    if (c.labelMinZ() == null || c.labelMinZ() < 0) {
      check.fail("segmentation.cluster.label_min_z", "must be 0 or more, was " + c.labelMinZ());
    }
    if (c.refitDays() == null || c.refitDays() < 0) {
      check.fail("segmentation.cluster.refit_days", "must be 0 (fit on every run) or more, was " + c.refitDays());
    }
    List<SegmentationConfig.ClusterFeature> features = c.features() == null ? List.of() : c.features();
    if (features.size() < 2) {
      check.fail("segmentation.cluster.features", "must list at least two features");
    }
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < features.size(); i++) {
      SegmentationConfig.ClusterFeature fe = features.get(i);
      String key = "segmentation.cluster.features[" + i + "]";
      if (fe.name() == null || !ClusterFeatures.CATALOGUE.keySet().contains(fe.name())) {
        check.fail(key + ".name", "unknown feature '" + fe.name() + "' (known: " + new TreeSet<>(ClusterFeatures.CATALOGUE.keySet()) + ")");
      }
      if (seen.contains(fe.name())) {
        check.fail(key + ".name", "'" + fe.name() + "' is listed twice");
      }
      seen.add(fe.name());
      if (!Set.of("log", "none").contains(fe.transform())) {
        check.fail(key + ".transform", "must be log or none, was '" + fe.transform() + "'");
      }
    }
  }

  /** RFM scores and the named segment map. */
  public record Rfm(
      /* Orders in the last this many days before the as-of date count. */
      Integer lookbackDays,
      /* Segment of customers without a completed order in the window (they get no scores). */
      String noOrdersSegment,
      /* Named segments, first match wins; r, f, m are inclusive score ranges [lo, hi], omitted = any. */
      java.util.List<RfmRule> segments) {}

  /** One rule of the RFM segment map. */
  public record RfmRule(String name, java.util.List<Integer> r, java.util.List<Integer> f, java.util.List<Integer> m) {}

  /** The attitude–behaviour–consumption value model and the Pareto classes. */
  public record Value(
      /* customer_360 columns behind the attitude factor (X-data). */
      java.util.List<String> attitude,
      /* customer_360 columns behind the behaviour factor (activity and loyalty). */
      java.util.List<String> behaviour,
      /* customer_360 columns behind the consumption factor. */
      java.util.List<String> consumption,
      /* Weights of attitude, behaviour and consumption per lifecycle stage; each sums to 1. */
      java.util.Map<String, StageWeights> weights,
      /* Value tiers, highest first: a score at or above min gets the tier. */
      java.util.List<Tier> tiers,
      /* Class A: customers making the top this % of revenue (percent). */
      Double paretoA,
      /* Class B: the customers making the next revenue up to this cumulative %; the rest are C. */
      Double paretoB) {}

  /** Factor weights of one lifecycle stage. */
  public record StageWeights(Double attitude, Double behaviour, Double consumption) {}

  /** Clustering of customers on a configured feature set. */
  public record Cluster(
      /* kmeans | bisecting_kmeans | gaussian_mixture. */
      String algorithm,
      /* auto: chosen by silhouette over k_range; or a fixed number of clusters. */
      String k,
      /* Smallest and largest k tried by the silhouette selection. */
      java.util.List<Integer> kRange,
      /* Customers sampled for the k selection (all when fewer). */
      Integer sampleSize,
      /* Behaviour of the last this many days describes a customer. */
      Integer windowDays,
      /* Customers with fewer completed orders in the window are not clustered (too little history). */
      Integer minOrders,
      /* Pseudo-observations at the population rate added to every share feature (additive smoothing). */
      Double sharePrior,
      /* Seed of the sample and the final model. */
      Integer seed,
      /* Second seed: the adjusted Rand index between the two fits is recorded as stability. */
      Integer stabilitySeed,
      /* Iterations of the clustering algorithm. */
      Integer maxIter,
      /* Each fit keeps the best of this many initialisations (lowest within-cluster sum of squares). */
      Integer restarts,
      /* A profile feature with |z| at least this names the cluster's label. */
      Double labelMinZ,
      /* A run less than this many days after the latest fit assigns with its model (0 = fit every run). */
      Integer refitDays,
      /* Features and their transform before standard scaling: log (ln(1+x)) or none. */
      java.util.List<ClusterFeature> features) {}

  /** One clustering feature. */
  public record ClusterFeature(String name, String transform) {}
}
