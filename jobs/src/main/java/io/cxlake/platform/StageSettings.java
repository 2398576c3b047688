package io.cxlake.platform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxlake.core.ConfigSection;
import io.cxlake.core.JobContext;
import io.cxlake.core.StageMemo;
import io.cxlake.core.TableRef;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;

/**
 * What a stage's result depends on besides its tables, for {@link StageMemo}: its configuration
 * sections (hashed), the code build, the pseudonym key (a key of a fixed probe id, as safe to
 * show as any gold key) and --as-of.
 */
final class StageSettings {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The build of the running code (jobs/pom.xml writes it at each build): new code, new results. */
  static final String BUILD = build();

  private StageSettings() {}

  /**
   * The memo of a module's stage, or null when the stage always runs: it decides itself what to
   * redo from files (ingest), it reads no table (what it reads, files, is not versioned here), or
   * it writes neither tables nor files it names. The customer_360 enrichment leaves customer_360.
   */
  static StageMemo memo(JobContext ctx, StageModule m, boolean mayReuse) {
    List<TableRef> outputs = m.name().equals(Customer360Enrichment.NAME)
        ? List.of(TableRef.gold(Customer360Enrichment.TARGET)) : m.writes();
    if (m.incremental() || m.reads().isEmpty()) {
      return null;
    }
    List<String> files = m.writesFiles().apply(ctx);
    if (outputs.isEmpty() && files.isEmpty()) {
      return null;
    }
    // the enrichment's commits to customer_360 are its own output: not passed over for it
    List<String> passOver = m.name().equals(Customer360Enrichment.NAME) ? List.of() : List.of(Customer360Enrichment.NAME);
    return new StageMemo(of(ctx, m.config()), m.reads(), outputs, files, passOver, mayReuse);
  }

  static String of(JobContext ctx, List<ConfigSection<?>> sections) {
    StringBuilder config = new StringBuilder();
    for (ConfigSection<?> section : sections) {
      try {
        config.append(section.key()).append('=').append(JSON.writeValueAsString(ctx.config().get(section))).append('\n');
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("configuration section " + section.key() + " cannot be written as JSON", e);
      }
    }
    String key;
    try {
      key = new Pseudonym.Key(PseudonymSecret.of(ctx)).call("cxlake-settings-probe");
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    return "build=" + BUILD + ";as_of=" + (ctx.asOf() == null ? "latest" : ctx.asOf()) + ";config=" + sha256(config)
        + ";key=" + key;
  }

  private static String sha256(CharSequence text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String build() {
    try (InputStream in = StageSettings.class.getResourceAsStream("/io/cxlake/build.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      // without the file (classes compiled outside Maven) every run is a new build: nothing is reused
      return p.getProperty("build", "unknown-" + System.nanoTime());
    } catch (IOException e) {
      return "unknown-" + System.nanoTime();
    }
  }
}
