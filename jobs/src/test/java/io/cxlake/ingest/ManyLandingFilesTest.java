package io.cxlake.ingest;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import io.cxlake.core.JobRunner;
import io.cxlake.core.StageResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Many landing files for one entity (issue 19): more than Spark's parallel-listing threshold, so
 * the file checks run as a Spark job, in two header layouts (read as two scans), one name that
 * a URI escapes and one file in the wrong encoding. Every good file lands whole with its own
 * lineage, and the next run ingests none of them again.
 */
class ManyLandingFilesTest {
  private static final String P = "mf";
  private static final String HEADER = "customer_id,signup_date,country,region,acquisition_channel,plan,birth_year,email,phone";
  private static final String REORDERED = "country,customer_id,signup_date,region,acquisition_channel,plan,birth_year,email,phone";

  /** A fresh landing folder with its sources file, and the prefix's databases dropped; returns the sources file. */
  private static Path landing(String prefix, String sourcesYaml) throws Exception {
    TestSpark.dropDatabases(prefix);
    Path sources = Files.createTempDirectory("cxlake-" + prefix + "-").resolve("sources.yaml");
    Files.writeString(sources, sourcesYaml);
    return sources;
  }

  @Test
  void manyFilesLandWithTheirOwnLineageAndOnlyOnce() throws Exception {
    SparkSession spark = TestSpark.session();
    Path sources = landing(P, """
        landing_root: .
        entities:
          customers: {path: customers/*.csv, format: csv}
        """);
    Path dir = Files.createDirectories(sources.resolveSibling("customers"));
    Map<String, Integer> expected = new TreeMap<>(); // listed path -> data rows
    int id = 0;
    for (int i = 0; i < 40; i++) {
      boolean reordered = i % 4 == 3;
      String name = i == 7 ? "c 07+x%20y.csv" : String.format("c%02d.csv", i);
      StringBuilder text = new StringBuilder(reordered ? REORDERED : HEADER).append('\n');
      int rows = 1 + i % 3;
      for (int r = 0; r < rows; r++) {
        String cid = "C" + (++id);
        text.append(reordered ? "DE," + cid + ",2024-01-05" : cid + ",2024-01-05,DE").append(",EU,referral,,1980,,\n");
      }
      Files.writeString(dir.resolve(name), text.toString());
      expected.put("file:" + dir.resolve(name), rows);
    }
    byte[] latin1 = (HEADER + "\nC999,2024-01-05,FR,Île-de-France,référence,,1980,,\n").getBytes(StandardCharsets.ISO_8859_1);
    Files.write(dir.resolve("z_latin1.csv"), latin1);

    StageResult first = JobRunner.run(TestSpark.context(P, sources, null), List.of(TestSpark.stage("ingest"))).get(0).result();

    assertEquals(1, first.problems().size(), first.problems().toString());
    assertTrue(first.problems().get(0).contains("z_latin1.csv: not UTF-8 text"), first.problems().toString());
    int total = expected.values().stream().mapToInt(Integer::intValue).sum();
    assertEquals(total, spark.table(P + "_bronze.customers").count());
    Map<String, Integer> landed = new TreeMap<>();
    for (Row r : spark.sql("SELECT _source_file, count(*), min(_source_size), max(_source_size), min(_source_modified)"
        + " FROM " + P + "_bronze.customers GROUP BY _source_file").collectAsList()) {
      landed.put(r.getString(0), (int) r.getLong(1));
      Path file = Path.of(r.getString(0).substring("file:".length()));
      assertEquals(Files.size(file), r.getLong(2), "the size of the file read: " + file);
      assertEquals(r.getLong(2), r.getLong(3));
      assertEquals(Files.getLastModifiedTime(file).toMillis(), r.getTimestamp(4).getTime(), file.toString());
    }
    assertEquals(expected, landed, "every file's rows under its listed path (also the one a URI escapes)");
    Map<String, Integer> ledger = new HashMap<>();
    for (Row r : spark.sql("SELECT path, rows FROM " + P + "_ops.ingest_file WHERE status = 'ingested'").collectAsList()) {
      ledger.put(r.getString(0), (int) r.getLong(1));
    }
    assertEquals(expected, new TreeMap<>(ledger), "the ledger counts each file's rows");
    assertEquals(1, spark.sql("SELECT * FROM " + P + "_ops.ingest_file WHERE status = 'rejected'"
        + " AND path LIKE '%z_latin1.csv'").count());
    assertEquals(0, spark.sql("SELECT * FROM " + P + "_bronze.customers WHERE country <> 'DE' OR region <> 'EU'"
        + " OR signup_date <> '2024-01-05' OR NOT customer_id RLIKE '^C[0-9]+$'").count(),
        "columns in another order are read by name");

    JobRunner.run(TestSpark.context(P, sources, null), List.of(TestSpark.stage("ingest")));
    assertEquals(total, spark.table(P + "_bronze.customers").count(), "nothing is ingested twice");
    assertEquals(40, spark.sql("SELECT DISTINCT path FROM " + P + "_ops.ingest_file WHERE status = 'skipped_unchanged'")
        .count());
  }

  @Test
  void aDerivedEntityIsBuiltFromTheInputFilesThatPassTheirChecks() throws Exception {
    SparkSession spark = TestSpark.session();
    String p = "mg";
    Path sources = landing(p, """
        landing_root: .
        entities:
          orders: {path: orders/*.csv, format: csv}
          customers:
            query: "SELECT customer_id, min(order_ts) AS signup_date, 'GB' AS country, 'EU' AS region, 'web' AS acquisition_channel FROM orders GROUP BY 1"
        """);
    Path dir = Files.createDirectories(sources.resolveSibling("orders"));
    String header = "order_id,customer_id,order_ts,product_id,category,quantity,amount,discount,channel,status\n";
    Files.writeString(dir.resolve("o1.csv"), header + "O1,C1,2025-03-01 10:00:00,P1,home,1,10.50,0,web,completed\n");
    Files.writeString(dir.resolve("o2.csv"), header + "O2,C2,2025-03-02 10:00:00,P1,home,1,10.50,0,web,completed\n");
    Files.write(dir.resolve("o3.csv"), (header + "O3,C3,2025-03-03 10:00:00,P1,maison élégante,1,10.50,0,web,completed\n")
        .getBytes(StandardCharsets.ISO_8859_1));

    JobRunner.StageOutcome out = JobRunner.run(TestSpark.context(p, sources, null), List.of(TestSpark.stage("ingest"))).get(0);
    assertNotNull(out.result(), out.error());
    StageResult r = out.result();

    assertEquals(1, r.problems().size(), r.problems().toString());
    assertTrue(r.problems().get(0).startsWith("orders: ") && r.problems().get(0).contains("o3.csv: not UTF-8 text"));
    assertEquals(List.of("C1", "C2"), spark.sql("SELECT customer_id FROM " + p + "_bronze.customers ORDER BY 1")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList(), "customers from the two good files");
    assertEquals(2, spark.table(p + "_bronze.orders").count());
  }
}
