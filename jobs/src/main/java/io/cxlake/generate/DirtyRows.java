package io.cxlake.generate;

import io.cxlake.core.ColumnSpec;
import io.cxlake.core.ColumnType;
import io.cxlake.core.EntitySpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a clean generated row into a dirty one of a given reason code. Each dirty row has
 * exactly one defect, so the quarantine's count per reason must equal the truth file's.
 * Rows with a defect other than a duplicate get a fresh key so they never collide.
 */
final class DirtyRows {
  private DirtyRows() {}

  /** A dirty row: values to write, or a raw (malformed) line. */
  record Dirty(String reason, String[] values, String rawLine) {}

  /** Reason codes this entity can be planted with in this file format. */
  static List<String> applicableReasons(EntitySpec e, String format) {
    List<String> r = new ArrayList<>(List.of("null_key"));
    if (firstOf(e, c -> c.required() && !e.isKey(c.name()) && c.references() == null) != null) {
      r.add("missing_value");
    }
    boolean text = !format.equals("parquet");
    if (text && firstOf(e, c -> !c.type().isTemporal() && c.type() != ColumnType.STRING) != null) {
      r.add("bad_type");
    }
    if (text && firstOf(e, c -> c.type().isTemporal() && c.required()) != null) {
      r.add("unparseable_ts");
    }
    if (firstOf(e, c -> c.min() != null || c.max() != null) != null) {
      r.add("out_of_range");
    }
    if (firstOf(e, c -> !c.accepted().isEmpty()) != null) {
      r.add("invalid_value");
    }
    if (firstOf(e, ColumnSpec::notFuture) != null) {
      r.add("future_ts");
    }
    if (!e.foreignKeys().isEmpty()) {
      r.add("orphan_fk");
    }
    r.add("duplicate_key");
    r.add("exact_duplicate");
    if (format.equals("json")) {
      r.add("malformed_record");
    }
    return r;
  }

  /** The dirty row, or null when this clean row cannot carry that defect. */
  static Dirty make(EntitySpec e, String[] clean, String reason, long serial, RecordWriter writer) {
    String[] v = clean.clone();
    switch (reason) {
      case "exact_duplicate" -> {
        return new Dirty(reason, v, null);
      }
      case "duplicate_key" -> {
        changeNonKey(e, v);
        return new Dirty(reason, v, null);
      }
      case "null_key" -> {
        v[index(e, e.key().get(e.key().size() - 1))] = null;
        return new Dirty(reason, v, null);
      }
      default -> { }
    }
    freshKey(e, v, serial);
    switch (reason) {
      case "missing_value" -> v[index(e, firstOf(e, c -> c.required() && !e.isKey(c.name()) && c.references() == null).name())] = null;
      case "bad_type" -> {
        ColumnSpec c = firstOf(e, x -> !x.type().isTemporal() && x.type() != ColumnType.STRING);
        v[index(e, c.name())] = switch (c.type()) {
          case BOOLEAN -> "maybe";
          case DECIMAL, DOUBLE -> "12,5O";
          default -> "1O";
        };
      }
      case "unparseable_ts" -> {
        ColumnSpec c = firstOf(e, x -> x.type().isTemporal() && x.required());
        v[index(e, c.name())] = c.type() == ColumnType.DATE ? "31/02/2025" : "2025-13-45 25:61:00";
      }
      case "out_of_range" -> {
        ColumnSpec c = firstOf(e, x -> x.min() != null || x.max() != null);
        double bad = c.min() != null ? c.min() - 5 : c.max() + 5;
        v[index(e, c.name())] = c.type() == ColumnType.DECIMAL || c.type() == ColumnType.DOUBLE
            ? String.format("%.2f", bad) : String.valueOf((long) bad);
      }
      case "invalid_value" -> v[index(e, firstOf(e, x -> !x.accepted().isEmpty()).name())] = "unknown_value";
      case "future_ts" -> {
        boolean changed = false;
        for (ColumnSpec c : e.columns()) {
          int i = index(e, c.name());
          if (c.notFuture() && v[i] != null) {
            v[i] = "2091" + v[i].substring(4);
            changed = true;
          }
        }
        if (!changed) {
          return null; // e.g. a pending renewal has no decided_date to move
        }
      }
      case "orphan_fk" -> {
        ColumnSpec fk = e.foreignKeys().get(e.foreignKeys().size() - 1);
        int i = index(e, fk.name());
        v[i] = (fk.references().equals("customers") ? "CX" : "RX") + String.format("%07d", serial);
      }
      case "malformed_record" -> {
        String json = ((RecordWriter.JsonLines) writer).format(v);
        return new Dirty(reason, null, json.substring(0, json.length() / 2));
      }
      default -> throw new IllegalArgumentException("unknown reason " + reason);
    }
    return new Dirty(reason, v, null);
  }

  /** Changes one non-key value so the row conflicts with the original on its key. */
  private static void changeNonKey(EntitySpec e, String[] v) {
    for (ColumnSpec c : e.columns()) {
      int i = index(e, c.name());
      if (e.isKey(c.name()) || c.references() != null || v[i] == null) {
        continue;
      }
      switch (c.type()) {
        case INT, LONG -> {
          long x = Long.parseLong(v[i]);
          long y = c.max() != null && x + 1 > c.max() ? x - 1 : x + 1;
          v[i] = String.valueOf(y);
          return;
        }
        case DECIMAL, DOUBLE -> {
          v[i] = String.format("%.2f", Double.parseDouble(v[i]) + 1.0);
          return;
        }
        case DATE -> {
          v[i] = java.time.LocalDate.parse(v[i]).minusDays(1).toString();
          return;
        }
        default -> { }
      }
    }
    for (ColumnSpec c : e.columns()) {
      int i = index(e, c.name());
      if (!e.isKey(c.name()) && c.references() == null && c.type() == ColumnType.STRING
          && c.accepted().isEmpty() && v[i] != null) {
        v[i] = v[i] + "_2";
        return;
      }
    }
    throw new IllegalStateException("no column to change in " + e.name());
  }

  private static void freshKey(EntitySpec e, String[] v, long serial) {
    String last = e.key().get(e.key().size() - 1);
    int i = index(e, last);
    v[i] = v[i] + "-D" + serial;
  }

  static int index(EntitySpec e, String column) {
    return e.columnNames().indexOf(column);
  }

  private static ColumnSpec firstOf(EntitySpec e, java.util.function.Predicate<ColumnSpec> p) {
    for (ColumnSpec c : e.columns()) {
      if (!e.isKey(c.name()) && c.references() == null && p.test(c)) {
        return c;
      }
    }
    return null;
  }
}
