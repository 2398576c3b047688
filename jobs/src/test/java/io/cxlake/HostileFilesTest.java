package io.cxlake;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.core.JobRunner;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A corpus of hostile landing files (SPEC §11; issue 24 item 4), written here: each file gives
 * typed rows, quarantine rows with a reason, or a file-level rejection naming file and cause,
 * and for every file bronze = silver + quarantine.
 */
class HostileFilesTest {
  private static final String P = "hf";
  private static final String CUSTOMERS = "customer_id,signup_date,country,region,acquisition_channel,plan,birth_year,email,phone";
  private static SparkSession spark;
  private static Path landing;
  private static JobRunner.StageOutcome ingest;

  @BeforeAll
  static void land() throws Exception {
    spark = TestSpark.session();
    TestSpark.dropDatabases(P);
    landing = Files.createTempDirectory("cxlake-hf-");
    Path sources = landing.resolve("sources.yaml");
    Files.writeString(sources, """
        landing_root: .
        entities:
          customers: {path: customers/*, format: csv}
          orders:
            path: orders/*
            format: csv
            columns: {order_ts: "coalesce(string(try_to_timestamp(order_ts, 'dd.MM.yyyy HH:mm')), order_ts)"}
          interactions: {path: interactions/*.csv, format: csv, options: {encoding: ISO-8859-1}}
          digital_events: {path: digital_events/*.parquet, format: parquet, required: false}
          reviews: {path: reviews/*.jsonl, format: json}
        """);
    write("customers/c01_bom_crlf.csv", "\uFEFF" + CUSTOMERS + "\r\nC01,2024-01-05,US,NA,referral,,1980,,\r\nC02,2024-01-06,US,NA,referral,,1981,,\r\n");
    write("customers/c02_latin1.csv", (CUSTOMERS + "\nC03,2024-01-05,FR,Île-de-France,référence,,1980,,\n").getBytes(StandardCharsets.ISO_8859_1));
    write("customers/c03_quoted.csv", CUSTOMERS + "\nC04,2024-01-05,US,\"NA, \"\"East\"\"\nsecond line\",referral,,1980,,\nC05,2024-01-05,US,NA,referral,,1980,,\n");
    write("customers/c04_header_again.csv", CUSTOMERS + "\nC06,2024-01-05,US,NA,referral,,1980,,\n" + CUSTOMERS + "\nC07,2024-01-05,US,NA,referral,,1980,,\n");
    write("customers/c05_columns.csv", CUSTOMERS + "\nC08,2024-01-05,US,NA,referral,,1980,,,EXTRA\nC09,2024-01-05,US,NA,referral,,1980\nC10,2024-01-05,US,NA,referral,,1980,,\n");
    write("customers/c06_dates.csv", CUSTOMERS + "\nC11,2024-01-05T23:30:00+02:00,US,NA,referral,,1.98E3,,\nC12,05/01/2024,US,NA,referral,,1980,,\nC13,20240105,US,NA,referral,,1980,,\nC14,2024-1-5,US,NA,referral,,1980,,\n");
    write("customers/c07_empty_null.csv", CUSTOMERS + "\nC15,2024-01-05,US,NA,referral,\"\",1980,,\nC16,2024-01-05,US,\"\",referral,,1980,,\n");
    write("customers/c08_emoji_ctrl.csv", CUSTOMERS + "\nC17,2024-01-05,US,NA 🌎,ref\u0007erral,,1980,,\nC18,2024-01-05,US,NA,referral,,1980,\u0000,\n");
    write("customers/c09_truncated.csv.gz", truncatedGzip(CUSTOMERS + "\nC19,2024-01-05,US,NA,referral,,1980,,\n".repeat(200), 0.5));
    write("customers/c10_long.csv", CUSTOMERS + "\nC20,2024-01-05,US,NA,referral,\"" + "x".repeat(100_000) + "\",1980,,\n");
    write("orders/o01_numbers.csv", "order_id,customer_id,order_ts,product_id,category,quantity,amount,discount,channel,status\n"
        + "O1,C01,2025-03-01 10:00:00,P1,home,1,\"10,50\",0,web,completed\n"
        + "O2,C01,2025-03-01T10:00:00Z,P1,home,1,\"1,234.50\",0,web,completed\n"
        + "O3,C01,2025-03-01T12:00:00+02:00,P1,home,2E0,1.05E2,0,web,completed\n"
        + "O4,C01,01.03.2025 10:00,P1,home,1,10,0,web,completed\n");
    // truncated past the part the file check reads: only reading it in full fails
    StringBuilder big = new StringBuilder("order_id,customer_id,order_ts,product_id,category,quantity,amount,discount,channel,status\n");
    for (int i = 0; i < 40_000; i++) {
      big.append("B").append(i).append(",C01,2025-03-01 10:00:00,P").append(i % 97).append(",home,1,").append(i % 50)
          .append(".25,0,web,completed\n");
    }
    write("orders/o02_truncated_late.csv.gz", truncatedGzip(big.toString(), 0.7));
    write("interactions/i01_latin1.csv", ("interaction_id,customer_id,opened_ts,first_response_ts,resolved_ts,channel,touchpoint,category,is_complaint,reopened\n"
        + "I1,C01,2025-03-01 10:00:00,,,téléphone,facturation,réclamation,true,0\n").getBytes(StandardCharsets.ISO_8859_1));
    write("digital_events/e01_zero.parquet", new byte[0]);
    String longText = "Great 👍 " + "y".repeat(100_000);
    write("reviews/r01.jsonl", "\uFEFF{\"review_id\":\"R1\",\"product_id\":\"P1\",\"source\":\"web\",\"rating\":5,\"text\":\"" + longText + "\",\"review_ts\":\"2025-03-01T10:00:00Z\"}\n"
        + "[{\"review_id\":\"R2\",\"product_id\":\"P1\",\"source\":\"web\",\"rating\":4,\"review_ts\":\"2025-03-01\"},{\"review_id\":\"R3\",\"product_id\":\"P1\",\"source\":\"web\",\"rating\":3,\"review_ts\":\"2025-03-01\"}]\n"
        + "[1,2]\n"
        + "{\"review_id\":\"R4\",\"product_id\":\"P1\",\"source\":\"web\",\"rating\":2,\"text\":\"ctrl \\u0001 and tab\\t\",\"review_ts\":\"2025-03-01\"}\n"
        + "{\"review_id\":\"R5\",\"product_id\":\"P1\",\n"
        + "{\"review_id\":\"R6\",\"product_id\":\"P1\",\"source\":\"web\",\"rating\":\"\",\"text\":null,\"review_ts\":\"2025-03-01\"}\n"
        // what Spark makes of a byte that is not UTF-8 past the sampled start of a file
        + "{\"review_id\":\"R7\",\"product_id\":\"P1\",\"source\":\"web\",\"rating\":3,\"text\":\"caf\uFFFD\",\"review_ts\":\"2025-03-01\"}\n");
    ingest = JobRunner.run(TestSpark.context(P, sources, null), List.of(TestSpark.stage("ingest"))).get(0);
    JobRunner.run(TestSpark.context(P, sources, null), List.of(TestSpark.stage("curate")));
  }

