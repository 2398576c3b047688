package io.cxlake.core;

import java.util.Map;

/**
 * The typed configuration: conf/cxlake.yaml merged over the packaged defaults, one bound and
 * validated record per registered {@link ConfigSection}. Each package declares and reads its
 * own section ({@code config.get(ChurnConfig.SECTION)}); runtime, catalog and the sources file
 * belong to the core.
 */
public final class CxlakeConfig {
  /** The name of the sources file (conf/sources.yaml), relative to the configuration file. */
  public static final ConfigSection<String> SOURCES = new ConfigSection<>("sources", String.class, (v, check) -> {
    if (v == null || v.isBlank()) {
      check.fail("sources", "must name the sources file");
    }
  });

  private final Map<String, Object> sections;

  CxlakeConfig(Map<String, Object> sections) {
    this.sections = Map.copyOf(sections);
  }

  /** A section's bound values; the section must be registered with the loader. */
  public <T> T get(ConfigSection<T> section) {
    Object v = sections.get(section.key());
    if (v == null) {
      throw new IllegalArgumentException("configuration section '" + section.key() + "' is not registered");
    }
    return section.type().cast(v);
  }

  public RuntimeConfig runtime() {
    return get(RuntimeConfig.SECTION);
  }

  public CatalogConfig catalog() {
    return get(CatalogConfig.SECTION);
  }

  public String sources() {
    return get(SOURCES);
  }
}
