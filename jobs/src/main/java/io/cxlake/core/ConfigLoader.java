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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Loads conf/cxlake.yaml over the packaged defaults, binds each registered section to its
 * typed record and runs the section's validation; loads conf/sources.yaml. Every error names
 * the file and the key (exit code 2).
 */
public final class ConfigLoader {
  /** The defaults: a copy of conf/cxlake.yaml packaged in the jar. */
  public static final String DEFAULTS_RESOURCE = "/io/cxlake/defaults/cxlake.yaml";
  static final String DEFAULTS_NAME = "<packaged defaults: conf/cxlake.yaml>";
  /** The sections every configuration has, whatever stages are registered. */
  public static final List<ConfigSection<?>> CORE_SECTIONS = List.of(RuntimeConfig.SECTION, CatalogConfig.SECTION,
      CxlakeConfig.SOURCES);

  private static final Set<String> FORMATS = Set.of("csv", "json", "parquet", "delta");

  private final ObjectMapper yaml;
  private final List<ConfigSection<?>> sections;

  /** A loader for the given sections (the core ones are added). */
  public ConfigLoader(List<ConfigSection<?>> sections) {
    yaml = new ObjectMapper(new YAMLFactory())
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    Map<String, ConfigSection<?>> byKey = new LinkedHashMap<>();
    for (ConfigSection<?> s : CORE_SECTIONS) {
      byKey.put(s.key(), s);
    }
    for (ConfigSection<?> s : sections) {
      ConfigSection<?> before = byKey.putIfAbsent(s.key(), s);
      if (before != null && before != s) {
        throw new IllegalArgumentException("configuration section '" + s.key() + "' is registered twice");
      }
    }
    this.sections = List.copyOf(byKey.values());
  }

  /**
   * The result: typed config plus where it came from.
   *
   * @param userTree the user's own keys (without the defaults), for overlays
   */
  public record Loaded(CxlakeConfig config, String configFile, String configDir, JsonNode userTree) {
    /** The sources file (a Hadoop URI), resolved against the config file's folder. */
    public String sourcesFile() {
      return HadoopFiles.resolve(configDir, config.sources());
    }
  }

  /**
   * Loads the configuration.
   *
   * @param userFile the --config file (a local path or a Hadoop URI: hdfs://, s3a://, ...), or
   *                 null for ./conf/cxlake.yaml when present, else the packaged defaults alone
   */
  public Loaded load(String userFile) {
    String file = userFile;
    if (file == null && HadoopFiles.isFile(LOCAL_CONFIG)) {
      file = LOCAL_CONFIG;
    }
    if (file == null) {
      return load(yaml.createObjectNode(), DEFAULTS_NAME, HadoopFiles.qualify("conf"));
    }
    if (!HadoopFiles.isFile(file)) {
      throw new ConfigException(file, null, "configuration file not found");
    }
    return load(readFile(file), file, HadoopFiles.parent(file));
  }

  private static final String LOCAL_CONFIG = "conf/cxlake.yaml";

  /**
   * A configuration with a YAML snippet in the syntax of conf/cxlake.yaml merged over an
   * already loaded one (notebooks, tests), e.g. {@code "churn: {models: [gbt]}"}. Errors in the
   * snippet name {@code snippetName}.
   */
  public Loaded overlay(Loaded base, String snippet, String snippetName) {
    JsonNode over;
    try {
      over = yaml.readTree(snippet == null ? "" : snippet);
    } catch (JsonProcessingException e) {
      throw new ConfigException(snippetName, null, "not valid YAML: " + e.getOriginalMessage());
    }
    if (over == null || over.isMissingNode() || over.isNull()) {
      return base;
    }
    if (!over.isObject()) {
      throw new ConfigException(snippetName, null, "must be a YAML mapping like \"churn: {models: [gbt]}\"");
    }
    checkKeys(over, snippetName);
    bindAll(over, snippetName, false);
    JsonNode merged = merge(base.userTree().deepCopy(), over);
    return load(merged, snippetName, base.configDir());
  }