  private static byte[] truncatedGzip(String content, double keep) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(content.getBytes(StandardCharsets.UTF_8));
    }
    byte[] all = bytes.toByteArray();
    return Arrays.copyOf(all, (int) (all.length * keep));
  }

  private static void write(String rel, String content) throws Exception {
    write(rel, content.getBytes(StandardCharsets.UTF_8));
  }

  private static void write(String rel, byte[] content) throws Exception {
    Path f = landing.resolve(rel);
    Files.createDirectories(f.getParent());
    Files.write(f, content);
  }

  private static String file(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private static Row silver(String table, String key, String id, String columns) {
    List<Row> rows = spark.sql("SELECT " + columns + " FROM " + P + "_silver." + table + " WHERE " + key + " = '" + id + "'")
        .collectAsList();
    assertEquals(1, rows.size(), id + " in silver " + table);
    return rows.get(0);
  }

  /** file name -> reasons of its quarantine rows, sorted, e.g. c05_columns.csv -> [malformed_record, malformed_record]. */
  private static java.util.Map<String, List<String>> quarantine() {
    java.util.Map<String, List<String>> byFile = new java.util.TreeMap<>();
    for (Row r : spark.sql("SELECT source_file, reason FROM " + P + "_ops.quarantine ORDER BY source_file, reason, record_key")
        .collectAsList()) {
      byFile.computeIfAbsent(file(r.getString(0)), k -> new java.util.ArrayList<>()).add(r.getString(1));
    }
    return byFile;
  }

  @Test
  void unreadableFilesAreRejectedNamingFileAndCauseAndTheRestLands() {
    assertEquals("failed", ingest.status(), "on_bad_file: fail");
    java.util.Map<String, String> rejected = new java.util.TreeMap<>();
    for (Row r : spark.sql("SELECT path, message FROM " + P + "_ops.ingest_file WHERE status = 'rejected'").collectAsList()) {
      rejected.put(file(r.getString(0)), r.getString(1));
    }
    assertEquals(java.util.Set.of("c02_latin1.csv", "c09_truncated.csv.gz", "o02_truncated_late.csv.gz", "e01_zero.parquet"),
        rejected.keySet(), rejected.toString());
    assertTrue(rejected.get("c02_latin1.csv").contains("c02_latin1.csv: not UTF-8 text (byte 0xCE at offset 105")
        && rejected.get("c02_latin1.csv").contains("encoding: ISO-8859-1"), rejected.get("c02_latin1.csv"));
    assertTrue(rejected.get("c09_truncated.csv.gz").contains("Unexpected end of input stream")
        && rejected.get("c09_truncated.csv.gz").contains("truncated or corrupt compressed file"), rejected.get("c09_truncated.csv.gz"));
    assertTrue(rejected.get("o02_truncated_late.csv.gz").contains("cannot be read in full")
        && rejected.get("o02_truncated_late.csv.gz").contains("Unexpected end of input stream"), rejected.get("o02_truncated_late.csv.gz"));
    assertTrue(rejected.get("e01_zero.parquet").contains("0 bytes: not a Parquet file"), rejected.get("e01_zero.parquet"));
    for (String f : rejected.keySet()) {
      assertTrue(ingest.error().contains(f), "the job's error names " + f + ": " + ingest.error());
    }
    assertEquals(0, spark.sql("SELECT * FROM " + P + "_bronze.orders WHERE _source_file LIKE '%o02_%'").count(),
        "nothing of the truncated file lands");
    assertEquals(4, spark.sql("SELECT * FROM " + P + "_bronze.orders").count(), "the good orders file lands beside it");
  }

  @Test
  void everyFileReconcilesBronzeToSilverPlusQuarantine() {
    List<Row> perFile = spark.sql("""
        WITH bronze AS (
          SELECT _source_file f, count(*) n FROM %1$s_bronze.customers GROUP BY 1 UNION ALL
          SELECT _source_file, count(*) FROM %1$s_bronze.orders GROUP BY 1 UNION ALL
          SELECT _source_file, count(*) FROM %1$s_bronze.interactions GROUP BY 1 UNION ALL
          SELECT _source_file, count(*) FROM %1$s_bronze.reviews GROUP BY 1),
        silver AS (
          SELECT _source_file f, count(*) n FROM %1$s_silver.dim_customer GROUP BY 1 UNION ALL
          SELECT _source_file, count(*) FROM %1$s_silver.orders GROUP BY 1 UNION ALL
          SELECT _source_file, count(*) FROM %1$s_silver.interactions GROUP BY 1 UNION ALL
          SELECT _source_file, count(*) FROM %1$s_silver.reviews GROUP BY 1),
        quarantined AS (SELECT source_file f, count(*) n FROM %1$s_ops.quarantine GROUP BY 1)
        SELECT b.f, b.n, coalesce(s.n, 0), coalesce(q.n, 0) FROM bronze b
        LEFT JOIN silver s ON s.f = b.f LEFT JOIN quarantined q ON q.f = b.f ORDER BY 1""".formatted(P)).collectAsList();
    assertEquals(11, perFile.size(), "every file that landed: " + perFile);
    for (Row r : perFile) {
      assertEquals(r.getLong(1), r.getLong(2) + r.getLong(3), "bronze = silver + quarantine for " + r);
    }
    assertEquals(0, spark.sql("SELECT * FROM " + P + "_ops.curate_batch"
        + " WHERE bronze_rows <> accepted_rows + quarantined_rows + exact_duplicate_rows").count());
    assertEquals(0, spark.sql("SELECT * FROM " + P + "_ops.ingest_file WHERE status NOT IN ('ingested', 'rejected')").count(),
        "every landing file was either ingested or rejected");
  }

  @Test
  void textFilesAsTheyComeGiveTypedRows() {
    assertEquals(List.of("C01", "C02"), spark.sql("SELECT customer_id FROM " + P + "_silver.dim_customer"
        + " WHERE _source_file LIKE '%c01_bom_crlf.csv' ORDER BY 1").as(org.apache.spark.sql.Encoders.STRING()).collectAsList(),
        "a byte-order mark and CRLF line ends");
    assertEquals("2024-01-06", silver("dim_customer", "customer_id", "C02", "string(signup_date)").getString(0),
        "no carriage return left in the last column");
    assertEquals("NA, \"East\"\nsecond line", silver("dim_customer", "customer_id", "C04", "region").getString(0),
        "a quoted field with a delimiter, doubled quotes and a line break");
    silver("dim_customer", "customer_id", "C05", "customer_id");
    Row c11 = silver("dim_customer", "customer_id", "C11", "string(signup_date), birth_year");
    assertEquals("2024-01-05", c11.getString(0), "a date written as a timestamp with an offset");
    assertEquals(1980, c11.getInt(1), "a whole number in scientific notation");
    assertEquals("2024-01-05", silver("dim_customer", "customer_id", "C14", "string(signup_date)").getString(0));
    assertTrue(silver("dim_customer", "customer_id", "C15", "plan").isNullAt(0), "an empty string is no value");
    Row c17 = silver("dim_customer", "customer_id", "C17", "region, acquisition_channel");
    assertEquals("NA \uD83C\uDF0E", c17.getString(0), "emoji kept");
    assertEquals("referral", c17.getString(1), "a control character removed");
    assertTrue(silver("dim_customer", "customer_id", "C18", "email").isNullAt(0), "a NUL alone is no value");
    assertEquals(100_000, silver("dim_customer", "customer_id", "C20", "length(plan)").getInt(0), "a 100 kB field");
    assertEquals("téléphone|réclamation", silver("interactions", "interaction_id", "I1", "concat(channel, '|', category)")
        .getString(0), "Latin-1 read as declared by options.encoding");
    Row o3 = silver("orders", "order_id", "O3", "string(order_ts), quantity, amount");
    assertEquals("2025-03-01 10:00:00", o3.getString(0), "+02:00 converted to UTC");
    assertEquals(2, o3.getInt(1));
    assertEquals(new java.math.BigDecimal("105.00"), o3.getDecimal(2));
    assertEquals("2025-03-01 10:00:00", silver("orders", "order_id", "O4", "string(order_ts)").getString(0),
        "01.03.2025 10:00 read by the mapping documented for other formats");
  }

  @Test
  void jsonLinesAsTheyComeGiveTypedRows() {
    Row r1 = silver("reviews", "review_id", "R1", "length(text), substr(text, 1, 7)");
    assertEquals(100_008, r1.getInt(0), "a byte-order mark before the first object; a 100 kB text");
    assertEquals("Great \uD83D\uDC4D", r1.getString(1));
    silver("reviews", "review_id", "R2", "review_id");
    silver("reviews", "review_id", "R3", "review_id");
    assertEquals("ctrl  and tab\t", silver("reviews", "review_id", "R4", "text").getString(0),
        "\\u0001 removed, the tab kept");
  }

  @Test
  void rowsThatCannotBeTypedAreQuarantinedWithTheirReason() {
    java.util.Map<String, List<String>> q = quarantine();
    assertEquals(List.of("repeated_header"), q.get("c04_header_again.csv"));
    assertEquals(List.of("malformed_record", "malformed_record"), q.get("c05_columns.csv"), "an extra and a missing column");
    assertEquals(List.of("unparseable_ts", "unparseable_ts"), q.get("c06_dates.csv"), "05/01/2024 and 20240105");
    assertEquals(List.of("missing_value"), q.get("c07_empty_null.csv"), "a required value given as \"\"");
    assertEquals(List.of("bad_type", "bad_type"), q.get("o01_numbers.csv"), "10,50 and 1,234.50 without a mapping that reads them");
    assertEquals(List.of("bad_encoding", "malformed_record", "malformed_record", "missing_value"), q.get("r01.jsonl"),
        "a replacement character; a line that is an array of numbers; a truncated object; a rating given as \"\"");
    assertNull(q.get("c03_quoted.csv"));
    assertNull(q.get("c01_bom_crlf.csv"));
    Row header = spark.sql("SELECT detail, raw_record FROM " + P + "_ops.quarantine WHERE reason = 'repeated_header'").first();
    assertTrue(header.getString(0).contains("header line again"), header.toString());
    Row extra = spark.sql("SELECT detail FROM " + P + "_ops.quarantine WHERE record_key = 'C08'").first();
    assertEquals("line could not be parsed: C08,2024-01-05,US,NA,referral,,1980,,,EXTRA", extra.getString(0));
  }
}
