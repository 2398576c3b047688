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
    String description) {

  public static ColumnSpec of(String name, ColumnType type, boolean required, String description) {
    return new ColumnSpec(name, type, required, null, null, List.of(), null, false,
        type == ColumnType.TIMESTAMP, description);
  }

  public ColumnSpec range(double lo, double hi) {
    return new ColumnSpec(name, type, required, lo, hi, accepted, references, pii, notFuture, description);
  }

  public ColumnSpec min(double lo) {
    return new ColumnSpec(name, type, required, lo, null, accepted, references, pii, notFuture, description);
  }

  public ColumnSpec oneOf(String... values) {
    return new ColumnSpec(name, type, required, min, max, List.of(values), references, pii, notFuture, description);
  }

  public ColumnSpec references(String entity) {
    return new ColumnSpec(name, type, required, min, max, accepted, entity, pii, notFuture, description);
  }

  /** A date that cannot lie in the future (timestamps are checked by default). */
  public ColumnSpec past() {
    return new ColumnSpec(name, type, required, min, max, accepted, references, pii, true, description);
  }

  public ColumnSpec personal() {
    return new ColumnSpec(name, type, required, min, max, accepted, references, true, notFuture, description);
  }
}
