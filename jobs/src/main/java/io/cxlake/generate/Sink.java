package io.cxlake.generate;

import io.cxlake.core.ColumnType;
import io.cxlake.core.EntitySpec;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Receives clean generated rows, writes them to the entity's files in the canonical layout
 * and plants dirty rows after them at the configured rate, counting every one per reason.
 * Dirty rows draw from their own random stream, so the clean rows do not depend on the rate.
 * With a next-day folder, the rows of the last day (and the dirty rows planted after them) go to
 * files of their own there: the batch that lands the day after a build of the rest.
 */
final class Sink implements AutoCloseable {
  private final Path out;
  private final Path nextDayOut;
  private final long nextDay;
  private final double dirtyRate;
  private final Rand dirtyRnd;
  private final Map<String, Entity> entities = new LinkedHashMap<>();
  private long dirtySerial;

  /** Per entity: format, writers (one per file key), counts. */
  private final class Entity {
    final EntitySpec spec;
    final String format;
    final Map<String, RecordWriter> writers = new HashMap<>();
    final List<String> reasons;
    final boolean[] timestamp;
    long clean;
    long nextDayRows;
    final Map<String, Long> dirty = new TreeMap<>();

    Entity(EntitySpec spec, String format) {
      this.spec = spec;
      this.format = format;
      this.reasons = DirtyRows.applicableReasons(spec, format);
      this.timestamp = new boolean[spec.columns().size()];
      for (int i = 0; i < timestamp.length; i++) {
        timestamp[i] = spec.columns().get(i).type() == ColumnType.TIMESTAMP;
      }
    }

    RecordWriter writer(String fileKey, boolean held) {
      return writers.computeIfAbsent(held ? fileKey + NEXT_DAY_SUFFIX : fileKey, k -> {
        Path dir = (held ? nextDayOut : out).resolve(spec.name());
        List<String> cols = spec.columnNames();
        return switch (format) {
          case "csv" -> new RecordWriter.Csv(dir.resolve(k + ".csv"), cols);
          case "json" -> {
            boolean[] numeric = new boolean[cols.size()];
            boolean[] bool = new boolean[cols.size()];
            for (int i = 0; i < cols.size(); i++) {
              ColumnType t = spec.columns().get(i).type();
              numeric[i] = t == ColumnType.INT || t == ColumnType.LONG || t == ColumnType.DOUBLE || t == ColumnType.DECIMAL;
              bool[i] = t == ColumnType.BOOLEAN;
            }
            yield new RecordWriter.JsonLines(dir.resolve(k + ".jsonl"), cols, numeric, bool);
          }
          case "parquet" -> new ParquetEventWriter(dir, k, cols, 1_000_000);
          default -> throw new IllegalArgumentException(format);
        };
      });
    }
  }

  /** Added to the file names of the next-day batch, so they land beside the others without replacing one. */
  static final String NEXT_DAY_SUFFIX = "-next-day";

  /**
   * @param nextDayOut where the rows of epoch day {@code nextDay} go, or null to write every row to
   *                   {@code out}
   */
  Sink(Path out, Path nextDayOut, long nextDay, double dirtyRate, Rand dirtyRnd) {
    this.out = out;
    this.nextDayOut = nextDayOut;
    this.nextDay = nextDay;
    this.dirtyRate = dirtyRate;
    this.dirtyRnd = dirtyRnd;
  }

  void register(EntitySpec spec, String format) {
    entities.put(spec.name(), new Entity(spec, format));
  }

  /**
   * Writes one clean row (timestamps as "yyyy-MM-dd HH:mm:ss" UTC; JSON files get ISO-8601
   * with Z) and maybe one dirty row after it. {@code day} is the row's own date (epoch day): the
   * event's, or the sign-up, start or decision date.
   */
  void emit(EntitySpec spec, String[] values, String fileKey, long day) {
    Entity e = entities.get(spec.name());
    if (e.format.equals("json")) {
      for (int i = 0; i < values.length; i++) {
        if (e.timestamp[i] && values[i] != null) {
          values[i] = values[i].replace(' ', 'T') + "Z";
        }
      }
    }
    boolean held = nextDayOut != null && day >= nextDay;
    RecordWriter w = e.writer(fileKey, held);
    w.write(values);
    e.clean++;
    e.nextDayRows += held ? 1 : 0;
    if (dirtyRate > 0 && dirtyRnd.chance(dirtyRate)) {
      String reason = e.reasons.get(dirtyRnd.nextInt(e.reasons.size()));
      DirtyRows.Dirty d = DirtyRows.make(spec, values, reason, ++dirtySerial, w);
      if (d == null) {
        return;
      }
      if (d.rawLine() != null) {
        w.writeRaw(d.rawLine());
      } else {
        w.write(d.values());
      }
      e.dirty.merge(reason, 1L, Long::sum);
      e.nextDayRows += held ? 1 : 0;
    }
  }

  /** entity -> {clean, dirty, total, next_day}: next_day of the total went to the next-day batch. */
  Map<String, Map<String, Long>> rowCounts() {
    Map<String, Map<String, Long>> m = new LinkedHashMap<>();
    entities.forEach((name, e) -> {
      long dirty = e.dirty.values().stream().mapToLong(Long::longValue).sum();
      Map<String, Long> c = new LinkedHashMap<>();
      c.put("clean", e.clean);
      c.put("dirty", dirty);
      c.put("total", e.clean + dirty);
      c.put("next_day", e.nextDayRows);
      m.put(name, c);
    });
    return m;
  }

  /** entity -> reason -> planted dirty rows. */
  Map<String, Map<String, Long>> dirtyCounts() {
    Map<String, Map<String, Long>> m = new LinkedHashMap<>();
    entities.forEach((name, e) -> m.put(name, new TreeMap<>(e.dirty)));
    return m;
  }

  Map<String, String> formats() {
    Map<String, String> m = new LinkedHashMap<>();
    entities.forEach((name, e) -> m.put(name, e.format));
    return m;
  }

  @Override
  public void close() {
    for (Entity e : entities.values()) {
      for (RecordWriter w : e.writers.values()) {
        w.close();
      }
    }
  }
}
