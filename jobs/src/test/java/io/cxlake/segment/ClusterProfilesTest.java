package io.cxlake.segment;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterProfilesTest {
  private static ClusterProfiles.Stat z(String feature, double z) {
    return new ClusterProfiles.Stat(feature, 0, 0, 1, z);
  }

  private static ClusterProfiles.Profile cluster(int id, ClusterProfiles.Stat... stats) {
    return new ClusterProfiles.Profile(id, 10, 10, null, List.of(stats), Set.of());
  }

  @Test
  void labelsNameTheStrongestFeaturesInPlainWords() {
    List<ClusterProfiles.Profile> out = ClusterProfiles.label(List.of(
        cluster(1, z("orders_per_month", 1.2), z("avg_order_value", 0.9), z("contacts_per_month", -0.6), z("nps_mean", 0.4),
            z("discount_share", 0.1)),
        cluster(2, z("orders_per_month", 0.2), z("nps_mean", -0.3)),
        cluster(3, z("orders_per_month", 1.0), z("avg_order_value", 0.8), z("contacts_per_month", -0.7))), 0.5);
    assertEquals("buys often, high spend per order, rarely contacts support", out.get(0).label());
    assertEquals(Set.of("orders_per_month", "avg_order_value", "contacts_per_month"), out.get(0).labelFeatures());
    assertEquals("typical customers", out.get(1).label(), "no feature beyond |z| 0.5");
    assertEquals("buys often, high spend per order, rarely contacts support (cluster 3)", out.get(2).label(),
        "a repeated label is told apart");
  }
}
