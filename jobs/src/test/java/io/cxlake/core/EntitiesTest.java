package io.cxlake.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class EntitiesTest {
  @Test
  void curateWavesPutEveryEntityAfterTheEntitiesItReferences() {
    List<List<String>> waves = Entities.waves().stream().map(w -> w.stream().map(EntitySpec::name).toList()).toList();
    assertEquals(List.of(
        List.of("customers"),
        List.of("subscriptions", "orders", "interactions", "survey_responses", "digital_events", "reviews"),
        List.of("renewals", "survey_ratings")), waves);
  }
}
