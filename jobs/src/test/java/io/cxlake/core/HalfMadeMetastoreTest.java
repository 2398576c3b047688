package io.cxlake.core;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a run does with the embedded metastore it finds before opening it (RunLeaseIT kills a real run). */
class HalfMadeMetastoreTest {
  @TempDir
  Path warehouse;

  @Test
  void aMetastoreWithoutServicePropertiesIsMovedAside() throws Exception {
    // What Derby leaves when killed while creating a database (seen after a SIGKILL).
    Path metastore = warehouse.resolve("metastore_db");
    Files.createDirectories(metastore.resolve("seg0"));
    Files.createDirectories(metastore.resolve("log"));
    Files.writeString(metastore.resolve("db.lck"), "lock");
    Path aside = Lakehouse.setAsideHalfMadeMetastore(warehouse);
    assertNotNull(aside);
    assertFalse(Files.exists(metastore));
    assertTrue(Files.isDirectory(aside.resolve("seg0")));
    assertTrue(aside.getFileName().toString().startsWith("metastore_db.unfinished-"));
  }

  @Test
  void aFinishedOrAbsentMetastoreIsLeftAlone() throws Exception {
    assertNull(Lakehouse.setAsideHalfMadeMetastore(warehouse));
    Path metastore = warehouse.resolve("metastore_db");
    Files.createDirectories(metastore.resolve("seg0"));
    Files.writeString(metastore.resolve("service.properties"), "derby.serviceProtocol=...");
    assertNull(Lakehouse.setAsideHalfMadeMetastore(warehouse));
    assertTrue(Files.exists(metastore.resolve("service.properties")));
  }
}
