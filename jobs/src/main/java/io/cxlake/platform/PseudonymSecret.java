package io.cxlake.platform;

import io.cxlake.core.ConfigException;
import io.cxlake.core.HadoopFiles;
import io.cxlake.core.JobContext;
import io.cxlake.core.Progress;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * The secret of the customer_key HMAC ({@link Pseudonym}), never a value in a committed
 * configuration: the {@value #ENV} environment variable, else the file named by
 * {@code runtime.pseudonym_secret_file}. Without either, a local run (the embedded demo) uses a
 * random secret of its own warehouse, kept in {@value #WAREHOUSE_FILE} under the warehouse
 * folder (outside every database) and says so; a run on a cluster refuses to start, as its
 * executors and later runs could not be sure to share such a secret.
 */
public final class PseudonymSecret {
  public static final String ENV = "CXLAKE_PSEUDONYM_SECRET";
  static final String WAREHOUSE_FILE = "_cxlake/pseudonym-secret";
  static final int MIN_LENGTH = 16;
  private static final Map<String, byte[]> RESOLVED = new ConcurrentHashMap<>();

  private PseudonymSecret() {}

  /** The run's secret (resolved once per warehouse and process). */
  public static byte[] of(JobContext ctx) {
    String warehouse = ctx.spark().conf().get("spark.sql.warehouse.dir");
    String file = ctx.config().runtime().pseudonymSecretFile();
    String resolvedFile = file == null ? null : HadoopFiles.resolve(ctx.loaded().configDir(), file);
    return RESOLVED.computeIfAbsent(warehouse + "|" + resolvedFile, k -> resolve(System.getenv(ENV), resolvedFile,
        ctx.loaded().configFile(), ctx.spark().sparkContext().master(), warehouse,
        ctx.spark().sparkContext().hadoopConfiguration()));
  }

  static byte[] resolve(String env, String secretFile, String configFile, String master, String warehouse,
      Configuration hadoop) {
    if (env != null && !env.isBlank()) {
      return checked(env.strip(), configFile, "the environment variable " + ENV);
    }
    if (secretFile != null) {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(HadoopFiles.open(secretFile), StandardCharsets.UTF_8))) {
        String line = r.readLine();
        return checked(line == null ? "" : line.strip(), configFile, HadoopFiles.display(secretFile));
      } catch (IOException e) {
        throw new ConfigException(configFile, "runtime.pseudonym_secret_file",
            "cannot read " + HadoopFiles.display(secretFile) + ": " + e.getMessage());
      }
    }
    if (!master.startsWith("local")) {
      throw new ConfigException(configFile, "runtime.pseudonym_secret_file", "a run on a cluster (master " + master
          + ") needs the pseudonym secret: set " + ENV + " or runtime.pseudonym_secret_file (a file only the jobs can read)");
    }
    return warehouseSecret(HadoopFiles.resolve(warehouse, WAREHOUSE_FILE), hadoop);
  }

  private static byte[] checked(String secret, String configFile, String source) {
    if (secret.length() < MIN_LENGTH) {
      throw new ConfigException(configFile, "runtime.pseudonym_secret_file",
          "the pseudonym secret from " + source + " is shorter than " + MIN_LENGTH + " characters");
    }
    return secret.getBytes(StandardCharsets.UTF_8);
  }

  /** The warehouse's own random secret: read when it exists, else made and kept readable by the owner only. */
  private static byte[] warehouseSecret(String location, Configuration hadoop) {
    try {
      Path path = new Path(location);
      FileSystem fs = path.getFileSystem(hadoop);
      if (!fs.exists(path)) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        // Owner-only before the secret is written, not after.
        try (OutputStream out = FileSystem.create(fs, path, new FsPermission((short) 0600))) {
          out.write(HexFormat.of().formatHex(random).getBytes(StandardCharsets.UTF_8));
        }
        Progress.warn("no pseudonym secret set ({} or runtime.pseudonym_secret_file): customer keys use a random "
            + "secret made for this warehouse, kept in {}", ENV, HadoopFiles.display(location));
      }
      try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(path), StandardCharsets.UTF_8))) {
        return r.readLine().strip().getBytes(StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the warehouse's pseudonym secret in " + location, e);
    }
  }
}
