package io.cxlake.core;

import static io.cxlake.core.ConfigLoader.fail;
import static io.cxlake.core.ConfigLoader.positive;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Validates the segmentation section; every error names the key and the file. */
public final class SegmentationValidation {
  private SegmentationValidation() {}

  /** Lifecycle stages of customer_360 (metrics.lifecycle): each needs value weights. */
  private static final List<String> LIFECYCLE_STAGES = CxlakeConfig.Lifecycle.STAGES;

  /** customer_360 columns the value model can use as factor inputs (numeric, higher = more). */
  public static final Set<String> VALUE_INPUTS = Set.of("latest_nps", "csat_mean", "ces_mean", "cx_index_mean",
      "rater_reliability", "rater_assurance", "rater_tangibles", "rater_empathy", "rater_responsiveness",
      "frequency", "orders_total", "tenure_days", "renewals", "sessions_30d", "active_days_30d", "responses",
      "monetary", "aov", "spend_trend");

  /** Features the clustering stage can compute (docs/segmentation.md describes each). */
  public static final Set<String> CLUSTER_FEATURES = Set.of("orders_per_month", "avg_order_value", "discount_share",
      "return_share", "app_share", "web_share", "store_share", "phone_share", "category_count", "contacts_per_month",
      "complaint_share", "nps_mean", "csat_mean", "sessions_per_month", "tenure_days",
      "recency_days", "frequency", "monetary", "attitude_score", "behaviour_score", "consumption_score", "value_score");

  static void validate(CxlakeConfig.Segmentation s, JsonNode t, String f) {
    if (s.rfm() == null || s.value() == null || s.cluster() == null) {
      fail(t, f, "segmentation", "needs the sections rfm, value and cluster");
    }
    rfm(s.rfm(), t, f);
    value(s.value(), t, f);
    cluster(s.cluster(), t, f);
  }

  private static void rfm(CxlakeConfig.Rfm r, JsonNode t, String f) {
    positive(r.lookbackDays(), "segmentation.rfm.lookback_days", t, f);
    if (r.noOrdersSegment() == null || r.noOrdersSegment().isBlank()) {
      fail(t, f, "segmentation.rfm.no_orders_segment", "must name the segment of customers without orders");
    }
    List<CxlakeConfig.RfmRule> rules = r.segments() == null ? List.of() : r.segments();
    if (rules.isEmpty()) {
      fail(t, f, "segmentation.rfm.segments", "must list at least one segment");
    }
    for (int i = 0; i < rules.size(); i++) {
      CxlakeConfig.RfmRule rule = rules.get(i);
      String key = "segmentation.rfm.segments[" + i + "]";
      if (rule.name() == null || rule.name().isBlank()) {
        fail(t, f, key + ".name", "must be set");
      }
      range(rule.r(), key + ".r", t, f);
      range(rule.f(), key + ".f", t, f);
      range(rule.m(), key + ".m", t, f);
    }
    // Every score combination must get a segment: a gap would leave customers unnamed.
    for (int rs = 1; rs <= 5; rs++) {
      for (int fs = 1; fs <= 5; fs++) {
        for (int ms = 1; ms <= 5; ms++) {
          boolean matched = false;
          for (CxlakeConfig.RfmRule rule : rules) {
            if (in(rule.r(), rs) && in(rule.f(), fs) && in(rule.m(), ms)) {
              matched = true;
              break;
            }
          }
          if (!matched) {
            fail(t, f, "segmentation.rfm.segments", "no segment matches R=" + rs + " F=" + fs + " M=" + ms
                + " (every combination of scores 1-5 needs one; add a catch-all rule last)");
          }
        }
      }
    }
  }

  /** Ordered bands (highest first) on a 0..max scale; the last must start at 0. */
  static void tiers(List<CxlakeConfig.Tier> list, String key, double max, JsonNode t, String f) {
    List<CxlakeConfig.Tier> tiers = list == null ? List.of() : list;
    if (tiers.isEmpty()) {
      fail(t, f, key, "must list at least one band");
    }
    double previous = Double.POSITIVE_INFINITY;
    for (int i = 0; i < tiers.size(); i++) {
      CxlakeConfig.Tier tier = tiers.get(i);
      String k = key + "[" + i + "]";
      if (tier.name() == null || tier.name().isBlank()) {
        fail(t, f, k + ".name", "must be set");
      }
      if (tier.min() == null || tier.min() < 0 || tier.min() > max || tier.min() >= previous) {
        fail(t, f, k + ".min", "must be 0-" + (max == 1 ? "1" : "100") + " and below the one before it, was " + tier.min());
      }
      previous = tier.min();
    }
    if (previous != 0) {
      fail(t, f, key + "[" + (tiers.size() - 1) + "].min", "the last one must start at 0");
    }
  }

  private static boolean in(List<Integer> range, int score) {
    return range == null || (score >= range.get(0) && score <= range.get(1));
  }

  private static void range(List<Integer> range, String key, JsonNode t, String f) {
    if (range == null) {
      return;
    }
    if (range.size() != 2 || range.get(0) == null || range.get(1) == null || range.get(0) < 1 || range.get(1) > 5
        || range.get(0) > range.get(1)) {
      fail(t, f, key, "must be [lo, hi] with 1 <= lo <= hi <= 5, was " + range);
    }
  }