  /** Binds and validates the user's keys merged over the packaged defaults. */
  private Loaded load(JsonNode user, String name, String dir) {
    checkKeys(user, name);
    // Bind the user's keys alone first: unknown keys and bad types are reported against them.
    bindAll(user, name, false);
    JsonNode merged = merge(readResource(DEFAULTS_RESOURCE), user);
    Map<String, Object> bound = bindAll(merged, name, true);
    CxlakeConfig config = new CxlakeConfig(bound);
    ConfigCheck check = new ConfigCheck(user, name, config);
    for (ConfigSection<?> s : sections) {
      validate(s, config, check);
    }
    return new Loaded(config, name, dir, user);
  }

  private static <T> void validate(ConfigSection<T> s, CxlakeConfig config, ConfigCheck check) {
    s.validator().validate(config.get(s), check);
  }

  private void checkKeys(JsonNode tree, String file) {
    List<String> known = sections.stream().map(ConfigSection::key).sorted().toList();
    Iterator<String> names = tree.fieldNames();
    while (names.hasNext()) {
      String key = names.next();
      if (!known.contains(key)) {
        throw new ConfigException(file, key, "unknown key (known here: " + String.join(", ", known) + ")");
      }
    }
  }

  private Map<String, Object> bindAll(JsonNode tree, String file, boolean required) {
    Map<String, Object> bound = new LinkedHashMap<>();
    for (ConfigSection<?> s : sections) {
      JsonNode node = tree.get(s.key());
      if (node == null || node.isNull()) {
        if (!required) {
          continue;
        }
        // A section without defaults binds to its empty record: its validation names each key it needs.
        node = yaml.createObjectNode();
      }
      bound.put(s.key(), bind(node, s.type(), file, s.key()));
    }
    return bound;
  }

