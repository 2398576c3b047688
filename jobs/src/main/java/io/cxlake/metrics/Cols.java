package io.cxlake.metrics;

import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.RelationalGroupedDataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/** Java-friendly group-by and join on column-name arrays. */
public final class Cols {
  private Cols() {}

  public static RelationalGroupedDataset group(Dataset<Row> rows, String... names) {
    return rows.groupBy(Arrays.stream(names).map(functions::col).toArray(Column[]::new));
  }

  public static Column[] cols(String... names) {
    return Arrays.stream(names).map(functions::col).toArray(Column[]::new);
  }

  public static Dataset<Row> join(Dataset<Row> left, Dataset<Row> right, String[] using, String type) {
    return left.join(right, using, type);
  }
}
