package io.cxlake.metrics;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** fact_order from silver order lines: one row per order, credits negative, guests without a sequence. */
class FactOrderLinesTest {
  private static final SparkSession spark = TestSpark.session();

  @Test
  void linesSumToOrdersCreditsAreNegativeAndGuestsHaveNoSequence() {
    Dataset<Row> lines = spark.sql("SELECT order_id, line_id, customer_id, CAST(order_ts AS timestamp) AS order_ts, "
        + "product_id, category, CAST(quantity AS int) AS quantity, CAST(amount AS decimal(18,2)) AS amount, "
        + "CAST(discount AS decimal(18,2)) AS discount, channel, status FROM VALUES "
        + "('1', 'a', 'A', '2011-01-01 10:00:00', 'K1', 'home', 2, 10.00, 0, 'web', 'completed'), "
        + "('1', 'b', 'A', '2011-01-01 10:00:00', 'K1', 'home', 2, 10.00, 0, 'web', 'completed'), "
        + "('1', 'c', 'A', '2011-01-01 10:00:00', 'K2', 'toys', 1, 30.00, 5, 'web', 'completed'), "
        + "('C2', 'a', 'A', '2011-01-02 09:00:00', 'K1', 'home', 2, 10.00, 0, 'web', 'credit'), "
        + "('3', 'a', NULL, '2011-01-03 09:00:00', 'K3', 'home', 1, 7.50, 0, 'web', 'completed'), "
        + "('4', 'a', 'A', '2011-01-04 09:00:00', 'K3', 'home', 1, 4.00, 0, 'web', 'completed') "
        + "AS t(order_id, line_id, customer_id, order_ts, product_id, category, quantity, amount, discount, channel, status)");
    List<Row> fact = Facts.orders(lines, LocalDate.of(2011, 1, 31), "test-secret-0123456789".getBytes(java.nio.charset.StandardCharsets.UTF_8), 90).orderBy("order_id")
        .select("order_id", "lines", "quantity", "amount", "net_amount", "category", "order_seq", "is_repurchase",
            "customer_key").collectAsList();
    assertEquals(4, fact.size());
    Row o1 = fact.get(0);
    assertEquals(3, o1.getInt(1));
    assertEquals(5, o1.getInt(2));
    assertEquals(new BigDecimal("50.00"), o1.getDecimal(3));
    assertEquals(new BigDecimal("45.00"), o1.getDecimal(4));
    assertEquals("toys", o1.getString(5), "the category of the largest line");
    assertEquals(1, o1.getInt(6));
    Row o4 = fact.get(2);
    assertEquals("4", o4.getString(0));
    assertEquals(2, o4.getInt(6), "the credit note is not an order: order 4 is A's second");
    Row credit = fact.get(3); // order ids sort as strings: 1, 3, 4, C2
    assertEquals(new BigDecimal("-10.00"), credit.getDecimal(4));
    assertTrue(credit.isNullAt(6));
    Row guest = fact.get(1);
    assertTrue(guest.isNullAt(8) && guest.isNullAt(6) && !guest.getBoolean(7), guest.toString());
  }
}
