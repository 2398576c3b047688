package io.cxlake.core;

import java.util.Map;

/**
 * conf/sources.yaml: maps the user's landing files to the canonical entities (SPEC §5).
 *
 * @param landingRoot root folder of the landing files, relative to the sources file;
 *                    {@code --landing DIR} overrides it
 * @param entities    one mapping per canonical entity
 */
public record SourcesConfig(String landingRoot, Map<String, Source> entities) {

  /**
   * @param path     glob under the landing root (or an absolute path/URI)
   * @param format   csv | json | parquet | delta
   * @param options  Spark reader options
   * @param required a required source with no files is an error; otherwise a warning
   * @param columns  canonical column -> source column name or SQL expression; a canonical
   *                 column not listed is read from the source column of the same name
   */
  public record Source(
      String path,
      String format,
      Map<String, String> options,
      Boolean required,
      Map<String, String> columns) {}
}