  private static void value(CxlakeConfig.Value v, JsonNode t, String f) {
    inputs(v.attitude(), "segmentation.value.attitude", t, f);
    inputs(v.behaviour(), "segmentation.value.behaviour", t, f);
    inputs(v.consumption(), "segmentation.value.consumption", t, f);
    Map<String, CxlakeConfig.StageWeights> w = v.weights() == null ? Map.of() : v.weights();
    for (String stage : w.keySet()) {
      if (!LIFECYCLE_STAGES.contains(stage)) {
        fail(t, f, "segmentation.value.weights." + stage, "unknown lifecycle stage (known: " + LIFECYCLE_STAGES + ")");
      }
    }
    for (String stage : LIFECYCLE_STAGES) {
      String key = "segmentation.value.weights." + stage;
      CxlakeConfig.StageWeights sw = w.get(stage);
      if (sw == null || sw.attitude() == null || sw.behaviour() == null || sw.consumption() == null) {
        fail(t, f, key, "needs attitude, behaviour and consumption weights");
      }
      if (sw.attitude() < 0 || sw.behaviour() < 0 || sw.consumption() < 0
          || Math.abs(sw.attitude() + sw.behaviour() + sw.consumption() - 1) > 1e-6) {
        fail(t, f, key, "weights must be 0 or more and sum to 1, were " + sw.attitude() + " + " + sw.behaviour() + " + "
            + sw.consumption());
      }
    }
    tiers(v.tiers(), "segmentation.value.tiers", 100, t, f);
    Double a = v.paretoA();
    Double b = v.paretoB();
    if (a == null || a <= 0 || a >= 100) {
      fail(t, f, "segmentation.value.pareto_a", "must be between 0 and 100, was " + a);
    }
    if (b == null || b <= a || b > 100) {
      fail(t, f, "segmentation.value.pareto_b", "must be above pareto_a and at most 100, was " + b);
    }
  }

  private static void inputs(List<String> names, String key, JsonNode t, String f) {
    if (names == null || names.isEmpty()) {
      fail(t, f, key, "must list at least one customer_360 column");
    }
    for (String n : names) {
      if (!VALUE_INPUTS.contains(n)) {
        fail(t, f, key, "unknown input '" + n + "' (known: " + new TreeSet<>(VALUE_INPUTS) + ")");
      }
    }
  }

  private static void cluster(CxlakeConfig.Cluster c, JsonNode t, String f) {
    if (!CxlakeConfig.CLUSTER_ALGORITHMS.contains(c.algorithm())) {
      fail(t, f, "segmentation.cluster.algorithm",
          "must be one of " + CxlakeConfig.CLUSTER_ALGORITHMS + ", was '" + c.algorithm() + "'");
    }
    List<Integer> range = c.kRange();
    if (range == null || range.size() != 2 || range.get(0) == null || range.get(1) == null || range.get(0) < 2
        || range.get(1) < range.get(0) || range.get(1) > 50) {
      fail(t, f, "segmentation.cluster.k_range", "must be [lo, hi] with 2 <= lo <= hi <= 50, was " + range);
    }
    if (c.k() == null || !(c.k().equals("auto") || c.k().matches("[0-9]+") && Integer.parseInt(c.k()) >= 2
        && Integer.parseInt(c.k()) <= 50)) {
      fail(t, f, "segmentation.cluster.k", "must be auto or a number from 2 to 50, was '" + c.k() + "'");
    }
    positive(c.sampleSize(), "segmentation.cluster.sample_size", t, f);
    positive(c.windowDays(), "segmentation.cluster.window_days", t, f);
    positive(c.minOrders(), "segmentation.cluster.min_orders", t, f);
    positive(c.maxIter(), "segmentation.cluster.max_iter", t, f);
    if (c.sharePrior() == null || c.sharePrior() < 0) {
      fail(t, f, "segmentation.cluster.share_prior", "must be 0 or more, was " + c.sharePrior());
    }
    positive(c.restarts(), "segmentation.cluster.restarts", t, f);
    if (c.seed() == null || c.stabilitySeed() == null || c.seed().equals(c.stabilitySeed())) {
      fail(t, f, "segmentation.cluster.stability_seed", "must be set and differ from seed");
    }
    if (c.labelMinZ() == null || c.labelMinZ() < 0) {
      fail(t, f, "segmentation.cluster.label_min_z", "must be 0 or more, was " + c.labelMinZ());
    }
    List<CxlakeConfig.ClusterFeature> features = c.features() == null ? List.of() : c.features();
    if (features.size() < 2) {
      fail(t, f, "segmentation.cluster.features", "must list at least two features");
    }
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < features.size(); i++) {
      CxlakeConfig.ClusterFeature fe = features.get(i);
      String key = "segmentation.cluster.features[" + i + "]";
      if (fe.name() == null || !CLUSTER_FEATURES.contains(fe.name())) {
        fail(t, f, key + ".name", "unknown feature '" + fe.name() + "' (known: " + new TreeSet<>(CLUSTER_FEATURES) + ")");
      }
      if (seen.contains(fe.name())) {
        fail(t, f, key + ".name", "'" + fe.name() + "' is listed twice");
      }
      seen.add(fe.name());
      if (!Set.of("log", "none").contains(fe.transform())) {
        fail(t, f, key + ".transform", "must be log or none, was '" + fe.transform() + "'");
      }
    }
  }
}
