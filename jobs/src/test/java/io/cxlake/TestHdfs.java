package io.cxlake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * One real HDFS per test JVM (a NameNode and a DataNode from Hadoop's minicluster, on
 * 127.0.0.1 with an ephemeral port), started on first use and stopped at exit. Paths on it
 * are plain {@code hdfs://127.0.0.1:PORT/...} URIs, as on a cluster.
 */
public final class TestHdfs {
  private static MiniDFSCluster cluster;

  private TestHdfs() {}

  /** The file system's root URI, e.g. {@code hdfs://127.0.0.1:41234}. */
  public static synchronized String root() {
    if (cluster == null) {
      try {
        Path base = Files.createTempDirectory("cxlake-hdfs-");
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.toString());
        // One DataNode: one replica, and no waiting for others on every block.
        conf.setInt("dfs.replication", 1);
        cluster = new MiniDFSCluster.Builder(conf, base.toFile()).numDataNodes(1)
            .format(true).build();
        cluster.waitActive();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> cluster.shutdown()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return "hdfs://127.0.0.1:" + cluster.getNameNodePort();
  }

  /** A client of the test HDFS. */
  public static FileSystem fileSystem() {
    try {
      return cluster == null ? FileSystem.get(java.net.URI.create(root()), new Configuration())
          : cluster.getFileSystem();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies a local folder or file to {@code target} on the test HDFS and returns its URI. */
  public static String upload(Path local, String target) {
    try {
      org.apache.hadoop.fs.Path to = new org.apache.hadoop.fs.Path(root() + target);
      fileSystem().copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(local.toUri()), to);
      return to.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
