package io.cxlake.core;

import java.util.List;

/**
 * One canonical column of a landing entity: its type and the rules curate enforces.
 *
 * @param name        canonical column name
 * @param type        canonical type
 * @param required    a null or blank value is rejected ({@code null_key} for key columns,
 *                    {@code missing_value} otherwise)
 * @param min         inclusive lower bound for numbers ({@code out_of_range}), or null
 * @param max         inclusive upper bound for numbers ({@code out_of_range}), or null
 * @param accepted    accepted values after conforming (lower-cased), or empty for any
 *                    ({@code invalid_value})
 * @param references  entity whose key this column references ({@code orphan_fk}), or null
 * @param pii         personal data: kept in silver only, never in gold
 * @param notFuture   a value later than now (+ tolerance) is rejected ({@code future_ts})
 * @param description one line for docs and table comments
 * @param minFrom     column of the same row holding the lower bound (a rating's scale), used
 *                    instead of {@code min} where it is not null; or null
 * @param maxFrom     the same for the upper bound
 */
public record ColumnSpec(
    String name,
    ColumnType type,
    boolean required,
    Double min,
    Double max,
    List<String> accepted,
    String references,
    boolean pii,
    boolean notFuture,
    String description,
    String minFrom,
    String maxFrom) {

  public static ColumnSpec of(String name, ColumnType type, boolean required, String description) {
    return new ColumnSpec(name, type, required, null, null, List.of(), null, false,
        type == ColumnType.TIMESTAMP, description, null, null);
  }

  public ColumnSpec range(double lo, double hi) {
    return new ColumnSpec(name, type, required, lo, hi, accepted, references, pii, notFuture, description, minFrom, maxFrom);
  }

  public ColumnSpec min(double lo) {
    return new ColumnSpec(name, type, required, lo, null, accepted, references, pii, notFuture, description, minFrom, maxFrom);
  }

  public ColumnSpec oneOf(String... values) {
    return new ColumnSpec(name, type, required, min, max, List.of(values), references, pii, notFuture, description, minFrom, maxFrom);
  }

  public ColumnSpec references(String entity) {
    return new ColumnSpec(name, type, required, min, max, accepted, entity, pii, notFuture, description, minFrom, maxFrom);
  }

  /** A date that cannot lie in the future (timestamps are checked by default). */
  public ColumnSpec past() {
    return new ColumnSpec(name, type, required, min, max, accepted, references, pii, true, description, minFrom, maxFrom);
  }

  public ColumnSpec personal() {
    return new ColumnSpec(name, type, required, min, max, accepted, references, true, notFuture, description, minFrom, maxFrom);
  }

  /**
   * Bounds read per row from two other columns (a rating on its own declared scale), falling
   * back to {@code range} where they are null; a row whose lower bound is not below its upper
   * bound is out of range too.
   */
  public ColumnSpec boundedBy(String minColumn, String maxColumn) {
    return new ColumnSpec(name, type, required, min, max, accepted, references, pii, notFuture, description,
        minColumn, maxColumn);
  }
}
