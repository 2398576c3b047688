package io.cxlake.cli;

import static io.cxlake.Console.capture;
import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.Console.Printed;
import io.cxlake.TestSpark;
import io.cxlake.core.CxlakeException;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `cxlake sql`: a cut result says so, --out writes every row, CSV quoting. */
class SqlCommandTest {
  @Test
  void aResultLongerThanMaxRowsIsCutWithANoticeNamingTheTotal() throws Exception {
    SparkSession spark = TestSpark.session();
    Printed csv = capture(() -> SqlCommand.print(spark.sql("SELECT id FROM range(1234)"), "csv", 2));
    assertEquals("id\n0\n1\n", csv.out());
    assertTrue(csv.err().contains("2 of 1,234 rows shown; --max-rows N or --out PATH for all"), csv.err());
    Printed json = capture(() -> SqlCommand.print(spark.sql("SELECT id FROM range(3)"), "json", 1));
    assertEquals("{\"id\":0}\n", json.out());
    assertTrue(json.err().contains("1 of 3 rows shown"), json.err());
    Printed table = capture(() -> SqlCommand.print(spark.sql("SELECT id FROM range(3)"), "table", 2));
    assertTrue(table.err().contains("2 of 3 rows shown"), table.err());
    Printed whole = capture(() -> SqlCommand.print(spark.sql("SELECT id FROM range(2)"), "csv", 2));
    assertEquals("", whole.err(), "nothing cut, nothing said");
  }

  @Test
  void csvQuotesCarriageReturnsLineFeedsCommasAndQuotes() throws Exception {
    assertEquals("\"a\rb\"", SqlCommand.csvField("a\rb"));
    assertEquals("\"a\nb\"", SqlCommand.csvField("a\nb"));
    assertEquals("\"a,b\"", SqlCommand.csvField("a,b"));
    assertEquals("\"say \"\"hi\"\"\"", SqlCommand.csvField("say \"hi\""));
    assertEquals("plain", SqlCommand.csvField("plain"));
    assertEquals("", SqlCommand.csvField(null));
  }

  @Test
  void outWritesEveryRowWithSparksWriterAndRefusesAnExistingPath(@TempDir Path dir) throws Exception {
    SparkSession spark = TestSpark.session();
    String out = dir.resolve("export").toString();
    Printed p = capture(() -> assertEquals(2500, SqlCommand.write(spark, spark.sql("SELECT id, id % 7 AS k FROM range(2500)"),
        "csv", out)));
    assertTrue(p.err().contains("2,500 rows written"), p.err());
    assertEquals(2500, spark.read().option("header", "true").csv(out).where("k IS NOT NULL").count());
    CxlakeException again = assertThrows(CxlakeException.class,
        () -> SqlCommand.write(spark, spark.sql("SELECT 1 AS a"), "csv", out));
    assertTrue(again.getMessage().contains("exists"), again.getMessage());
    CxlakeException array = assertThrows(CxlakeException.class,
        () -> SqlCommand.write(spark, spark.sql("SELECT array(1, 2) AS a"), "csv", dir.resolve("arr").toString()));
    assertTrue(array.getMessage().startsWith("--out "), array.getMessage());
  }
}
