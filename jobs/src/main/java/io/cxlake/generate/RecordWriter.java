package io.cxlake.generate;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes generated records of one entity file: CSV (RFC 4180) or JSON lines. */
abstract class RecordWriter implements AutoCloseable {
  protected final List<String> columns;

  RecordWriter(List<String> columns) {
    this.columns = columns;
  }

  abstract void write(String[] values);

  /** A raw line as is (malformed rows); writers that cannot hold one reject it. */
  abstract void writeRaw(String line);

  @Override
  public abstract void close();

  static BufferedWriter open(Path file) {
    try {
      Files.createDirectories(file.getParent());
      return Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** CSV with a header; fields with comma, quote or newline are quoted; null is empty. */
  static final class Csv extends RecordWriter {
    private final BufferedWriter out;

    Csv(Path file, List<String> columns) {
      super(columns);
      out = open(file);
      writeRaw(String.join(",", columns));
    }

    @Override
    void write(String[] values) {
      StringBuilder sb = new StringBuilder(128);
      for (int i = 0; i < values.length; i++) {
        if (i > 0) {
          sb.append(',');
        }
        String v = values[i];
        if (v == null) {
          continue;
        }
        if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.isEmpty()) {
          sb.append('"').append(v.replace("\"", "\"\"")).append('"');
        } else {
          sb.append(v);
        }
      }
      writeRaw(sb.toString());
    }

    @Override
    void writeRaw(String line) {
      try {
        out.write(line);
        out.write('\n');
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      try {
        out.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** JSON lines; numbers and booleans unquoted when they are valid, else strings; null is null. */
  static final class JsonLines extends RecordWriter {
    private final BufferedWriter out;
    private final boolean[] numeric;
    private final boolean[] bool;

    JsonLines(Path file, List<String> columns, boolean[] numeric, boolean[] bool) {
      super(columns);
      out = open(file);
      this.numeric = numeric;
      this.bool = bool;
    }

    String format(String[] values) {
      StringBuilder sb = new StringBuilder(256).append('{');
      for (int i = 0; i < values.length; i++) {
        if (i > 0) {
          sb.append(',');
        }
        sb.append('"').append(columns.get(i)).append("\":");
        String v = values[i];
        if (v == null) {
          sb.append("null");
        } else if (numeric[i] && v.matches("-?\\d+(\\.\\d+)?")) {
          sb.append(v);
        } else if (bool[i] && (v.equals("true") || v.equals("false"))) {
          sb.append(v);
        } else {
          quote(sb, v);
        }
      }
      return sb.append('}').toString();
    }

    @Override
    void write(String[] values) {
      writeRaw(format(values));
    }

    private static void quote(StringBuilder sb, String v) {
      sb.append('"');
      for (int i = 0; i < v.length(); i++) {
        char c = v.charAt(i);
        switch (c) {
          case '"' -> sb.append("\\\"");
          case '\\' -> sb.append("\\\\");
          case '\n' -> sb.append("\\n");
          case '\r' -> sb.append("\\r");
          case '\t' -> sb.append("\\t");
          default -> {
            if (c < 0x20) {
              sb.append(String.format("\\u%04x", (int) c));
            } else {
              sb.append(c);
            }
          }
        }
      }
      sb.append('"');
    }

    @Override
    void writeRaw(String line) {
      try {
        out.write(line);
        out.write('\n');
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      try {
        out.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
