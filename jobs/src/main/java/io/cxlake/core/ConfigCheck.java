package io.cxlake.core;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a section's validation uses to report a bad value: the error names the key and the
 * file that set it (the user's file when it sets the key, else the packaged defaults). A
 * validation may read another section (e.g. journey names one of the drivers outcomes).
 */
public final class ConfigCheck {
  private final JsonNode userTree;
  private final String userFile;
  private final CxlakeConfig config;

  ConfigCheck(JsonNode userTree, String userFile, CxlakeConfig config) {
    this.userTree = userTree;
    this.userFile = userFile;
    this.config = config;
  }

  /** Another bound section, for checks that span sections. */
  public <T> T section(ConfigSection<T> section) {
    return config.get(section);
  }

  /** Stops with a configuration error for {@code key} (a dotted path, lists as key[i]). */
  public void fail(String key, String problem) {
    JsonNode node = userTree;
    for (String part : key.split("\\.")) {
      int bracket = part.indexOf('[');
      String field = bracket < 0 ? part : part.substring(0, bracket);
      node = node == null ? null : node.get(field);
      if (bracket >= 0 && node != null) {
        node = node.get(Integer.parseInt(part.substring(bracket + 1, part.length() - 1)));
      }
    }
    throw new ConfigException(node == null ? ConfigLoader.DEFAULTS_NAME : userFile, key, problem);
  }

  /** A whole number of 1 or more. */
  public void positive(Integer v, String key) {
    if (v == null || v < 1) {
      fail(key, "must be a whole number of 1 or more, was " + v);
    }
  }

  /** One of the allowed words. */
  public void oneOf(String v, java.util.Collection<String> allowed, String key) {
    if (v == null || !allowed.contains(v)) {
      fail(key, "must be " + String.join(" or ", allowed) + ", was '" + v + "'");
    }
  }
}
