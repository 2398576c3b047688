package io.cxlake.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Loads conf/cxlake.yaml over the packaged defaults and conf/sources.yaml, binds them to
 * typed records and validates them. Every error names the file and the key (exit code 2).
 */
public final class ConfigLoader {
  /** The defaults: a copy of conf/cxlake.yaml packaged in the jar. */
  public static final String DEFAULTS_RESOURCE = "/io/cxlake/defaults/cxlake.yaml";
  static final String DEFAULTS_NAME = "<packaged defaults: conf/cxlake.yaml>";

  private static final Pattern DB_NAME = Pattern.compile("[a-z_][a-z0-9_]*");
  private static final Set<String> FORMATS = Set.of("csv", "json", "parquet", "delta");

  private final ObjectMapper yaml;

  public ConfigLoader() {
    yaml = new ObjectMapper(new YAMLFactory())
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
  }

  /** The result: typed config plus where it came from. */
  public record Loaded(CxlakeConfig config, String configFile, Path configDir) {
    /** The sources file, resolved against the config file's folder. */
    public Path sourcesFile() {
      Path p = Path.of(config.sources());
      return p.isAbsolute() ? p : configDir.resolve(p).normalize();
    }
  }

  /**
   * Loads the configuration.
   *
   * @param userFile the --config file, or null for ./conf/cxlake.yaml when present, else the
   *                 packaged defaults alone
   */
  public Loaded load(Path userFile) {
    JsonNode defaults = readResource(DEFAULTS_RESOURCE);
    Path file = userFile;
    if (file == null && Files.isRegularFile(Path.of("conf", "cxlake.yaml"))) {
      file = Path.of("conf", "cxlake.yaml");
    }
    if (file == null) {
      CxlakeConfig config = bind(defaults, CxlakeConfig.class, DEFAULTS_NAME);
      validate(config, defaults, DEFAULTS_NAME);
      return new Loaded(config, DEFAULTS_NAME, Path.of("conf").toAbsolutePath());
    }
    String name = file.toString();
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(name, null, "configuration file not found");
    }
    JsonNode user = readFile(file);
    // Bind the user's file alone first: unknown keys and bad types are reported against it.
    bind(user, CxlakeConfig.class, name);
    JsonNode merged = merge(defaults.deepCopy(), user);
    CxlakeConfig config = bind(merged, CxlakeConfig.class, name);
    validate(config, user, name);
    return new Loaded(config, name, file.toAbsolutePath().getParent());
  }

  /** Loads and validates a sources file (conf/sources.yaml). */
  public SourcesConfig loadSources(Path file) {
    String name = file.toString();
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(name, null, "sources file not found (set 'sources' in the configuration)");
    }
    JsonNode tree = readFile(file);
    SourcesConfig sources = bind(tree, SourcesConfig.class, name);
    if (sources.landingRoot() == null || sources.landingRoot().isBlank()) {
      throw new ConfigException(name, "landing_root", "must be set");
    }
    if (sources.entities() == null || sources.entities().isEmpty()) {
      throw new ConfigException(name, "entities", "must map at least one entity");
    }
    for (Map.Entry<String, SourcesConfig.Source> e : sources.entities().entrySet()) {
      String entity = e.getKey();
      String prefix = "entities." + entity;
      if (!Entities.exists(entity)) {
        throw new ConfigException(name, prefix, "unknown entity (known: " + String.join(", ", Entities.names()) + ")");
      }
      SourcesConfig.Source s = e.getValue();
      if (s == null || s.path() == null || s.path().isBlank()) {
        throw new ConfigException(name, prefix + ".path", "must be set");
      }
      if (s.format() == null || !FORMATS.contains(s.format())) {
        throw new ConfigException(name, prefix + ".format",
            "must be one of " + String.join("|", FORMATS.stream().sorted().toList()) + ", was '" + s.format() + "'");
      }
      if (s.columns() != null) {
        EntitySpec spec = Entities.byName(entity);
        for (String canonical : s.columns().keySet()) {
          if (spec.column(canonical).isEmpty()) {
            throw new ConfigException(name, prefix + ".columns." + canonical,
                "not a column of " + entity + " (columns: " + String.join(", ", spec.columnNames()) + ")");
          }
        }
      }
    }
    return sources;
  }

  private void validate(CxlakeConfig c, JsonNode userTree, String userFile) {
    requireSection(c.runtime(), "runtime", userTree, userFile);
    requireSection(c.catalog(), "catalog", userTree, userFile);
    requireSection(c.ingest(), "ingest", userTree, userFile);
    requireSection(c.curate(), "curate", userTree, userFile);
    requireSection(c.generate(), "generate", userTree, userFile);
    requireSection(c.metrics(), "metrics", userTree, userFile);
    requireSection(c.alerts(), "alerts", userTree, userFile);
    requireSection(c.quality(), "quality", userTree, userFile);
    requireSection(c.segmentation(), "segmentation", userTree, userFile);
    requireSection(c.churn(), "churn", userTree, userFile);
    requireSection(c.drivers(), "drivers", userTree, userFile);
    requireSection(c.journey(), "journey", userTree, userFile);
    requireSection(c.voice(), "voice", userTree, userFile);
    requireSection(c.maintenance(), "maintenance", userTree, userFile);
    validateMetrics(c.metrics(), userTree, userFile);
    validateAlerts(c.alerts(), userTree, userFile);
    validateQuality(c.quality(), userTree, userFile);
    SegmentationValidation.validate(c.segmentation(), userTree, userFile);
    ChurnValidation.validate(c.churn(), userTree, userFile);
    DriversValidation.validate(c.drivers(), c.journey(), userTree, userFile);
    VoiceValidation.validate(c.voice(), userTree, userFile);
    validateMaintenance(c.maintenance(), userTree, userFile);
    if (c.sources() == null || c.sources().isBlank()) {
      fail(userTree, userFile, "sources", "must name the sources file");
    }
    CxlakeConfig.Runtime r = c.runtime();
    if (r.master() == null || r.master().isBlank()) {
      fail(userTree, userFile, "runtime.master", "must be set, e.g. local[*]");
    }
    if (r.warehouse() == null || r.warehouse().isBlank()) {
      fail(userTree, userFile, "runtime.warehouse", "must be set");
    }
    if (!Set.of("embedded-derby", "external").contains(r.metastore())) {
      fail(userTree, userFile, "runtime.metastore", "must be embedded-derby or external, was '" + r.metastore() + "'");
    }
    if (r.shufflePartitions() == null || r.shufflePartitions() < 1 || r.shufflePartitions() > 100_000) {
      fail(userTree, userFile, "runtime.shuffle_partitions", "must be between 1 and 100000, was " + r.shufflePartitions());
    }
    CxlakeConfig.Catalog cat = c.catalog();
    checkDb(cat.bronzeDb(), "catalog.bronze_db", userTree, userFile);
    checkDb(cat.silverDb(), "catalog.silver_db", userTree, userFile);
    checkDb(cat.goldDb(), "catalog.gold_db", userTree, userFile);
    checkDb(cat.opsDb(), "catalog.ops_db", userTree, userFile);
    if (!Set.of("fail", "warn").contains(c.ingest().onBadFile())) {
      fail(userTree, userFile, "ingest.on_bad_file", "must be fail or warn, was '" + c.ingest().onBadFile() + "'");
    }
    Integer tol = c.curate().futureToleranceHours();
    if (tol == null || tol < 0) {
      fail(userTree, userFile, "curate.future_tolerance_hours", "must be 0 or more, was " + tol);
    }
    CxlakeConfig.Generate g = c.generate();
    try {
      java.time.LocalDate.parse(String.valueOf(g.endDate()));
    } catch (java.time.format.DateTimeParseException e) {
      fail(userTree, userFile, "generate.end_date", "must be a date YYYY-MM-DD, was '" + g.endDate() + "'");
    }
    if (g.months() == null || g.months() < 1 || g.months() > 120) {
      fail(userTree, userFile, "generate.months", "must be between 1 and 120, was " + g.months());
    }
    if (g.dirtyRate() == null || g.dirtyRate() < 0 || g.dirtyRate() > 0.5) {
      fail(userTree, userFile, "generate.dirty_rate", "must be between 0 and 0.5, was " + g.dirtyRate());
    }
  }

  /** Layers whose databases `maintain` works on. */
  public static final java.util.List<String> LAYERS = java.util.List.of("bronze", "silver", "gold", "ops");

  private static void validateMaintenance(CxlakeConfig.Maintenance m, JsonNode t, String f) {
    if (m.layers() == null || m.layers().isEmpty() || !LAYERS.containsAll(m.layers())) {
      fail(t, f, "maintenance.layers", "must list some of " + LAYERS + ", was " + m.layers());
    }
    if (m.zorder() == null) {
      fail(t, f, "maintenance.zorder", "must be true or false");
    }
    Integer h = m.vacuumRetentionHours();
    if (h == null || h < 0) {
      fail(t, f, "maintenance.vacuum_retention_hours", "must be 0 or more, was " + h);
    }
    if (h < 168 && !Boolean.TRUE.equals(m.allowShortRetention())) {
      fail(t, f, "maintenance.vacuum_retention_hours", "is " + h + ", below Delta's 168-hour safety floor: "
          + "restores and readers of older versions would fail; set maintenance.allow_short_retention: true to allow it");
    }
  }

  /** Slices the KPI tables know; see docs/metrics.md. */
  public static final Set<String> SLICES = Set.of("region", "country", "acquisition_channel", "plan",
      "lifecycle_stage", "channel", "touchpoint", "journey_stage", "survey_type", "segment");
  /** KPIs alerts know. */
  public static final Set<String> ALERT_KPIS = Set.of("nps", "csat_top2_pct", "ces_mean", "cx_index",
      "renewal_rate", "churn_rate", "repurchase_rate");

  private static void validateMetrics(CxlakeConfig.Metrics m, JsonNode t, String f) {
    if (m.periodTypes() == null || m.periodTypes().isEmpty()
        || !Set.of("month", "week").containsAll(m.periodTypes())) {
      fail(t, f, "metrics.period_types", "must list month and/or week, was " + m.periodTypes());
    }
    if (m.slices() == null || !SLICES.containsAll(m.slices())) {
      fail(t, f, "metrics.slices", "must be a list of " + new java.util.TreeSet<>(SLICES) + ", was " + m.slices());
    }
    positive(m.minResponses(), "metrics.min_responses", t, f);
    if (!Set.of("inactivity", "subscription").contains(m.churnBasis())) {
      fail(t, f, "metrics.churn_basis", "must be inactivity or subscription, was '" + m.churnBasis() + "'");
    }
    positive(m.churnInactivityDays(), "metrics.churn_inactivity_days", t, f);
    positive(m.repurchaseWindowDays(), "metrics.repurchase_window_days", t, f);
    positive(m.lookbackDays(), "metrics.lookback_days", t, f);
    if (m.pseudonymSalt() == null || m.pseudonymSalt().isEmpty()) {
      fail(t, f, "metrics.pseudonym_salt", "must be set");
    }
    if (m.lifecycle() == null) {
      fail(t, f, "metrics.lifecycle", "section is missing");
    }
    positive(m.lifecycle().newDays(), "metrics.lifecycle.new_days", t, f);
    positive(m.lifecycle().atRiskDays(), "metrics.lifecycle.at_risk_days", t, f);
    positive(m.lifecycle().loyalMinTenureDays(), "metrics.lifecycle.loyal_min_tenure_days", t, f);
    positive(m.lifecycle().loyalMinOrders(), "metrics.lifecycle.loyal_min_orders", t, f);
  }

  private static void validateAlerts(CxlakeConfig.Alerts a, JsonNode t, String f) {
    if (!Set.of("month", "week").contains(a.periodType())) {
      fail(t, f, "alerts.period_type", "must be month or week, was '" + a.periodType() + "'");
    }
    positive(a.baselinePeriods(), "alerts.baseline_periods", t, f);
    positive(a.minResponses(), "alerts.min_responses", t, f);
    if (a.alpha() == null || a.alpha() <= 0 || a.alpha() >= 0.5) {
      fail(t, f, "alerts.alpha", "must be between 0 and 0.5, was " + a.alpha());
    }
    for (String kpi : a.minChange() == null ? Set.<String>of() : a.minChange().keySet()) {
      if (!ALERT_KPIS.contains(kpi)) {
        fail(t, f, "alerts.min_change." + kpi, "unknown KPI (known: " + new java.util.TreeSet<>(ALERT_KPIS) + ")");
      }
      if (a.minChange().get(kpi) == null || a.minChange().get(kpi) < 0) {
        fail(t, f, "alerts.min_change." + kpi, "must be 0 or more");
      }
    }
    for (Map.Entry<String, CxlakeConfig.Threshold> e
        : (a.thresholds() == null ? Map.<String, CxlakeConfig.Threshold>of() : a.thresholds()).entrySet()) {
      if (!ALERT_KPIS.contains(e.getKey())) {
        fail(t, f, "alerts.thresholds." + e.getKey(), "unknown KPI (known: " + new java.util.TreeSet<>(ALERT_KPIS) + ")");
      }
      if (e.getValue() == null || (e.getValue().min() == null && e.getValue().max() == null)) {
        fail(t, f, "alerts.thresholds." + e.getKey(), "needs min and/or max");
      }
    }
    positive(a.recentPeriods(), "alerts.recent_periods", t, f);
    positive(a.followupDays(), "alerts.followup_days", t, f);
  }

  private static void validateQuality(CxlakeConfig.Quality q, JsonNode t, String f) {
    List<CxlakeConfig.CustomCheck> checks = q.checks() == null ? List.of() : q.checks();
    for (int i = 0; i < checks.size(); i++) {
      CxlakeConfig.CustomCheck c = checks.get(i);
      String key = "quality.checks[" + i + "]";
      if (c.table() == null || c.table().isBlank()) {
        fail(t, f, key + ".table", "must name a gold table");
      }
      if (c.name() == null || !DB_NAME.matcher(c.name()).matches()) {
        fail(t, f, key + ".name", "must match [a-z_][a-z0-9_]*, was '" + c.name() + "'");
      }
      if (c.expression() == null || c.expression().isBlank()) {
        fail(t, f, key + ".expression", "must be a SQL predicate");
      }
      if (!Set.of("fail", "warn").contains(c.severity())) {
        fail(t, f, key + ".severity", "must be fail or warn, was '" + c.severity() + "'");
      }
    }
  }

  static void positive(Integer v, String key, JsonNode t, String f) {
    if (v == null || v < 1) {
      fail(t, f, key, "must be a whole number of 1 or more, was " + v);
    }
  }

  private static void requireSection(Object section, String key, JsonNode userTree, String file) {
    if (section == null) {
      fail(userTree, file, key, "section is missing");
    }
  }

  private static void checkDb(String db, String key, JsonNode userTree, String file) {
    if (db == null || !DB_NAME.matcher(db).matches()) {
      fail(userTree, file, key, "must be a database name matching [a-z_][a-z0-9_]*, was '" + db + "'");
    }
  }

  /** Reports a bad value against the user's file when the key is there, else the defaults. */
  static void fail(JsonNode userTree, String userFile, String key, String problem) {
    JsonNode node = userTree;
    for (String part : key.split("\\.")) {
      int bracket = part.indexOf('[');
      String field = bracket < 0 ? part : part.substring(0, bracket);
      node = node == null ? null : node.get(field);
      if (bracket >= 0 && node != null) {
        node = node.get(Integer.parseInt(part.substring(bracket + 1, part.length() - 1)));
      }
    }
    throw new ConfigException(node == null ? DEFAULTS_NAME : userFile, key, problem);
  }

  private <T> T bind(JsonNode tree, Class<T> type, String file) {
    try {
      return yaml.treeToValue(tree, type);
    } catch (UnrecognizedPropertyException e) {
      String key = path(e);
      String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream()
          .map(Object::toString).sorted().collect(Collectors.joining(", "));
      throw new ConfigException(file, key, "unknown key" + (known.isEmpty() ? "" : " (known here: " + known + ")"));
    } catch (JsonMappingException e) {
      throw new ConfigException(file, path(e), "bad value: " + e.getOriginalMessage().split("\n")[0]);
    } catch (JsonProcessingException e) {
      throw new ConfigException(file, null, "cannot read: " + e.getOriginalMessage());
    }
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "[");
  }

  private JsonNode readFile(Path file) {
    try {
      JsonNode node = yaml.readTree(file.toFile());
      if (node == null || node.isMissingNode() || node.isNull()) {
        return yaml.createObjectNode();
      }
      if (!node.isObject()) {
        throw new ConfigException(file.toString(), null, "must be a YAML mapping of keys to values");
      }
      return node;
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
      throw new ConfigException(file.toString(), null, "not valid YAML" + where + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException(file.toString(), null, "cannot read: " + e.getMessage());
    }
  }

  private JsonNode readResource(String resource) {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("packaged defaults " + resource + " missing from the jar");
      }
      return yaml.readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read packaged defaults " + resource, e);
    }
  }

  /** Deep merge: values of {@code override} replace those of {@code base}; mappings merge. */
  static JsonNode merge(JsonNode base, JsonNode override) {
    if (!(base instanceof ObjectNode b) || !override.isObject()) {
      return override;
    }
    Iterator<Map.Entry<String, JsonNode>> it = override.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode existing = b.get(e.getKey());
      b.set(e.getKey(), existing == null ? e.getValue() : merge(existing, e.getValue()));
    }
    return b;
  }
}
