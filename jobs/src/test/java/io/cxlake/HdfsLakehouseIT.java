package io.cxlake;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.core.ConfigException;
import io.cxlake.core.ConfigLoader;
import io.cxlake.core.OpsTables;
import io.cxlake.pipeline.Modules;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The shared generated lakehouse on a real HDFS (a NameNode and a DataNode in this JVM):
 * landing files, the sources file, every table and the saved models are hdfs:// paths. The
 * recovery tests and GoldPipelineIT run their stages on it; this test runs after them all
 * ({@link Order}) and checks where everything landed.
 */
@Order(Integer.MAX_VALUE)
class HdfsLakehouseIT {
  private static GeneratedLakehouse lake;
  private static SparkSession spark;

  @BeforeAll
  static void build() throws Exception {
    lake = GeneratedLakehouse.get();
    spark = TestSpark.session();
    // as the cluster test leaves one when it runs first: a temporary view is not a table of the lakehouse
    spark.range(1).createOrReplaceTempView("hdfs_it_scratch_view");
  }

  @Test
  void everyTableOfTheLakehouseIsOnHdfs() throws Exception {
    List<String> tables = new ArrayList<>();
    for (String layer : List.of("bronze", "silver", "gold", "ops")) {
      String db = GeneratedLakehouse.PREFIX + "_" + layer;
      assertTrue(spark.sql("DESCRIBE DATABASE " + db).where("info_name = 'Location'").first().getString(1)
          .startsWith(lake.location + "/" + db + ".db"), db);
      tables.addAll(TestSpark.tablesIn(db));
    }
    // ingest, curate and metrics at least; the recovery tests and alerts add theirs when they ran first.
    assertTrue(tables.size() >= 30, tables.toString());
    for (String t : tables) {
      String location = spark.sql("DESCRIBE DETAIL " + t).first().getAs("location");
      assertTrue(location.startsWith(TestHdfs.root() + "/gen/warehouse/"), t + " is at " + location);
    }
  }

  @Test
  void everyLandingFileWasListedAndReadFromHdfs() {
    List<Row> files = spark.table(GeneratedLakehouse.PREFIX + "_ops." + OpsTables.INGEST_FILE)
        .where("status = 'ingested'").select("path").collectAsList();
    assertTrue(files.size() >= 8, files.toString());
    files.forEach(r -> assertTrue(r.getString(0).startsWith(lake.landing + "/"), r.getString(0)));
    assertTrue(spark.table(GeneratedLakehouse.PREFIX + "_silver.orders").count() > 10_000);
  }

  @Test
  void aConfigurationFileOnHdfsFindsItsSourcesBesideItAndErrorsNameTheHdfsFile() throws Exception {
    String conf = TestHdfs.root() + "/gen/conf/cxlake.yaml";
    write(conf, "sources: sources.yaml\ncatalog: {location: " + lake.location + "}\n");
    ConfigLoader loader = Modules.configLoader();
    ConfigLoader.Loaded loaded = loader.load(conf);
    assertEquals(lake.sources, loaded.sourcesFile());
    assertEquals(lake.location, loaded.config().catalog().location());
    assertTrue(loader.loadSources(loaded.sourcesFile()).entities().containsKey("orders"));

    String bad = TestHdfs.root() + "/gen/conf/bad.yaml";
    write(bad, "alerts: {alpha: 2}\n");
    ConfigException e = assertThrows(ConfigException.class, () -> loader.load(bad));
    assertEquals(bad, e.file());
    assertEquals("alerts.alpha", e.key());
    ConfigException missing = assertThrows(ConfigException.class, () -> loader.load(TestHdfs.root() + "/gen/conf/none.yaml"));
    assertTrue(missing.getMessage().contains("not found"), missing.getMessage());
  }

  private static void write(String uri, String text) throws Exception {
    try (FSDataOutputStream out = TestHdfs.fileSystem().create(new Path(uri), true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }
}
