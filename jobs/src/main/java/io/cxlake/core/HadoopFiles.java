package io.cxlake.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Files named by Hadoop URIs (file:, hdfs://, s3a://, abfss://, gs://): the configuration and
 * sources files, landing roots, feature files. A local path without a scheme is taken relative
 * to the working directory, as a user typing it means.
 */
public final class HadoopFiles {
  private HadoopFiles() {}

  /** A local relative or absolute path becomes an absolute file: URI; URIs stay as they are. */
  public static String qualify(String location) {
    if (location.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*") || location.startsWith("file:")) {
      return location;
    }
    return java.nio.file.Path.of(location).toAbsolutePath().normalize().toUri().toString().replaceAll("/$", "");
  }

  /** {@code child} when it is absolute or a URI, else resolved against the folder {@code dir} (a URI). */
  public static String resolve(String dir, String child) {
    if (child.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") || child.startsWith("/")) {
      return qualify(child);
    }
    return new Path(new Path(qualify(dir) + "/"), child).toString();
  }

  /** How to name a location in a message: a local file as its plain path, anything else as its URI. */
  public static String display(String location) {
    return location.startsWith("file:") ? new Path(location).toUri().getPath() : location;
  }

  /** The folder holding {@code file} (a URI). */
  public static String parent(String file) {
    return new Path(qualify(file)).getParent().toString();
  }

  public static boolean isFile(String location) {
    try {
      Path p = new Path(qualify(location));
      FileSystem fs = p.getFileSystem(conf());
      return fs.exists(p) && fs.getFileStatus(p).isFile();
    } catch (IOException e) {
      return false;
    }
  }

  public static boolean isDirectory(String location) {
    try {
      Path p = new Path(qualify(location));
      FileStatus s = p.getFileSystem(conf()).getFileStatus(p);
      return s.isDirectory();
    } catch (IOException e) {
      return false;
    }
  }

  /** When the file at {@code location} was last written (ms since the epoch), or -1 when it does not exist. */
  public static long modified(String location) {
    try {
      Path p = new Path(qualify(location));
      return p.getFileSystem(conf()).getFileStatus(p).getModificationTime();
    } catch (IOException e) {
      return -1;
    }
  }

  /** Bytes of all files under {@code location} (a folder or file), or -1 when it cannot be read. */
  public static long bytesUnder(String location) {
    try {
      Path p = new Path(qualify(location));
      return p.getFileSystem(conf()).getContentSummary(p).getLength();
    } catch (IOException e) {
      return -1;
    }
  }

  /** Opens a file for reading; the caller closes the stream. */
  public static InputStream open(String location) throws IOException {
    Path p = new Path(qualify(location));
    return p.getFileSystem(conf()).open(p);
  }

  /**
   * The Hadoop settings to reach a file system: the running session's when there is one (it has
   * {@code spark.hadoop.*} applied), else core-site.xml from the class path plus the
   * {@code spark.hadoop.*} settings spark-submit passes as system properties, so credentials and
   * endpoints given with {@code --conf} reach the configuration file before the session starts;
   * {@code file:} is the session's too ({@link ForklessLocalFileSystem}): Hadoop keeps the first
   * instance of a file system it makes for the rest of the process.
   */
  static Configuration conf() {
    scala.Option<SparkSession> active = SparkSession.getActiveSession();
    if (active.isDefined()) {
      return active.get().sparkContext().hadoopConfiguration();
    }
    Configuration c = new Configuration();
    ForklessLocalFileSystem.SETTINGS.forEach(c::set);
    for (Map.Entry<Object, Object> e : System.getProperties().entrySet()) {
      String key = String.valueOf(e.getKey());
      if (key.startsWith("spark.hadoop.")) {
        c.set(key.substring("spark.hadoop.".length()), String.valueOf(e.getValue()));
      }
    }
    return c;
  }
}
