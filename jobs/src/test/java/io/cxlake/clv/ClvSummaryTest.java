package io.cxlake.clv;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The BG/NBD purchase summary from fact_order, by hand. */
class ClvSummaryTest {
  @Test
  void repeatPurchasesAreDistinctDaysAfterTheFirstAndSpendIsTheMeanOfTheRepeatDays() {
    Dataset<Row> orders = TestSpark.session().sql("SELECT customer_key, DATE(d) AS order_date, "
        + "CAST(net AS DECIMAL(18,2)) AS net_amount, completed AS is_completed FROM VALUES "
        + "('A', '2024-01-01', 10, true), "
        + "('A', '2024-01-08', 20, true), ('A', '2024-01-08', 5, true), "  // two orders on one day: one purchase of 25
        + "('A', '2024-01-15', 30, true), "
        + "('A', '2024-01-20', 99, false), "                                 // returned: not a purchase
        + "('A', '2024-03-01', 50, true), "                                  // after the end date
        + "('B', '2024-01-29', 40, true), "                                  // one purchase only
        + "(NULL, '2024-01-02', 70, true) "                                  // a guest
        + "AS t(customer_key, d, net, completed)");
    List<Row> rows = ClvSummary.build(orders, LocalDate.of(2024, 2, 5), 7.0).orderBy("customer_key").collectAsList();
    assertEquals(2, rows.size());
    Row a = rows.get(0);
    assertEquals("A", a.getString(0));
    assertEquals(2.0, a.getDouble(2), 0);             // x: Jan 8 and Jan 15 after Jan 1
    assertEquals(2.0, a.getDouble(3), 1e-12);         // t_x: 14 days = 2 weeks
    assertEquals(5.0, a.getDouble(4), 1e-12);         // T: Jan 1 .. Feb 5 = 35 days = 5 weeks
    assertEquals(27.5, a.getDouble(5), 1e-12);        // m: (25 + 30) / 2
    Row b = rows.get(1);
    assertEquals(0.0, b.getDouble(2), 0);
    assertEquals(0.0, b.getDouble(3), 0);
    assertEquals(1.0, b.getDouble(4), 1e-12);
    assertTrue(b.isNullAt(5), "no repeat day: no repeat spend");
  }
}
