package io.cxlake.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * A Delta table's latest version, and who made its latest commits, read from its transaction
 * log on the driver: a listing of {@code _delta_log} and, for the commit tags, its newest commit
 * files (the Delta protocol's own layout). No Spark job, where DESCRIBE HISTORY launches one to
 * read commit files, even for LIMIT 1.
 */
public final class TableVersions {
  private static final Pattern COMMIT_FILE = Pattern.compile("\\d{20}\\.json");
  private static final ObjectMapper JSON = new ObjectMapper();

  private TableVersions() {}

  /** The latest version of a table, or -1 when it does not exist. */
  public static long latest(SparkSession spark, String table) {
    Log log = log(spark, table);
    return log == null ? -1 : log.latest();
  }

  /**
   * The latest version whose commit was not made by one of {@code stages} (by its commit tag,
   * {@link JobRunner#commitTag}), looking back at most {@code depth} commits; the latest version
   * when all those were theirs; -1 when the table does not exist.
   */
  public static long latestNotBy(SparkSession spark, String table, List<String> stages, int depth) {
    Log log = log(spark, table);
    if (log == null) {
      return -1;
    }
    long latest = log.latest();
    for (long v = latest; v >= 0 && v > latest - depth; v--) {
      String tag = log.userMetadata(v);
      String stage = tag == null ? null : JobRunner.stageOfCommit(tag);
      if (stage == null || !stages.contains(stage)) {
        return v;
      }
    }
    return latest;
  }

  /** Where a table's files are (from the metastore, no Spark job), or null when it does not exist. */
  static java.net.URI location(SparkSession spark, String table) {
    if (!spark.catalog().tableExists(table)) {
      return null;
    }
    try {
      return spark.sessionState().catalog()
          .getTableMetadata(spark.sessionState().sqlParser().parseTableIdentifier(table)).location();
    } catch (org.apache.spark.sql.AnalysisException e) { // dropped since tableExists, or a bad name
      throw new IllegalStateException("cannot find table " + table + ": " + e.getMessage(), e);
    }
  }

  private static Log log(SparkSession spark, String table) {
    java.net.URI location = location(spark, table);
    if (location == null) {
      return null;
    }
    Path dir = new Path(new Path(location), "_delta_log");
    try {
      return new Log(dir.getFileSystem(spark.sessionState().newHadoopConf()), dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Delta log of " + table, e);
    }
  }

  private record Log(FileSystem fs, Path dir) {
    long latest() {
      try {
        long max = -1;
        for (FileStatus f : fs.listStatus(dir, p -> COMMIT_FILE.matcher(p.getName()).matches())) {
          max = Math.max(max, Long.parseLong(f.getPath().getName().substring(0, 20)));
        }
        return max;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + dir, e);
      }
    }

    /** The commit's userMetadata, or null (also when the commit file is gone, cleaned up). */
    String userMetadata(long version) {
      Path file = new Path(dir, String.format("%020d.json", version));
      try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          JsonNode info = JSON.readTree(line).get("commitInfo");
          if (info != null) {
            JsonNode meta = info.get("userMetadata");
            return meta == null || meta.isNull() ? null : meta.asText();
          }
        }
        return null;
      } catch (java.io.FileNotFoundException e) {
        return null;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
    }
  }
}
