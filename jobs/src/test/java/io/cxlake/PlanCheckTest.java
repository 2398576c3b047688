package io.cxlake;

import static org.apache.spark.sql.functions.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
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

  @Test
  void theRecorderFindsSingleTaskNodesOfExecutedQueriesByTheStageThatRanThem() {
    SparkSession spark = TestSpark.session();
    Dataset<Row> customers = spark.range(50).select(col("id").cast("string").as("customer_key"), col("id").mod(3).as("x"));
    spark.sparkContext().setJobGroup("cxlake:plan_check_test", "test", false);
    try {
      // offenders: a global window over customer rows inside a Delta write, and all customer rows into one partition
      spark.sql("DROP TABLE IF EXISTS plan_check_t");
      customers.withColumn("rank", row_number().over(Window.orderBy("x"))).write().format("delta").saveAsTable("plan_check_t");
      customers.repartition(1).collectAsList();
      // not offenders: a global window over per-value counts, a global count, a limit
      customers.groupBy("x").count().withColumn("share", col("count").divide(sum("count").over(Window.partitionBy())))
          .collectAsList();
      customers.agg(countDistinct("customer_key")).collectAsList();
      customers.limit(3).collectAsList();
    } finally {
      spark.sparkContext().clearJobGroup();
      spark.sql("DROP TABLE IF EXISTS plan_check_t");
    }
    List<String> found = PlanRecorder.offenders(spark).get("plan_check_test");
    assertEquals(List.of(
        "window without partition over [customer_key]: Window [row_number() windowspecdefinition(x ASC NULLS FIRST, "
            + "specifiedwindowframe(RowFrame, unboundedpreceding$(), currentrow$())) AS rank], [x ASC NULLS FIRST]",
        "single-partition exchange over [customer_key]: Exchange SinglePartition, ENSURE_REQUIREMENTS",
        "single-partition exchange over [customer_key]: Exchange SinglePartition, REPARTITION_BY_NUM"), found);
    assertTrue(PlanRecorder.checked(spark).get("plan_check_test") >= 5);
    assertEquals(2L, PlanRecorder.windows(spark).get("plan_check_test"), "the rank and the share windows");
  }
}