  /** Loads and validates a sources file (conf/sources.yaml). */
  public SourcesConfig loadSources(String file) {
    String name = HadoopFiles.display(file);
    if (!HadoopFiles.isFile(file)) {
      throw new ConfigException(name, null, "sources file not found (set 'sources' in the configuration)");
    }
    JsonNode tree = readFile(file);
    SourcesConfig sources = bind(tree, SourcesConfig.class, name, null);
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
      if (s != null && s.derived()) {
        if (s.path() != null || s.format() != null) {
          throw new ConfigException(name, prefix + ".query", "a derived entity has a query instead of path and format");
        }
      } else if (s == null || s.path() == null || s.path().isBlank()) {
        throw new ConfigException(name, prefix + ".path", "must be set (or a query deriving the entity from others)");
      } else if (s.format() == null || !FORMATS.contains(s.format())) {
        throw new ConfigException(name, prefix + ".format",
            "must be one of " + String.join("|", FORMATS.stream().sorted().toList()) + ", was '" + s.format() + "'");
      }
      if (s.grain() != null && !(entity.equals("orders") && Set.of("order", "line").contains(s.grain()))) {
        throw new ConfigException(name, prefix + ".grain", entity.equals("orders")
            ? "must be order or line, was '" + s.grain() + "'" : "only orders have a grain (order or line)");
      }
      if (s.creditWhen() != null && !entity.equals("orders")) {
        throw new ConfigException(name, prefix + ".credit_when", "only orders have credit notes");
      }
      if (s.options() != null) {
        for (String key : List.of("encoding", "charset")) {
          String enc = s.options().get(key);
          if (enc != null && !knownCharset(enc)) {
            throw new ConfigException(name, prefix + ".options." + key, "unknown encoding '" + enc
                + "' (e.g. UTF-8, ISO-8859-1, windows-1252, UTF-16)");
          }
        }
      }
      if (s.scales() != null) {
        checkScales(name, prefix, Entities.byName(entity), s.scales());
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

  /** The rating columns a scale can be declared for: the bounded integers of surveys and reviews. */
  public static boolean rescalable(EntitySpec e, ColumnSpec c) {
    return Set.of("survey_responses", "survey_ratings", "reviews").contains(e.name())
        && c.type() == ColumnType.INT && c.min() != null && c.max() != null;
  }

  private static boolean knownCharset(String name) {
    try {
      return java.nio.charset.Charset.isSupported(name);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void checkScales(String file, String prefix, EntitySpec e, List<SourcesConfig.Scale> scales) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < scales.size(); i++) {
      SourcesConfig.Scale sc = scales.get(i);
      String key = prefix + ".scales[" + i + "]";
      ColumnSpec c = sc.column() == null ? null : e.column(sc.column()).orElse(null);
      if (c == null || !rescalable(e, c)) {
        throw new ConfigException(file, key + ".column", "must be a rating column of " + e.name() + " ("
            + e.columns().stream().filter(x -> rescalable(e, x)).map(ColumnSpec::name).collect(Collectors.joining(", "))
            + "), was '" + sc.column() + "'");
      }
      if (sc.min() == null || sc.max() == null || sc.min() >= sc.max()) {
        throw new ConfigException(file, key, "needs min < max, was min " + sc.min() + ", max " + sc.max());
      }
      boolean free = c.minFrom() != null; // a column with a per-row scale (survey_ratings.score)
      int points = (int) (c.max() - c.min());
      if (!free && sc.max() - sc.min() != points) {
        throw new ConfigException(file, key, c.name() + " has " + (points + 1) + " points (" + c.min().intValue() + "-"
            + c.max().intValue() + "); a " + sc.min() + "-" + sc.max() + " coding cannot be recoded onto it one to one "
            + "(map the column with an expression instead)");
      }
      if (sc.notApplicable() != null && sc.notApplicable() >= sc.min() && sc.notApplicable() <= sc.max()) {
        throw new ConfigException(file, key + ".not_applicable", "must lie outside " + sc.min() + ".." + sc.max()
            + ", was " + sc.notApplicable());
      }
      List<String> attributes = sc.attributes() == null ? List.of() : sc.attributes();
      if (!attributes.isEmpty() && !free) {
        throw new ConfigException(file, key + ".attributes", "only survey_ratings.score has attribute sets");
      }
      for (String a : attributes.isEmpty() ? List.of("*") : attributes) {
        if (!seen.add(c.name() + "/" + a)) {
          throw new ConfigException(file, key, a.equals("*") ? "a second default scale for " + c.name()
              : "attribute '" + a + "' already has a scale");
        }
      }
    }
  }

  private <T> T bind(JsonNode tree, Class<T> type, String file, String prefix) {
    try {
      return yaml.treeToValue(tree, type);
    } catch (UnrecognizedPropertyException e) {
      String key = path(e, prefix);
      String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream()
          .map(Object::toString).sorted().collect(Collectors.joining(", "));
      throw new ConfigException(file, key, "unknown key" + (known.isEmpty() ? "" : " (known here: " + known + ")"));
    } catch (JsonMappingException e) {
      throw new ConfigException(file, path(e, prefix), "bad value: " + e.getOriginalMessage().split("\n")[0]);
    } catch (JsonProcessingException e) {
      throw new ConfigException(file, prefix, "cannot read: " + e.getOriginalMessage());
    }
  }

  private static String path(JsonMappingException e, String prefix) {
    List<String> parts = new ArrayList<>();
    if (prefix != null) {
      parts.add(prefix);
    }
    e.getPath().forEach(r -> parts.add(r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]"));
    return String.join(".", parts).replace(".[", "[");
  }

  private JsonNode readFile(String file) {
    try (InputStream in = HadoopFiles.open(file)) {
      JsonNode node = yaml.readTree(in);
      if (node == null || node.isMissingNode() || node.isNull()) {
        return yaml.createObjectNode();
      }
      if (!node.isObject()) {
        throw new ConfigException(HadoopFiles.display(file), null, "must be a YAML mapping of keys to values");
      }
      return node;
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
      throw new ConfigException(HadoopFiles.display(file), null, "not valid YAML" + where + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException(HadoopFiles.display(file), null, "cannot read: " + e.getMessage());
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
