package io.cxlake;

import static org.apache.spark.sql.functions.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.junit.jupiter.api.Test;

class PlanCheckTest {
  @Test
  void aWindowWithoutPartitionOverCustomerRowsIsFoundAndOneOverAnAggregateIsNot() {
    Dataset<Row> customers = TestSpark.session().range(5).select(col("id").cast("string").as("customer_key"),
        (col("id").mod(2)).as("x"));
    Dataset<Row> overCustomers = customers.withColumn("n", count(lit(1)).over(Window.partitionBy()));
    assertEquals(1, PlanCheck.unpartitionedWindowsOver(overCustomers, "customer_key").size());
    Dataset<Row> overValues = customers.groupBy("x").count().withColumn("n", sum("count").over(Window.partitionBy()));
    assertEquals(List.of(), PlanCheck.unpartitionedWindowsOver(overValues, "customer_key"));
    assertEquals(List.of(), PlanCheck.unpartitionedWindowsOver(
        customers.withColumn("n", count(lit(1)).over(Window.partitionBy("x"))), "customer_key"));
  }
}
