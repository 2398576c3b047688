package io.cxlake.generate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * digital_events as typed Parquet (string ids, UTC timestamp in microseconds, long
 * duration), rolled over every {@code rowsPerFile} rows. Parquet cannot hold a value of
 * the wrong type, so its dirty rows are of the other kinds.
 */
final class ParquetEventWriter extends RecordWriter {
  private static final MessageType SCHEMA = MessageTypeParser.parseMessageType(
      "message digital_event {"
          + " optional binary event_id (STRING);"
          + " optional binary customer_id (STRING);"
          + " optional binary session_id (STRING);"
          + " optional int64 event_ts (TIMESTAMP(MICROS,true));"
          + " optional binary feature (STRING);"
          + " optional binary event_type (STRING);"
          + " optional int64 duration_ms;"
          + "}");
  private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private final Path dir;
  private final String prefix;
  private final long rowsPerFile;
  private final SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
  private ParquetWriter<Group> writer;
  private long rowsInFile;
  private int fileIndex;

  /** Writes {@code dir/<prefix>-00000.parquet}, ... with at most {@code rowsPerFile} rows each. */
  ParquetEventWriter(Path dir, String prefix, java.util.List<String> columns, long rowsPerFile) {
    super(columns);
    this.dir = dir;
    this.prefix = prefix;
    this.rowsPerFile = rowsPerFile;
  }

  @Override
  void write(String[] v) {
    try {
      if (writer == null || rowsInFile >= rowsPerFile) {
        roll();
      }
      Group g = groups.newGroup();
      putString(g, "event_id", v[0]);
      putString(g, "customer_id", v[1]);
      putString(g, "session_id", v[2]);
      if (v[3] != null) {
        g.add("event_ts", LocalDateTime.parse(v[3], TS).toInstant(ZoneOffset.UTC).toEpochMilli() * 1000L);
      }
      putString(g, "feature", v[4]);
      putString(g, "event_type", v[5]);
      if (v[6] != null) {
        g.add("duration_ms", Long.parseLong(v[6]));
      }
      writer.write(g);
      rowsInFile++;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void putString(Group g, String field, String value) {
    if (value != null) {
      g.add(field, value);
    }
  }

  private void roll() throws IOException {
    if (writer != null) {
      writer.close();
    }
    Files.createDirectories(dir);
    Path file = dir.resolve(String.format("%s-%05d.parquet", prefix, fileIndex++));
    Files.deleteIfExists(file);
    writer = ExampleParquetWriter.builder(new LocalOutputFile(file))
        .withConf(new Configuration(false))
        .withType(SCHEMA)
        .withCompressionCodec(CompressionCodecName.SNAPPY)
        .build();
    rowsInFile = 0;
  }

  @Override
  void writeRaw(String line) {
    throw new UnsupportedOperationException("Parquet holds no raw lines");
  }

  @Override
  public void close() {
    try {
      if (writer != null) {
        writer.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
