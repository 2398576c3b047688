package io.cxlake;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * One S3-compatible server per test JVM: S3Proxy over a local folder (jclouds' filesystem
 * store), on 127.0.0.1 with an ephemeral port and AWS v4 signatures, started on first use.
 * The session's Hadoop settings point S3A at it exactly as docs/operations.md tells a user with
 * MinIO or another S3-compatible store to: endpoint, path-style access, keys.
 */
public final class TestS3 {
  public static final String BUCKET = "cxlake-test";
  private static final String ACCESS_KEY = "cxlake-access";
  private static final String SECRET_KEY = "cxlake-secret";
  private static S3Proxy proxy;

  private TestS3() {}

  /** The bucket's root URI, {@code s3a://cxlake-test}, with S3A configured on the test session. */
  public static synchronized String bucket() {
    if (proxy == null) {
      // AWS SDKs from 2.30 send checksums by default that S3-compatible stores may not know;
      // the setting their docs give for such stores (the SDK reads it when a client is built)
      System.setProperty("aws.requestChecksumCalculation", "when_required");
      System.setProperty("aws.responseChecksumValidation", "when_required");
      try {
        Path base = Files.createTempDirectory("cxlake-s3-");
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", base.toString());
        BlobStoreContext store = ContextBuilder.newBuilder("filesystem").overrides(props).build(BlobStoreContext.class);
        store.getBlobStore().createContainerInLocation(null, BUCKET);
        proxy = S3Proxy.builder().blobStore(store.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
        proxy.start();
        for (int i = 0; i < 500 && !proxy.getState().equals("STARTED"); i++) {
          Thread.sleep(10);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            proxy.stop();
          } catch (Exception e) {
            // the JVM is exiting
          }
        }));
      } catch (Exception e) {
        throw new IllegalStateException("could not start the S3 test server", e);
      }
      configure(TestSpark.session().sparkContext().hadoopConfiguration());
    }
    return "s3a://" + BUCKET;
  }

  /** The S3A settings of an S3-compatible endpoint (as in docs/operations.md). */
  static void configure(Configuration conf) {
    conf.set("fs.s3a.endpoint", "http://127.0.0.1:" + proxy.getPort());
    conf.set("fs.s3a.endpoint.region", "us-east-1");
    conf.set("fs.s3a.path.style.access", "true");
    conf.set("fs.s3a.connection.ssl.enabled", "false");
    conf.set("fs.s3a.access.key", ACCESS_KEY);
    conf.set("fs.s3a.secret.key", SECRET_KEY);
    conf.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
  }

  /** The session, for symmetry with {@link TestHdfs}: S3A is configured on it once the bucket exists. */
  public static SparkSession session() {
    bucket();
    return TestSpark.session();
  }
}
