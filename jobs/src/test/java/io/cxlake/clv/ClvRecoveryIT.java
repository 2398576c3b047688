package io.cxlake.clv;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.GeneratedLakehouse;
import io.cxlake.TestSpark;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The clv stage on the shared generated lakehouse (scale 0.05): every customer with a completed
 * order is scored, the model card holds both fits with standard errors, the holdout check
 * predicts the holdout's repeat purchases within the documented tolerance (docs/value.md), and
 * customer_360 carries the CLV of the snapshot.
 */
class ClvRecoveryIT {
  @Test
  void customersAreScoredAndTheHoldoutCheckHolds() throws Exception {
    GeneratedLakehouse lake = GeneratedLakehouse.get();
    lake.run(TestSpark.plan("clv"));
    SparkSession spark = TestSpark.session();
    String asOf = spark.sql("SELECT max(as_of_date) FROM " + lake.gold("customer_clv")).first().get(0).toString();
    long buyers = spark.sql("SELECT count(DISTINCT customer_key) FROM " + lake.gold("fact_order")
        + " WHERE is_completed AND customer_key IS NOT NULL AND order_date <= DATE'" + asOf + "'").first().getLong(0);
    Row clv = spark.sql("SELECT count(*), min(p_alive), max(p_alive), min(clv), sum(clv) FROM " + lake.gold("customer_clv")
        + " WHERE as_of_date = DATE'" + asOf + "'").first();
    assertEquals(buyers, clv.getLong(0), "one row per customer with a completed order");
    assertTrue(clv.getDouble(1) >= 0 && clv.getDouble(2) <= 1, clv.toString());
    assertTrue(clv.getDouble(3) >= 0, "no negative value: " + clv);

    List<Row> card = spark.sql("SELECT fit, model, parameter, estimate, std_error FROM " + lake.gold("clv_model")
        + " WHERE as_of_date = DATE'" + asOf + "' ORDER BY fit, model, parameter").collectAsList();
    assertEquals(14, card.size(), card.toString()); // (4 BG/NBD + 3 Gamma-Gamma) x (full, calibration)
    card.forEach(r -> assertTrue(r.getDouble(3) > 0 && !r.isNullAt(4), r.toString()));

    Row all = spark.sql("SELECT customers, predicted_total, actual_total FROM " + lake.gold("clv_holdout")
        + " WHERE as_of_date = DATE'" + asOf + "' AND bucket = 'all'").first();
    double ratio = all.getDouble(1) / all.getDouble(2);
    System.out.printf("clv holdout on generated data: %d customers, predicted %.1f, actual %.1f (ratio %.3f)%n",
        all.getLong(0), all.getDouble(1), all.getDouble(2), ratio);
    assertTrue(Math.abs(ratio - 1) < 0.2, "predicted / actual repeat purchases in the holdout: " + ratio);
    long buckets = spark.sql("SELECT sum(customers) FROM " + lake.gold("clv_holdout") + " WHERE as_of_date = DATE'" + asOf
        + "' AND bucket <> 'all'").first().getLong(0);
    assertEquals(all.getLong(0), buckets, "the buckets add up to all");

    // customer_360 of the snapshot carries the same value
    Row c360 = spark.sql("SELECT sum(clv), count(clv) FROM " + lake.gold("customer_360") + " WHERE snapshot_date = DATE'"
        + asOf + "'").first();
    assertEquals(clv.getDouble(4), c360.getDouble(0), 1e-6 * clv.getDouble(4));
    assertEquals(buyers, c360.getLong(1));
  }
}
