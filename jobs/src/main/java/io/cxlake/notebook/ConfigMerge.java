package io.cxlake.notebook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/** Deep merge of two YAML documents: mappings merge key by key, anything else is replaced. */
final class ConfigMerge {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ConfigMerge() {}

  static String merge(String baseYaml, String overrideYaml) {
    try {
      JsonNode base = YAML.readTree(baseYaml);
      JsonNode over = YAML.readTree(overrideYaml);
      if (over == null || over.isMissingNode() || over.isNull()) {
        return baseYaml;
      }
      if (!over.isObject()) {
        throw new IllegalArgumentException("settings must be a YAML mapping like \"churn: {models: [gbt]}\", was: " + overrideYaml);
      }
      return YAML.writeValueAsString(merge((ObjectNode) base, over));
    } catch (IOException e) {
      throw new UncheckedIOException("settings are not valid YAML: " + e.getMessage(), e);
    }
  }

  private static ObjectNode merge(ObjectNode base, JsonNode over) {
    Iterator<Map.Entry<String, JsonNode>> fields = over.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      JsonNode current = base.get(f.getKey());
      if (current instanceof ObjectNode o && f.getValue().isObject()) {
        merge(o, f.getValue());
      } else {
        base.set(f.getKey(), f.getValue());
      }
    }
    return base;
  }
}
