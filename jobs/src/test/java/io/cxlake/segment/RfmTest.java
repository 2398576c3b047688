package io.cxlake.segment;

import io.cxlake.pipeline.Modules;
import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import io.cxlake.core.ConfigLoader;
import io.cxlake.core.CxlakeConfig;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
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

/**
 * RFM on a hand-made example, as of 2026-06-30 with a 365-day window. Worked by hand:
 *
 * <pre>
 * customer  recency  freq  monetary   R F M  segment (default map, by R and F)
 * a               1     5       500   5 5 5  Champions
 * b               1     2       100   5 3 3  Potential Loyalist   (ties with a on recency: same R)
 * c              10     1       300   4 1 4  Promising            (ties with e on frequency: same F)
 * d             180     4        80   3 5 2  Loyal
 * e             333     1        10   2 1 1  Hibernating
 * f             363     2      2000   1 3 5  At Risk              (its returned order does not count)
 * g, h            -     0         0   - - -  No Recent Orders     (g: only an order before the window;
 *                                                                  h: only a returned order)
 * </pre>
 *
 * Scores: 1 + floor(5 × below / (n − 1)), capped at 5, n = 6 customers with orders, "below" =
 * customers with a strictly worse value. Recency: f 0, e 1, d 2, c 3, a and b 4 → 1 2 3 4 5 5.
 */
class RfmTest {
  private static final LocalDate AS_OF = LocalDate.of(2026, 6, 30);

  private static Dataset<Row> orders(SparkSession spark) {
    Object[][] rows = {
        {"a", "2026-06-29", true, "100"}, {"a", "2026-06-01", true, "100"}, {"a", "2026-05-01", true, "100"},
        {"a", "2026-04-01", true, "100"}, {"a", "2026-03-01", true, "100"},
        {"b", "2026-06-29", true, "50"}, {"b", "2026-05-15", true, "50"},
        {"c", "2026-06-20", true, "300"},
        {"d", "2026-01-01", true, "20"}, {"d", "2025-12-01", true, "20"}, {"d", "2025-11-01", true, "20"},
        {"d", "2025-10-01", true, "20"},
        {"e", "2025-08-01", true, "10"},
        {"f", "2025-07-01", true, "1000"}, {"f", "2025-07-02", true, "1000"}, {"f", "2026-06-28", false, "500"},
        {"g", "2025-01-01", true, "70"},
        {"h", "2026-06-01", false, "40"},
        {"a", "2026-07-01", true, "999"}, // after the as-of date: ignored
    };
    List<Row> out = new ArrayList<>();
    for (Object[] r : rows) {
      out.add(RowFactory.create(r[0], Date.valueOf((String) r[1]), r[2], new BigDecimal((String) r[3])));
    }
    StructType schema = new StructType().add("customer_key", DataTypes.StringType).add("order_date", DataTypes.DateType)
        .add("is_completed", DataTypes.BooleanType).add("net_amount", DataTypes.createDecimalType(18, 2));
    return spark.createDataFrame(out, schema);
  }

  static Dataset<Row> customers(SparkSession spark, String... keys) {
    List<Row> rows = new ArrayList<>();
    for (String k : keys) {
      rows.add(RowFactory.create(k));
    }
    return spark.createDataFrame(rows, new StructType().add("customer_key", DataTypes.StringType));
  }

  @Test
  void scoresTiesSegmentsAndCustomersWithoutOrders() {
    SparkSession spark = TestSpark.session();
    SegmentationConfig.Rfm cfg = Modules.configLoader().load(null).config().get(SegmentationConfig.SECTION).rfm();
    Dataset<Row> rfm = Rfm.build(customers(spark, "a", "b", "c", "d", "e", "f", "g", "h"), orders(spark), AS_OF, cfg);
    Map<String, Row> by = new HashMap<>();
    rfm.collectAsList().forEach(r -> by.put(r.getAs("customer_key"), r));
    assertEquals(8, by.size(), "every customer of the population, with or without orders");

    Object[][] expected = {
        {"a", 1, 5L, "500.00", "555", "Champions"},
        {"b", 1, 2L, "100.00", "533", "Potential Loyalist"},
        {"c", 10, 1L, "300.00", "414", "Promising"},
        {"d", 180, 4L, "80.00", "352", "Loyal"},
        {"e", 333, 1L, "10.00", "211", "Hibernating"},
        {"f", 363, 2L, "2000.00", "135", "At Risk"},
    };
    for (Object[] e : expected) {
      Row r = by.get((String) e[0]);
      assertEquals(e[1], r.<Integer>getAs("recency_days"), e[0] + " recency");
      assertEquals(e[2], r.<Long>getAs("frequency"), e[0] + " frequency");
      assertEquals(new BigDecimal((String) e[3]), r.<BigDecimal>getAs("monetary"), e[0] + " monetary");
      assertEquals(e[4], r.getAs("rfm_cell"), e[0] + " cell");
      assertEquals(e[5], r.getAs("segment"), e[0] + " segment");
      String cell = (String) e[4];
      assertEquals(cell.chars().map(ch -> ch - '0').sum(), r.<Integer>getAs("rfm_score"), e[0] + " rfm_score");
    }
    for (String k : new String[] {"g", "h"}) {
      Row r = by.get(k);
      assertEquals("No Recent Orders", r.getAs("segment"), k);
      assertEquals(0L, r.<Long>getAs("frequency"), k);
      assertNull(r.getAs("r_score"), k);
      assertNull(r.getAs("rfm_cell"), k);
      assertNull(r.getAs("recency_days"), k);
    }
    // The ranks come from a histogram of the values: no window sorts the customers in one task.
    assertEquals(List.of(), io.cxlake.PlanCheck.unpartitionedWindowsOver(rfm, "customer_key"));
    // Each score's histogram counts the customers as read (2 relations), not the frame with the
    // earlier scores joined in: 2 + 3 × 2 relations (2 × 2^3 = 16 when the plans nested).
    assertEquals(8, rfm.queryExecution().analyzed().collectLeaves().size());
    assertEquals(365, by.get("a").<Integer>getAs("lookback_days"));
    assertEquals(Date.valueOf(AS_OF), by.get("a").getAs("as_of_date"));
  }

  @Test
  void theSameInputGivesTheSameScoresInAnyRowOrder() {
    SparkSession spark = TestSpark.session();
    SegmentationConfig.Rfm cfg = Modules.configLoader().load(null).config().get(SegmentationConfig.SECTION).rfm();
    Dataset<Row> shuffled = orders(spark).repartition(3).orderBy(org.apache.spark.sql.functions.rand(7));
    List<Row> one = Rfm.build(customers(spark, "h", "g", "f", "e", "d", "c", "b", "a"), shuffled, AS_OF, cfg)
        .orderBy("customer_key").collectAsList();
    List<Row> two = Rfm.build(customers(spark, "a", "b", "c", "d", "e", "f", "g", "h"), orders(spark), AS_OF, cfg)
        .orderBy("customer_key").collectAsList();
    assertEquals(two, one);
  }
}
