package io.cxlake;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.core.ConfigLoader;
import io.cxlake.core.Entities;
import io.cxlake.core.JobRunner;
import io.cxlake.core.OpsTables;
import io.cxlake.generate.Generator;
import io.cxlake.pipeline.Modules;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pipeline with everything on S3 through Hadoop's S3A client, against an S3-compatible
 * server in this JVM ({@link TestS3}): landing files, the configuration and sources files, and
 * every table. A small generated shop (about 200 customers) through ingest, curate, metrics
 * and segment: the same code paths as the HDFS lakehouse, on an object store (no directories,
 * no rename; Delta's single-driver S3 log store).
 */
class S3LakehouseIT {
  private static final String PREFIX = "s3it";
  private static SparkSession spark;
  private static String bucket;
  private static String landing;
  private static String location;
  private static List<JobRunner.StageOutcome> outcomes;

  @BeforeAll
  static void build() throws Exception {
    spark = TestS3.session();
    bucket = TestS3.bucket();
    TestSpark.dropDatabases(PREFIX);
    Path local = Files.createTempDirectory("cxlake-s3-landing-");
    Generator.generate(new Generator.Params(0.002, 11, local, 0.01, LocalDate.of(2026, 10, 31), 12));
    FileSystem fs = new org.apache.hadoop.fs.Path(bucket).getFileSystem(spark.sparkContext().hadoopConfiguration());
    landing = bucket + "/landing";
    fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(local.toUri()), new org.apache.hadoop.fs.Path(landing));
    String sources = bucket + "/conf/sources.yaml";
    fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(TestSpark.repoRoot().resolve("conf/sources.yaml").toUri()),
        new org.apache.hadoop.fs.Path(sources));
    location = bucket + "/warehouse";
    outcomes = JobRunner.run(TestSpark.context(PREFIX, sources, landing, false, "catalog: {location: '" + location + "'}\n"),
        List.of(TestSpark.stage("ingest"), TestSpark.stage("curate"), TestSpark.stage("metrics"), TestSpark.stage("segment")));
    outcomes.forEach(o -> System.out.printf("S3 lakehouse: %s %s in %.1f s%n", o.stage(), o.status(), o.elapsed().toMillis() / 1e3));
  }

  @Test
  void thePipelineRunsWithEveryFileAndTableOnS3() throws Exception {
    outcomes.forEach(o -> assertEquals("success", o.status(), o.stage() + ": " + o.error()));
    List<String> tables = new ArrayList<>();
    for (String layer : List.of("bronze", "silver", "gold", "ops")) {
      String db = PREFIX + "_" + layer;
      assertTrue(spark.sql("DESCRIBE DATABASE " + db).where("info_name = 'Location'").first().getString(1)
          .startsWith(location + "/" + db + ".db"), db);
      tables.addAll(TestSpark.tablesIn(db));
    }
    assertTrue(tables.size() >= 30, tables.toString());
    for (String t : tables) {
      String at = spark.sql("DESCRIBE DETAIL " + t).first().getAs("location");
      assertTrue(at.startsWith(location + "/"), t + " is at " + at);
    }
    List<Row> files = spark.table(PREFIX + "_ops." + OpsTables.INGEST_FILE).where("status = 'ingested'").select("path")
        .collectAsList();
    assertTrue(files.size() >= 8, files.toString());
    files.forEach(r -> assertTrue(r.getString(0).startsWith(landing + "/"), r.getString(0)));
    long customers = spark.table(PREFIX + "_silver." + Entities.CUSTOMERS.silverTable()).count();
    assertTrue(customers >= 150, "customers in silver: " + customers);
    long ranked = spark.table(PREFIX + "_gold.customer_rfm").count();
    assertTrue(ranked > 100 && ranked <= customers, "customers with an RFM row: " + ranked + " of " + customers);
  }

  @Test
  void aConfigurationFileOnS3FindsItsSourcesBesideIt() throws Exception {
    String conf = bucket + "/conf/cxlake.yaml";
    FileSystem fs = new org.apache.hadoop.fs.Path(conf).getFileSystem(spark.sparkContext().hadoopConfiguration());
    try (FSDataOutputStream out = fs.create(new org.apache.hadoop.fs.Path(conf), true)) {
      out.write(("sources: sources.yaml\ncatalog: {location: " + location + "}\n").getBytes(StandardCharsets.UTF_8));
    }
    ConfigLoader loader = Modules.configLoader();
    ConfigLoader.Loaded loaded = loader.load(conf);
    assertEquals(bucket + "/conf/sources.yaml", loaded.sourcesFile());
    assertTrue(loader.loadSources(loaded.sourcesFile()).entities().containsKey("orders"));
  }
}
