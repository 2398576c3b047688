package io.cxlake;

import io.cxlake.alerts.AlertsConfig;
import io.cxlake.pipeline.Modules;
import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.cli.Main;
import io.cxlake.core.ConfigException;
import io.cxlake.core.ConfigLoader;
import io.cxlake.core.CxlakeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  private static Path write(Path dir, String name, String yaml) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, yaml);
    return f;
  }

  @Test
  void defaultsLoadAndOverridesMerge(@TempDir Path dir) throws IOException {
    Path f = write(dir, "my.yaml", "runtime:\n  shuffle_partitions: 8\n");
    CxlakeConfig c = Modules.configLoader().load(f.toString()).config();
    assertEquals(8, c.runtime().shufflePartitions());
    assertEquals("lakehouse", c.runtime().warehouse(), "unset keys keep the defaults");
    assertEquals("cx_gold", c.catalog().goldDb());
  }

  @Test
  void unknownKeyNamesKeyAndFile(@TempDir Path dir) throws IOException {
    Path f = write(dir, "bad.yaml", "runtime:\n  shuffle_partitons: 8\n");
    ConfigException e = assertThrows(ConfigException.class, () -> Modules.configLoader().load(f.toString()));
    assertTrue(e.getMessage().startsWith(f.toString() + ": key 'runtime.shuffle_partitons': unknown key"), e.getMessage());
    assertEquals(2, e.exitCode());
  }

  @Test
  void badValueNamesKeyAndFile(@TempDir Path dir) throws IOException {
    Path f = write(dir, "bad.yaml", "runtime:\n  shuffle_partitions: -3\n");
    ConfigException e = assertThrows(ConfigException.class, () -> Modules.configLoader().load(f.toString()));
    assertEquals("runtime.shuffle_partitions", e.key());
    assertEquals(f.toString(), e.file());
    assertTrue(e.getMessage().contains("-3"), e.getMessage());
  }

  @Test
  void wrongTypeNamesKeyAndFile(@TempDir Path dir) throws IOException {
    Path f = write(dir, "bad.yaml", "curate:\n  future_tolerance_hours: soon\n");
    ConfigException e = assertThrows(ConfigException.class, () -> Modules.configLoader().load(f.toString()));
    assertEquals("curate.future_tolerance_hours", e.key());
    assertEquals(f.toString(), e.file());
  }

  @Test
  void badEnumValueIsRejected(@TempDir Path dir) throws IOException {
    Path f = write(dir, "bad.yaml", "ingest:\n  on_bad_file: ignore\n");
    ConfigException e = assertThrows(ConfigException.class, () -> Modules.configLoader().load(f.toString()));
    assertEquals("ingest.on_bad_file", e.key());
  }

  @Test
  void sourcesErrorsNameKeyAndFile(@TempDir Path dir) throws IOException {
    Path f = write(dir, "sources.yaml", "landing_root: x\nentities:\n  orders:\n    path: o/*.csv\n    format: xlsx\n");
    ConfigException e = assertThrows(ConfigException.class, () -> Modules.configLoader().loadSources(f.toString()));
    assertEquals("entities.orders.format", e.key());
    assertEquals(f.toString(), e.file());
    Path g = write(dir, "sources2.yaml", "landing_root: x\nentities:\n  purchases:\n    path: o/*.csv\n    format: csv\n");
    assertEquals("entities.purchases", assertThrows(ConfigException.class, () -> Modules.configLoader().loadSources(g.toString())).key());
    Path h = write(dir, "sources3.yaml",
        "landing_root: x\nentities:\n  orders:\n    path: o/*.csv\n    format: csv\n    columns:\n      amout: price\n");
    assertEquals("entities.orders.columns.amout", assertThrows(ConfigException.class, () -> Modules.configLoader().loadSources(h.toString())).key());
    Path i = write(dir, "sources4.yaml",
        "landing_root: x\nentities:\n  orders:\n    path: o/*.csv\n    format: csv\n    options: {encoding: latin-one}\n");
    ConfigException enc = assertThrows(ConfigException.class, () -> Modules.configLoader().loadSources(i.toString()));
    assertEquals("entities.orders.options.encoding", enc.key());
    assertTrue(enc.getMessage().contains("unknown encoding 'latin-one'"), enc.getMessage());
  }

  @Test
  void ratingScalesAreCheckedAgainstTheCanonicalScales(@TempDir Path dir) throws IOException {
    String head = "landing_root: x\nentities:\n";
    // NPS has 11 points: a 1-10 coding cannot be recoded one to one
    Path a = write(dir, "a.yaml", head + "  survey_responses:\n    path: s.csv\n    format: csv\n"
        + "    scales:\n      - {column: nps, min: 1, max: 10}\n");
    ConfigException e = assertThrows(ConfigException.class, () -> Modules.configLoader().loadSources(a.toString()));
    assertEquals("entities.survey_responses.scales[0]", e.key());
    assertTrue(e.getMessage().contains("11 points"), e.getMessage());
    Path b = write(dir, "b.yaml", head + "  survey_ratings:\n    path: r.csv\n    format: csv\n"
        + "    scales:\n      - {column: score, min: 0, max: 5, not_applicable: 0}\n");
    assertEquals("entities.survey_ratings.scales[0].not_applicable",
        assertThrows(ConfigException.class, () -> Modules.configLoader().loadSources(b.toString())).key());
    Path c = write(dir, "c.yaml", head + "  survey_ratings:\n    path: r.csv\n    format: csv\n"
        + "    scales:\n      - {column: weight, min: 0, max: 5}\n");
    assertEquals("entities.survey_ratings.scales[0].column",
        assertThrows(ConfigException.class, () -> Modules.configLoader().loadSources(c.toString())).key());
    Path d = write(dir, "d.yaml", head + "  survey_ratings:\n    path: r.csv\n    format: csv\n    scales:\n"
        + "      - {column: score, attributes: [wifi], min: 1, max: 7}\n      - {column: score, attributes: [wifi], min: 1, max: 10}\n");
    assertEquals("entities.survey_ratings.scales[1]",
        assertThrows(ConfigException.class, () -> Modules.configLoader().loadSources(d.toString())).key());
    Path ok = write(dir, "ok.yaml", head + "  survey_responses:\n    path: s.csv\n    format: csv\n"
        + "    scales:\n      - {column: nps, min: 1, max: 11}\n  survey_ratings:\n    path: r.csv\n    format: csv\n"
        + "    scales:\n      - {column: score, min: 1, max: 100}\n      - {column: score, attributes: [wifi], min: 1, max: 5, not_applicable: 0}\n");
    assertEquals(2, Modules.configLoader().loadSources(ok.toString()).entities().get("survey_ratings").scales().size());
  }

  @Test
  void cliExitsWithCode2OnConfigErrorAndBadUsage(@TempDir Path dir) throws IOException {
    Path f = write(dir, "bad.yaml", "runtme:\n  master: local\n");
    assertEquals(2, Main.execute("--config", f.toString(), "generate", "--out", dir.resolve("o").toString()));
    assertEquals(2, Main.execute("--as-of", "2026-13-01", "tables"));
    assertEquals(2, Main.execute("no-such-command"));
    assertEquals(2, Main.execute("--config", dir.resolve("missing.yaml").toString(), "generate", "--out", "x"));
  }

  @Test
  void benchStopsBeforeGeneratingWhenItsSourcesFileIsMissing(@TempDir Path dir) throws Exception {
    // as from a folder other than the repository: conf/sources.yaml is not beside the configuration
    Path f = write(dir, "cxlake.yaml", "sources: no-such-sources.yaml\n");
    Path json = dir.resolve("bench.json");
    assertEquals(2, Main.execute("--config", f.toString(), "bench", "--scale", "0.001", "--output", json.toString()));
    assertFalse(Files.exists(json), "nothing generated, nothing run, no figures written");
    // bench builds its own warehouse from its own data: a user's folders are refused, not ignored
    for (String option : java.util.List.of("--warehouse", "--landing")) {
      String err = Console.capture(() -> assertEquals(2, Main.execute("--config", f.toString(), option,
          dir.resolve("w").toString(), "bench", "--scale", "0.001", "--output", json.toString()))).err();
      assertTrue(err.contains("--warehouse and --landing do not apply to it"), err);
    }
    assertFalse(Files.exists(json));
    assertFalse(Files.exists(dir.resolve("w")));
  }

  @Test
  void metricsAlertsAndQualityKeysAreValidated(@TempDir Path dir) throws IOException {
    Path f = write(dir, "bad.yaml", "metrics:\n  slices: [region, planet]\n");
    ConfigException e = assertThrows(ConfigException.class, () -> Modules.configLoader().load(f.toString()));
    assertEquals("metrics.slices", e.key());
    assertEquals(f.toString(), e.file());
    Path g = write(dir, "bad2.yaml", "alerts:\n  alpha: 1.5\n");
    assertEquals("alerts.alpha", assertThrows(ConfigException.class, () -> Modules.configLoader().load(g.toString())).key());
    Path h = write(dir, "bad3.yaml", "alerts:\n  thresholds:\n    happiness: {min: 1}\n");
    assertEquals("alerts.thresholds.happiness", assertThrows(ConfigException.class, () -> Modules.configLoader().load(h.toString())).key());
    Path q = write(dir, "bad4.yaml", "quality:\n  checks:\n    - {table: kpi_experience, name: ok_name, expression: 'nps > 0', severity: maybe}\n");
    ConfigException qe = assertThrows(ConfigException.class, () -> Modules.configLoader().load(q.toString()));
    assertEquals("quality.checks[0].severity", qe.key());
    assertEquals(q.toString(), qe.file(), "reported against the user's file");
    Path ok = write(dir, "ok.yaml", "alerts:\n  min_change: {nps: 5}\n");
    CxlakeConfig c = Modules.configLoader().load(ok.toString()).config();
    assertEquals(5.0, c.get(AlertsConfig.SECTION).minChange().get("nps"));
    assertEquals(3, c.get(AlertsConfig.SECTION).baselinePeriods(), "other keys keep their defaults");
  }

  @Test
  void anRfmSegmentMapWithAGapIsRejected(@TempDir Path dir) throws IOException {
    Path f = write(dir, "bad.yaml", "segmentation:\n  rfm:\n    segments:\n      - {name: Best, r: [4, 5]}\n"
        + "      - {name: Rest, r: [1, 2]}\n");
    ConfigException e = assertThrows(ConfigException.class, () -> Modules.configLoader().load(f.toString()));
    assertEquals("segmentation.rfm.segments", e.key());
    assertEquals(f.toString(), e.file());
    assertTrue(e.getMessage().contains("R=3 F=1 M=1"), e.getMessage());
  }

  @Test
  void stageWeightsMustSumToOne(@TempDir Path dir) throws IOException {
    Path f = write(dir, "bad.yaml", "segmentation:\n  value:\n    weights:\n"
        + "      loyal: {attitude: 0.5, behaviour: 0.4, consumption: 0.4}\n");
    ConfigException e = assertThrows(ConfigException.class, () -> Modules.configLoader().load(f.toString()));
    assertEquals("segmentation.value.weights.loyal", e.key());
    assertEquals(f.toString(), e.file());
  }

  @Test
  void anUnknownClusterFeatureIsRejected(@TempDir Path dir) throws IOException {
    Path f = write(dir, "bad.yaml", "segmentation:\n  cluster:\n    features:\n      - {name: orders_per_month, transform: log}\n"
        + "      - {name: shoe_size, transform: none}\n");
    ConfigException e = assertThrows(ConfigException.class, () -> Modules.configLoader().load(f.toString()));
    assertEquals("segmentation.cluster.features[1].name", e.key());
    assertTrue(e.getMessage().contains("shoe_size"), e.getMessage());
  }

  @Test
  void churnKeysAreValidated(@TempDir Path dir) throws IOException {
    Path models = write(dir, "models.yaml", "churn:\n  models: [logistic_regression, random_forest]\n");
    ConfigException e = assertThrows(ConfigException.class, () -> Modules.configLoader().load(models.toString()));
    assertEquals("churn.models", e.key());
    assertEquals(models.toString(), e.file());
    Path bands = write(dir, "bands.yaml", "churn:\n  risk_bands:\n    - {name: high, min: 0.5}\n    - {name: low, min: 0.1}\n");
    e = assertThrows(ConfigException.class, () -> Modules.configLoader().load(bands.toString()));
    assertEquals("churn.risk_bands[1].min", e.key());
    Path feature = write(dir, "feature.yaml", "churn:\n  features: [recency_days, shoe_size]\n");
    e = assertThrows(ConfigException.class, () -> Modules.configLoader().load(feature.toString()));
    assertEquals("churn.features[1]", e.key());
    Path cutoffs = write(dir, "cutoffs.yaml", "churn:\n  training_cutoffs: 1\n");
    e = assertThrows(ConfigException.class, () -> Modules.configLoader().load(cutoffs.toString()));
    assertEquals("churn.training_cutoffs", e.key());
    Path label = write(dir, "label.yaml", "churn:\n  label: unhappy\n");
    e = assertThrows(ConfigException.class, () -> Modules.configLoader().load(label.toString()));
    assertEquals("churn.label", e.key());
  }

  @Test
  void driverAndJourneyKeysAreValidated(@TempDir Path dir) throws IOException {
    Path type = write(dir, "type.yaml", "drivers:\n  outcomes:\n    - {name: nps, type: nps}\n    - {name: love, type: love}\n");
    ConfigException e = assertThrows(ConfigException.class, () -> Modules.configLoader().load(type.toString()));
    assertEquals("drivers.outcomes[1].type", e.key());
    assertEquals(type.toString(), e.file());
    Path window = write(dir, "window.yaml", "drivers:\n  outcomes:\n    - {name: rep, type: repurchase}\n"
        + "journey:\n  driver_outcome: rep\n");
    e = assertThrows(ConfigException.class, () -> Modules.configLoader().load(window.toString()));
    assertEquals("drivers.outcomes[0].window_days", e.key());
    Path boot = write(dir, "boot.yaml", "drivers:\n  bootstrap: 5\n");
    e = assertThrows(ConfigException.class, () -> Modules.configLoader().load(boot.toString()));
    assertEquals("drivers.bootstrap", e.key());
    Path slice = write(dir, "slice.yaml", "drivers:\n  slices: [region, planet]\n");
    e = assertThrows(ConfigException.class, () -> Modules.configLoader().load(slice.toString()));
    assertEquals("drivers.slices[1]", e.key());
    Path quadrant = write(dir, "quadrant.yaml", "drivers:\n  quadrant: {importance: mode, performance: mean}\n");
    e = assertThrows(ConfigException.class, () -> Modules.configLoader().load(quadrant.toString()));
    assertEquals("drivers.quadrant.importance", e.key());
    Path outcome = write(dir, "outcome.yaml", "journey:\n  driver_outcome: happiness\n");
    e = assertThrows(ConfigException.class, () -> Modules.configLoader().load(outcome.toString()));
    assertEquals("journey.driver_outcome", e.key());
  }
}
