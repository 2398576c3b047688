package io.cxlake.drivers;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import java.sql.Date;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The X→O outcomes on a hand-made timeline: which orders and renewals fall in a response's window. */
class OutcomeWindowTest {
  static final LocalDate AS_OF = LocalDate.of(2026, 6, 30);

  static Dataset<Row> responses(SparkSession spark) {
    StructType s = new StructType().add("response_id", DataTypes.StringType).add("customer_key", DataTypes.StringType)
        .add("response_date", DataTypes.DateType);
    return spark.createDataFrame(List.of(
        RowFactory.create("r1", "c1", d("2026-01-10")), // order on day 90 after: counts
        RowFactory.create("r2", "c2", d("2026-01-10")), // order on the response day and day 91: neither counts
        RowFactory.create("r3", "c3", d("2026-01-10")), // only a returned order in the window: 0
        RowFactory.create("r4", "c1", d("2026-04-15")), // window ends 2026-07-14, after the as-of date: unknown
        RowFactory.create("r5", "c4", d("2026-04-01"))), s); // window ends 2026-06-30 = as-of: known
  }

  @Test
  void repurchaseCountsCompletedOrdersStrictlyAfterTheResponseWithinTheWindow() {
    SparkSession spark = TestSpark.session();
    StructType o = new StructType().add("customer_key", DataTypes.StringType).add("order_date", DataTypes.DateType)
        .add("is_completed", DataTypes.BooleanType);
    Dataset<Row> orders = spark.createDataFrame(List.of(
        RowFactory.create("c1", d("2026-04-10"), true), // r1 + 90 days
        RowFactory.create("c2", d("2026-01-10"), true), // same day as r2
        RowFactory.create("c2", d("2026-04-11"), true), // r2 + 91 days
        RowFactory.create("c3", d("2026-02-01"), false),
        RowFactory.create("c4", d("2026-06-30"), true)), o); // r5 + 90 days, on the as-of date
    Map<String, Double> y = collect(DriverData.repurchase(responses(spark), orders, "rep", 90, AS_OF), "rep");
    assertEquals(1.0, y.get("r1"));
    assertEquals(0.0, y.get("r2"));
    assertEquals(0.0, y.get("r3"));
    assertFalse(y.containsKey("r4"), "an incomplete window is unknown, not 0");
    assertEquals(1.0, y.get("r5"));
  }

  @Test
  void renewalTakesTheNextDecisionAfterTheResponse() {
    SparkSession spark = TestSpark.session();
    StructType r = new StructType().add("customer_key", DataTypes.StringType).add("decided_date", DataTypes.DateType)
        .add("is_decided", DataTypes.BooleanType).add("is_renewed", DataTypes.BooleanType);
    Dataset<Row> renewals = spark.createDataFrame(List.of(
        RowFactory.create("c1", d("2026-01-10"), true, false), // same day as r1: before "after"
        RowFactory.create("c1", d("2026-03-01"), true, true), // r1's next decision: renewed
        RowFactory.create("c1", d("2026-05-01"), true, false), // r4's next decision: churned
        RowFactory.create("c2", d("2027-01-11"), true, true), // after the as-of date: not known yet
        RowFactory.create("c3", null, false, false)), r); // pending
    Map<String, Double> y = collect(DriverData.nextRenewal(responses(spark), renewals, "ren", 365, AS_OF), "ren");
    assertEquals(1.0, y.get("r1"));
    assertEquals(0.0, y.get("r4"));
    assertFalse(y.containsKey("r2"));
    assertFalse(y.containsKey("r3"));
    assertFalse(y.containsKey("r5"));
    Map<String, Double> shortWindow = collect(DriverData.nextRenewal(responses(spark), renewals, "ren", 30, AS_OF), "ren");
    assertFalse(shortWindow.containsKey("r1"), "the decision 50 days later is outside a 30-day window");
    assertEquals(0.0, shortWindow.get("r4"));
  }

  private static Map<String, Double> collect(Dataset<Row> rows, String name) {
    Map<String, Double> m = new HashMap<>();
    for (Row r : rows.collectAsList()) {
      if (!r.isNullAt(1)) {
        m.put(r.getString(0), r.getDouble(1));
      }
    }
    assertEquals(List.of("response_id", DriverData.y(name)), List.of(rows.columns()));
    return m;
  }

  private static Date d(String s) {
    return Date.valueOf(s);
  }
}
