package io.cxlake.contract;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Asserts that a written gold table carries its contract: comments, nullability, constraints, rows. */
public final class ContractAssert {
  private ContractAssert() {}

  public static void carries(SparkSession spark, String t, TableContract c) {
    Row comment = spark.sql("DESCRIBE TABLE EXTENDED " + t).where("col_name = 'Comment'").first();
    assertEquals(c.comment(), comment.getString(1), t);
    Map<String, String> cols = spark.sql("DESCRIBE TABLE " + t).collectAsList().stream()
        .filter(r -> r.getString(0) != null && !r.getString(0).startsWith("#") && !r.getString(0).isBlank())
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.getString(2) == null ? "" : r.getString(2), (x, y) -> x));
    for (TableContract.Column col : c.columns()) {
      assertEquals(col.description(), cols.get(col.name()), t + "." + col.name());
      assertEquals(!col.notNull(), spark.table(t).schema().apply(col.name()).nullable(), t + "." + col.name());
    }
    Map<String, String> props = spark.sql("SHOW TBLPROPERTIES " + t).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.getString(1)));
    for (TableContract.Check check : c.checks()) {
      if (check.enforced() && !check.kind().equals("not_null")) {
        assertTrue(props.containsKey("delta.constraints." + check.name().toLowerCase()), t + ": " + check.name());
      }
    }
    assertTrue(spark.table(t).count() > 0, t + " is empty");
  }
}
