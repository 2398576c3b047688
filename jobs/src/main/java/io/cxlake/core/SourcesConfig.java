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
   * @param path        glob under the landing root (or an absolute path/URI)
   * @param format      csv | json | parquet | delta
   * @param options     Spark reader options
   * @param required    a required source with no files is an error; otherwise a warning
   * @param columns     canonical column -> source column name or SQL expression; a canonical
   *                    column not listed is read from the source column of the same name
   * @param query       instead of path and format: a SQL query over other entities' landing
   *                    files (each entity a view of its source columns), e.g. customers derived
   *                    from an order-lines export
   * @param grain       orders only: {@code order} (default, one row per order) or {@code line}
   *                    (order lines; a deterministic line key when no line_id is mapped)
   * @param creditWhen  orders only: a SQL condition over the source columns marking credit notes
   *                    and return lines; they get status credit and positive quantities and
   *                    amounts, and are subtracted from revenue
   * @param scales      rating scales of the source where they are not the canonical ones
   */
  public record Source(
      String path,
      String format,
      Map<String, String> options,
      Boolean required,
      Map<String, String> columns,
      String query,
      String grain,
      String creditWhen,
      java.util.List<Scale> scales) {

    public boolean derived() {
      return query != null && !query.isBlank();
    }

    public boolean lines() {
      return "line".equals(grain);
    }
  }

  /**
   * A rating scale as the source codes it. {@code score} of survey_ratings may use any scale
   * (per attribute set; its bounds go to scale_min and scale_max); the other rating columns
   * keep their canonical number of points and are recoded onto it, e.g. NPS exported as 1-11.
   *
   * @param column        the rating column (canonical name)
   * @param attributes    survey_ratings.score only: the attributes on this scale; empty or
   *                      absent = every attribute no other entry lists
   * @param min           lowest code of the scale
   * @param max           highest code
   * @param notApplicable a code outside min..max meaning "not applicable": read as no answer
   */
  public record Scale(String column, java.util.List<String> attributes, Integer min, Integer max,
      Integer notApplicable) {}
}
