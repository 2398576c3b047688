package io.cxlake.platform;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.core.ConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PseudonymSecretTest {
  @TempDir
  Path dir;

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void theEnvironmentWinsThenTheSecretFile() throws Exception {
    Path file = dir.resolve("secret");
    Files.writeString(file, "from-the-file-0123456789\n");
    assertEquals("from-the-env-0123456789", text(PseudonymSecret.resolve("from-the-env-0123456789", file.toString(),
        "conf.yaml", "spark://m:7077", dir.toUri().toString(), new Configuration())));
    assertEquals("from-the-file-0123456789", text(PseudonymSecret.resolve(null, file.toString(),
        "conf.yaml", "spark://m:7077", dir.toUri().toString(), new Configuration())));
  }

  @Test
  void shortMissingOrAbsentSecretsAreConfigErrorsNamingTheKeyAndFile() {
    ConfigException shortOne = assertThrows(ConfigException.class, () -> PseudonymSecret.resolve("short", null,
        "conf/cxlake.yaml", "local[2]", dir.toUri().toString(), new Configuration()));
    assertEquals("conf/cxlake.yaml", shortOne.file());
    assertEquals("runtime.pseudonym_secret_file", shortOne.key());
    ConfigException missing = assertThrows(ConfigException.class, () -> PseudonymSecret.resolve(null,
        dir.resolve("none").toString(), "conf/cxlake.yaml", "local[2]", dir.toUri().toString(), new Configuration()));
    assertTrue(missing.getMessage().contains("cannot read"), missing.getMessage());
    ConfigException cluster = assertThrows(ConfigException.class, () -> PseudonymSecret.resolve(null, null,
        "conf/cxlake.yaml", "spark://m:7077", dir.toUri().toString(), new Configuration()));
    assertTrue(cluster.getMessage().contains(PseudonymSecret.ENV), cluster.getMessage());
  }

  @Test
  void aLocalRunWithoutSecretMakesOneForItsWarehouseAndKeepsIt() throws Exception {
    String warehouse = dir.toUri().toString();
    byte[] first = PseudonymSecret.resolve(null, null, "conf.yaml", "local[2]", warehouse, new Configuration());
    Path kept = dir.resolve(PseudonymSecret.WAREHOUSE_FILE);
    assertTrue(text(first).matches("[0-9a-f]{64}"), text(first));
    assertEquals(text(first), Files.readString(kept));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(kept)));
    assertArrayEquals(first, PseudonymSecret.resolve(null, null, "conf.yaml", "local[2]", warehouse, new Configuration()));
  }
}
