package io.cxlake.platform;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.spark_partition_id;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One column of a small frame on the driver, each value with the partition it was read in: for
 * the model fits that repeat an MLlib algorithm on the driver, since MLlib draws its random
 * numbers per partition. A bounded collection: above {@code max} rows nothing is collected.
 *
 * @param partition per row, its partition index
 * @param values    per row, the column's value
 */
public record DriverRows(int[] partition, List<Object> values) {

  /** The rows in partition order, or null when there are more than {@code max}. */
  public static DriverRows collect(Dataset<Row> rows, String column, int max) {
    List<Row> collected = rows.select(spark_partition_id(), col(column)).limit(max + 1).collectAsList();
    if (collected.size() > max) {
      return null;
    }
    int[] partition = new int[collected.size()];
    List<Object> values = new ArrayList<>(collected.size());
    for (int i = 0; i < collected.size(); i++) {
      partition[i] = collected.get(i).getInt(0);
      values.add(collected.get(i).get(1));
    }
    return new DriverRows(partition, values);
  }

  public int size() {
    return partition.length;
  }

  /** Partitions up to the last one holding a row (empty ones between count: they draw a seed too). */
  public int partitions() {
    return java.util.Arrays.stream(partition).max().orElse(-1) + 1;
  }

  /** Row indices per partition index, in order. */
  public List<List<Integer>> byPartition() {
    List<List<Integer>> out = new ArrayList<>();
    for (int p = 0; p < partitions(); p++) {
      out.add(new ArrayList<>());
    }
    for (int r = 0; r < partition.length; r++) {
      out.get(partition[r]).add(r);
    }
    return out;
  }
}
