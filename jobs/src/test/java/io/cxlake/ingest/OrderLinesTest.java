package io.cxlake.ingest;

import static org.apache.spark.sql.functions.*;
import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import io.cxlake.core.Entities;
import io.cxlake.core.SourcesConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Order lines as landed: line keys, credit notes, and the mapping of a file without a line number. */
class OrderLinesTest {
  private static final SparkSession spark = TestSpark.session();

  private static SourcesConfig.Source source(String grain, String creditWhen) {
    Map<String, String> columns = new LinkedHashMap<>();
    columns.put("order_id", "Inv");
    columns.put("customer_id", "Cust");
    columns.put("order_ts", "At");
    columns.put("product_id", "Sku");
    columns.put("category", "'general'");
    columns.put("quantity", "Qty");
    columns.put("amount", "try_cast(Qty AS decimal(12,0)) * try_cast(Price AS decimal(12,2))");
    columns.put("discount", "'0'");
    columns.put("channel", "'online'");
    columns.put("status", "'completed'");
    return new SourcesConfig.Source("*.csv", "csv", null, true, columns, null, grain, creditWhen, null);
  }

  private static Dataset<Row> file() {
    return spark.sql("SELECT * FROM VALUES "
        + "('1', 'A', '2011-01-01 10:00:00', 'K1', '2', '5.00'), "
        + "('1', 'A', '2011-01-01 10:00:00', 'K1', '2', '5.00'), " // the same product twice: two lines
        + "('1', 'A', '2011-01-01 10:00:00', 'K2', '1', '3.00'), "
        + "('C2', 'A', '2011-01-02 09:00:00', 'K1', '-2', '5.00') " // cancels one of them
        + "AS t(Inv, Cust, At, Sku, Qty, Price)");
  }

  private static Dataset<Row> mapped(SourcesConfig.Source source) {
    return IngestStage.mapped(file(), Entities.ORDERS, source, IngestStage.mapping(Entities.ORDERS, source),
        List.of(new LandingFile("file:/landing/orders.csv", 100, 0)));
  }

  @Test
  void lineGrainGivesEveryLineItsOwnDeterministicKeyAndCreditsLoseTheirSign() {
    SourcesConfig.Source lines = source("line", "Inv LIKE 'C%'");
    List<Row> rows = mapped(lines).orderBy("order_id", "line_id")
        .select("order_id", "line_id", "status", "quantity", "amount").collectAsList();
    assertEquals(4, rows.size());
    assertEquals(4, rows.stream().map(r -> r.getString(0) + "/" + r.getString(1)).distinct().count(), "keys are unique");
    // the two identical lines share the content hash and differ by their position
    List<String> k1 = rows.stream().filter(r -> r.getString(0).equals("1")).map(r -> r.getString(1)).toList();
    assertEquals(2, k1.stream().filter(k -> k.endsWith("-1")).count(), k1.toString());
    assertEquals(1, k1.stream().filter(k -> k.endsWith("-2")).count(), k1.toString());
    Row credit = rows.stream().filter(r -> r.getString(0).equals("C2")).findFirst().orElseThrow();
    assertEquals("credit", credit.getString(2));
    assertEquals("2", credit.getString(3));
    assertEquals(10.0, Double.parseDouble(credit.getString(4)), 1e-9);
    // the same file read again gives the same keys
    assertEquals(rows, mapped(lines).orderBy("order_id", "line_id")
        .select("order_id", "line_id", "status", "quantity", "amount").collectAsList());
  }

  @Test
  void linesAreNumberedWithinTheirFileWhenFilesAreReadInOneScan() throws Exception {
    SourcesConfig.Source lines = source("line", "Inv LIKE 'C%'");
    // two files with the same lines (an order split across exports), read in one scan
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("cxlake-lines-");
    List<LandingFile> files = new java.util.ArrayList<>();
    for (String name : List.of("a.csv", "b c.csv")) {
      java.nio.file.Path f = dir.resolve(name);
      StringBuilder text = new StringBuilder("Inv,Cust,At,Sku,Qty,Price\n");
      file().collectAsList().forEach(r -> text.append(r.mkString(",")).append('\n'));
      java.nio.file.Files.writeString(f, text.toString());
      files.add(new LandingFile("file:" + f, java.nio.file.Files.size(f), 0));
    }
    Dataset<Row> scan = spark.read().option("header", "true")
        .csv(files.stream().map(LandingFile::path).toArray(String[]::new));
    Dataset<Row> both = IngestStage.mapped(scan, Entities.ORDERS, lines, IngestStage.mapping(Entities.ORDERS, lines), files);
    List<Row> alone = mapped(lines).orderBy("order_id", "line_id").select("order_id", "line_id").collectAsList();
    for (LandingFile f : files) {
      assertEquals(alone, both.where(col("_source_file").equalTo(f.path())).orderBy("order_id", "line_id")
          .select("order_id", "line_id").collectAsList(), "the keys of " + f.path() + " as if it were read alone");
    }
  }

  @Test
  void orderGrainKeepsTheOrderIdAsTheKey() {
    List<String> lineIds = mapped(source(null, null)).select("line_id").distinct().as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList();
    assertEquals(List.of("1"), lineIds, "at order grain every row is line 1: a repeated order id stays a duplicate key");
    assertEquals(0, mapped(source(null, null)).where(col("status").equalTo("credit")).count());
  }
}
