package io.cxlake.value;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.GeneratedLakehouse;
import io.cxlake.TestSpark;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The value stage on the shared generated lakehouse (scale 0.05), after the stages it reads
 * (run here when another test has not run them yet): one customer row per CLV, value at risk =
 * churn probability × CLV, every dimension's groups adding up to the all row and the all row to
 * the customer rows, four NPS groups with passives as the reference, a value chain per NPS
 * driver, customer_360 carrying the value, and a rerun replacing rather than adding rows.
 */
class ValueRecoveryIT {
  @Test
  void valueAtRiskReconcilesAndExperienceIsValued() throws Exception {
    GeneratedLakehouse lake = GeneratedLakehouse.get();
    SparkSession spark = TestSpark.session();
    String asOf = spark.sql("SELECT max(snapshot_date) FROM " + lake.gold("customer_360")).first().get(0).toString();
    String day = "as_of_date = DATE'" + asOf + "'";
    for (Map.Entry<String, String> upstream : Map.of("clv", "customer_clv", "churn", "churn_score").entrySet()) {
      if (!spark.catalog().tableExists(lake.gold(upstream.getValue()))
          || spark.table(lake.gold(upstream.getValue())).where(day).isEmpty()) {
        lake.run(TestSpark.plan(upstream.getKey()));
      }
    }
    if (!spark.catalog().tableExists(lake.gold("key_driver"))) {
      lake.run(TestSpark.plan("drivers"));
    }
    lake.run(TestSpark.plan("value"));

    Row customers = spark.sql("SELECT count(*), sum(clv), count(churn_probability), sum(value_at_risk), "
        + "sum(CASE WHEN abs(value_at_risk - churn_probability * clv) > 1e-9 THEN 1 ELSE 0 END) FROM "
        + lake.gold("customer_value_at_risk") + " WHERE " + day).first();
    long clvRows = spark.sql("SELECT count(*) FROM " + lake.gold("customer_clv") + " WHERE " + day).first().getLong(0);
    long scored = spark.sql("SELECT count(*) FROM " + lake.gold("customer_clv") + " c JOIN " + lake.gold("churn_score")
        + " s ON c.customer_key = s.customer_key AND c.as_of_date = s.as_of_date WHERE c." + day).first().getLong(0);
    assertEquals(clvRows, customers.getLong(0), "one row per customer with a CLV");
    assertEquals(scored, customers.getLong(2), "the churn-scored customers carry a probability");
    assertTrue(scored > 0);
    assertEquals(0L, customers.getLong(4), "value_at_risk = churn_probability x clv");

    List<Row> byDimension = spark.sql("SELECT dimension, sum(customers), sum(scored_customers), sum(clv_total), "
        + "sum(value_at_risk_total), count(*) FROM " + lake.gold("value_at_risk") + " WHERE " + day + " GROUP BY dimension")
        .collectAsList();
    assertEquals(ValueContracts.DIMENSIONS.size(), byDimension.size(), byDimension.toString());
    for (Row r : byDimension) {
      assertEquals(customers.getLong(0), r.getLong(1), r.toString());
      assertEquals(scored, r.getLong(2), r.toString());
      assertEquals(customers.getDouble(1), r.getDouble(3), 1e-6 * customers.getDouble(1), r.toString());
      assertEquals(customers.getDouble(3), r.getDouble(4), 1e-6 * customers.getDouble(3), r.toString());
    }
    Row all = spark.sql("SELECT clv_mean_ci_low, clv_mean, clv_mean_ci_high, share_at_risk FROM " + lake.gold("value_at_risk")
        + " WHERE " + day + " AND dimension = 'all'").first();
    assertTrue(all.getDouble(0) < all.getDouble(1) && all.getDouble(1) < all.getDouble(2), all.toString());
    assertTrue(all.getDouble(3) > 0 && all.getDouble(3) < 1, all.toString());

    List<Row> groups = spark.sql("SELECT nps_group, customers, clv_mean, clv_difference, retained_pct, retention_customers "
        + "FROM " + lake.gold("experience_value") + " WHERE " + day + " ORDER BY nps_group").collectAsList();
    assertEquals(4, groups.size(), groups.toString());
    assertEquals(customers.getLong(0), groups.stream().mapToLong(r -> r.getLong(1)).sum());
    Row passive = groups.stream().filter(r -> r.getString(0).equals("passive")).findFirst().orElseThrow();
    assertEquals(0.0, passive.getDouble(3));
    Row promoter = groups.stream().filter(r -> r.getString(0).equals("promoter")).findFirst().orElseThrow();
    Row detractor = groups.stream().filter(r -> r.getString(0).equals("detractor")).findFirst().orElseThrow();
    // the generator makes detractors buy less and leave more often
    assertTrue(promoter.getDouble(2) > detractor.getDouble(2), groups.toString());
    assertTrue(promoter.getDouble(4) > detractor.getDouble(4), groups.toString());

    long npsDrivers = spark.sql("SELECT count(*) FROM " + lake.gold("key_driver") + " WHERE outcome_type = 'nps' AND "
        + "slice_type = 'all' AND status = 'ok' AND coefficient_per_point IS NOT NULL AND as_of_date = (SELECT max(as_of_date) FROM "
        + lake.gold("key_driver") + " WHERE outcome_type = 'nps')").first().getLong(0);
    Row chain = spark.sql("SELECT count(*), count(value_change), sum(CASE WHEN sign(nps_change) = sign(coefficient_per_point) "
        + "OR nps_change = 0 THEN 1 ELSE 0 END) FROM " + lake.gold("driver_value") + " WHERE " + day).first();
    assertTrue(npsDrivers > 0);
    assertEquals(npsDrivers, chain.getLong(0), "one row per NPS driver");
    assertEquals(npsDrivers, chain.getLong(1), "every driver valued");
    assertEquals(npsDrivers, chain.getLong(2), "a positive coefficient raises NPS, a negative one lowers it");

    Row c360 = spark.sql("SELECT sum(value_at_risk), count(value_at_risk) FROM " + lake.gold("customer_360")
        + " WHERE snapshot_date = DATE'" + asOf + "'").first();
    assertEquals(scored, c360.getLong(1));
    assertEquals(customers.getDouble(3), c360.getDouble(0), 1e-6 * customers.getDouble(3));

    lake.run(TestSpark.plan("value"));
    assertEquals(clvRows, spark.sql("SELECT count(*) FROM " + lake.gold("customer_value_at_risk") + " WHERE " + day).first()
        .getLong(0), "a rerun replaces the rows of its as-of date");
    assertEquals(4L, spark.sql("SELECT count(*) FROM " + lake.gold("experience_value") + " WHERE " + day).first().getLong(0));
  }
}
