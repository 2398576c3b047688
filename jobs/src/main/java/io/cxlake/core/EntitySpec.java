package io.cxlake.core;

import java.util.List;
import java.util.Optional;

/**
 * A canonical landing entity (SPEC §5): its key, columns and rules. The one description
 * that the generator, ingest (expected columns), curate (typing and validation) and the
 * docs all use.
 *
 * @param name        entity name, also the bronze table name
 * @param silverTable silver table name
 * @param key         key columns (composite for survey_ratings)
 * @param columns     all canonical columns, key first
 * @param description one line for docs and table comments
 */
public record EntitySpec(
    String name, String silverTable, List<String> key, List<ColumnSpec> columns, String description) {

  public List<String> columnNames() {
    return columns.stream().map(ColumnSpec::name).toList();
  }

  public Optional<ColumnSpec> column(String columnName) {
    return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
  }

  public List<ColumnSpec> foreignKeys() {
    return columns.stream().filter(c -> c.references() != null).toList();
  }

  public boolean isKey(String columnName) {
    return key.contains(columnName);
  }
}
