package io.cxlake.core;

/** A band on a score: a value at or above {@code min} gets the band (value tiers, churn risk bands). */
public record Tier(String name, Double min) {

  /** Ordered bands (highest first) on a 0..max scale; the last must start at 0. */
  public static void validate(java.util.List<Tier> list, String key, double max, ConfigCheck check) {
    java.util.List<Tier> tiers = list == null ? java.util.List.of() : list;
    if (tiers.isEmpty()) {
      check.fail(key, "must list at least one band");
    }
    double previous = Double.POSITIVE_INFINITY;
    for (int i = 0; i < tiers.size(); i++) {
      Tier tier = tiers.get(i);
      String k = key + "[" + i + "]";
      if (tier.name() == null || tier.name().isBlank()) {
        check.fail(k + ".name", "must be set");
      }
      if (tier.min() == null || tier.min() < 0 || tier.min() > max || tier.min() >= previous) {
        check.fail(k + ".min", "must be 0-" + (max == 1 ? "1" : "100") + " and below the one before it, was " + tier.min());
      }
      previous = tier.min();
    }
    if (previous != 0) {
      check.fail(key + "[" + (tiers.size() - 1) + "].min", "the last one must start at 0");
    }
  }
}
