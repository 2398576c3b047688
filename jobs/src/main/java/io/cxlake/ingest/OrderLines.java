package io.cxlake.ingest;

import static org.apache.spark.sql.functions.*;

import io.cxlake.core.SourcesConfig;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Orders as they come: order lines and credit notes (sources.yaml {@code grain} and
 * {@code credit_when}). Pure column transformations applied while mapping a landing file.
 */
final class OrderLines {
  private OrderLines() {}

  /** The columns that tell two lines of one order apart when the source has no line number. */
  private static final String[] CONTENT = {"customer_id", "order_ts", "product_id", "category", "quantity", "amount",
      "discount", "channel", "status"};

  /**
   * Sets line_id when the source has none ("1" at order grain: the order id stays the key; at
   * line grain {@link #numberLines} fills it) and turns rows matching {@code credit_when} into
   * credit lines: status credit, quantity, amount and discount without their minus sign.
   */
  static void apply(Map<String, Column> canonical, SourcesConfig.Source source, boolean lineIdGiven) {
    if (!lineIdGiven) {
      canonical.put("line_id", source.lines() ? lit(null).cast("string") : lit("1"));
    }
    if (source.creditWhen() != null) {
      Column credit = coalesce(expr(source.creditWhen()), lit(false));
      canonical.put("status", when(credit, lit("credit")).otherwise(canonical.get("status")));
      for (String amount : new String[] {"quantity", "amount", "discount"}) {
        Column c = canonical.get(amount);
        canonical.put(amount, when(credit, regexp_replace(c, "^\\s*-", "")).otherwise(c));
      }
    }
  }

  /**
   * A deterministic line key for sources at line grain without line numbers: a hash of the
   * line's content and, for identical lines of one order (legitimate: the same product scanned
   * twice), their position among them in their file. Re-reading the same file gives the same
   * keys, whichever files are read with it.
   */
  static Dataset<Row> numberLines(Dataset<Row> lines) {
    Column[] content = new Column[CONTENT.length];
    for (int i = 0; i < CONTENT.length; i++) {
      content[i] = coalesce(col(CONTENT[i]), lit(""));
    }
    Column hash = substring(sha2(concat_ws("\u0001", content), 256), 1, 16);
    return lines.withColumn("_content", hash)
        .withColumn("line_id", concat(col("_content"), lit("-"),
            row_number().over(Window.partitionBy("_source_file", "order_id", "_content").orderBy("_row_seq"))
                .cast("string")))
        .drop("_content");
  }
}
