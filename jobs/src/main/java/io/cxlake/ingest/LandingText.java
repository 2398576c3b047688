package io.cxlake.ingest;

import io.cxlake.core.SourcesConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;

/**
 * File-level checks of a CSV or JSON landing file before Spark reads it: it opens (through its
 * compression codec, as Spark does: .gz, .bz2, ...), its start decodes in the source's encoding,
 * and the CSV header line. A file that fails is rejected naming the file and the cause, instead
 * of being read as replacement characters or failing the whole entity's write.
 */
final class LandingText {
  private LandingText() {}

  /** Bytes of (decompressed) text checked for the encoding: enough to see non-ASCII text, cheap on any file. */
  static final int SAMPLE_BYTES = 1 << 20;

  /** The encoding the source declares (Spark's {@code encoding} or {@code charset} option), UTF-8 by default. */
  static Charset charset(SourcesConfig.Source source) {
    String name = option(source, "encoding", option(source, "charset", null));
    return name == null ? StandardCharsets.UTF_8 : Charset.forName(name); // checked when the sources file was loaded
  }

  /** A reader option of the source, its name matched as Spark matches it (ignoring case), or the default. */
  static String option(SourcesConfig.Source source, String name, String otherwise) {
    if (source.options() != null) {
      for (Map.Entry<String, String> o : source.options().entrySet()) {
        if (o.getKey().equalsIgnoreCase(name)) {
          return o.getValue();
        }
      }
    }
    return otherwise;
  }

  /** The file's content, decompressed when its name says it is compressed. */
  static InputStream open(String path, Configuration hadoop) throws IOException {
    Path p = new Path(path);
    InputStream in = p.getFileSystem(hadoop).open(p);
    CompressionCodec codec = new CompressionCodecFactory(hadoop).getCodec(p);
    return codec == null ? in : codec.createInputStream(in);
  }

  /**
   * What the checks found in one file: why it cannot be read (or null) and, for CSV, its header
   * line's column names (unnamed ones as Spark names them, _c&lt;position&gt;; empty when there is none).
   */
  record Start(String problem, List<String> header) implements Serializable {}

  /** How a source's files are checked, in plain values so that executors can run the checks. */
  record Reading(String charset, String sep, boolean csv) implements Serializable {
    static Reading of(SourcesConfig.Source source) {
      String sep = LandingText.option(source, "sep", LandingText.option(source, "delimiter", ","));
      return new Reading(LandingText.charset(source).name(), sep, source.format().equals("csv"));
    }
  }

  /**
   * The checks of one file, from one read of its start (through its compression codec): it
   * opens, it decodes in the source's encoding, and its CSV header. Only a UTF-8 source can be
   * wrong this way (every byte is some character in Latin-1); a bad byte past the sample reaches
   * silver as U+FFFD and is quarantined as bad_encoding.
   */
  static Start start(String path, Reading reading, Configuration hadoop) {
    byte[] sample;
    try (InputStream in = open(path, hadoop)) {
      sample = in.readNBytes(SAMPLE_BYTES);
    } catch (IOException e) {
      String cause = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return new Start(path + ": cannot read (" + cause + ")" + (path.matches(".*\\.(gz|bz2|deflate|lz4|snappy|zst)$")
          ? ": a truncated or corrupt compressed file?" : ""), List.of());
    }
    Charset cs = Charset.forName(reading.charset());
    if (cs.equals(StandardCharsets.UTF_8)) {
      CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
      ByteBuffer bytes = ByteBuffer.wrap(sample);
      CoderResult r = decoder.decode(bytes, CharBuffer.allocate(sample.length), true);
      // underflow: all decoded, or the sample ends inside a character (the rest is past the sample)
      if (r.isError()) {
        int at = bytes.position();
        return new Start(path + ": not UTF-8 text (byte 0x" + String.format("%02X", sample[at] & 0xff) + " at offset "
            + at + " is not valid UTF-8); if the file is Latin-1 or Windows-1252, set options: {encoding: ISO-8859-1}"
            + " (or windows-1252) for this source", List.of());
      }
    }
    return new Start(null, reading.csv() ? header(new String(sample, cs), reading.sep()) : List.of());
  }

  /**
   * {@link #start} of every file: on the driver for a few files, as one Spark job for more (as
   * Spark lists many paths: above {@code spark.sql.sources.parallelPartitionDiscovery.threshold}),
   * so that thousands of landing files on object storage are opened by the executors in parallel.
   */
  static Map<String, Start> starts(SparkSession spark, List<String> paths, Reading reading) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Map<String, Start> out = new LinkedHashMap<>();
    int threshold = Integer.parseInt(spark.conf().get("spark.sql.sources.parallelPartitionDiscovery.threshold", "32"));
    if (paths.size() <= threshold) {
      for (String p : paths) {
        out.put(p, start(p, reading, hadoop));
      }
      return out;
    }
    SerializableConfiguration conf = new SerializableConfiguration(hadoop);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int slices = Math.min(paths.size(), Math.max(1, jsc.defaultParallelism()) * 4);
    List<Start> checked = jsc.parallelize(paths, slices).map(p -> start(p, reading, conf.value())).collect();
    for (int i = 0; i < paths.size(); i++) {
      out.put(paths.get(i), checked.get(i));
    }
    return out;
  }

  /** The column names of the first line of a file's text. */
  static List<String> header(String text, String sep) {
    int end = 0;
    while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
      end++;
    }
    String line = text.substring(0, end);
    if (line.startsWith("\uFEFF")) {
      line = line.substring(1);
    }
    if (line.isBlank()) {
      return List.of();
    }
    List<String> cols = new ArrayList<>();
    for (String c : line.split(Pattern.quote(sep), -1)) {
      String name = c.trim().replaceAll("^\"|\"$", "");
      cols.add(name.isEmpty() ? "_c" + cols.size() : name);
    }
    return cols;
  }

  /** Text from a file for a message: one line, printable, at most 200 characters. */
  static String printable(String s) {
    String clean = s.replaceAll("[\\p{Cntrl}\\uFFFD]", "?");
    return clean.length() > 200 ? clean.substring(0, 200) + "..." : clean;
  }
}
