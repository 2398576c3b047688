package io.cxlake.churn;

import static org.apache.spark.sql.functions.*;

import io.cxlake.core.CxlakeConfig;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Who is active at a cutoff, and whether they churned in the label window (cutoff, cutoff +
 * horizon]. Inactivity: active = a completed order in the last active_days up to the cutoff;
 * churned = no completed order in the window. Subscription: active = a subscription running at
 * the cutoff and no renewal decided as churned by then; churned = a renewal decided as churned
 * or a subscription ending inside the window. Customers who had churned by the cutoff are not
 * in the population.
 */
public final class ChurnLabels {
  private ChurnLabels() {}

  /** cutoff_date, customer_key of the customers active at each cutoff (no look-ahead). */
  public static Dataset<Row> active(ChurnInputs in, Dataset<Row> cutoffs, ChurnConfig cfg) {
    if (cfg.label().equals("inactivity")) {
      Column days = Cutoffs.daysBefore(col("order_date"));
      return in.orders().join(broadcast(cutoffs), days.geq(0).and(days.lt(cfg.activeDays())))
          .select("cutoff_date", "customer_key").distinct();
    }
    Dataset<Row> running = in.subscriptions().join(broadcast(cutoffs),
            col("start_date").leq(col("cutoff_date"))
                .and(col("end_date").isNull().or(col("end_date").gt(col("cutoff_date")))))
        .select("cutoff_date", "customer_key").distinct();
    Dataset<Row> churnedBefore = in.renewals().where(col("outcome").equalTo("churned"))
        .join(broadcast(cutoffs), col("decided_date").leq(col("cutoff_date")))
        .select("cutoff_date", "customer_key");
    return running.join(churnedBefore, new String[] {"cutoff_date", "customer_key"}, "left_anti");
  }

  /** cutoff_date, customer_key, churned (1.0/0.0) for the active population of each cutoff. */
  public static Dataset<Row> labelled(ChurnInputs in, Dataset<Row> cutoffs, ChurnConfig cfg) {
    int h = cfg.horizonDays();
    Dataset<Row> events;
    if (cfg.label().equals("inactivity")) {
      Column after = Cutoffs.daysBefore(col("order_date")).multiply(-1);
      events = in.orders().join(broadcast(cutoffs), after.geq(1).and(after.leq(h)))
          .select("cutoff_date", "customer_key");
    } else {
      Column decidedAfter = datediff(col("decided_date"), col("cutoff_date"));
      Column endAfter = datediff(col("end_date"), col("cutoff_date"));
      Dataset<Row> churnedRenewals = in.renewals().where(col("outcome").equalTo("churned"))
          .join(broadcast(cutoffs), decidedAfter.geq(1).and(decidedAfter.leq(h)))
          .select("cutoff_date", "customer_key");
      Dataset<Row> ended = in.subscriptions().join(broadcast(cutoffs), endAfter.geq(1).and(endAfter.leq(h)))
          .select("cutoff_date", "customer_key");
      events = churnedRenewals.union(ended);
    }
    // Inactivity: an order in the window means "stayed"; subscription: an event means "churned".
    Dataset<Row> hit = events.distinct().withColumn("_hit", lit(true));
    Column hitCol = coalesce(col("_hit"), lit(false));
    Column churned = cfg.label().equals("inactivity") ? not(hitCol) : hitCol;
    return active(in, cutoffs, cfg).join(hit, new String[] {"cutoff_date", "customer_key"}, "left")
        .select(col("cutoff_date"), col("customer_key"), when(churned, 1.0).otherwise(0.0).as("churned"));
  }
}
