package io.cxlake.churn;

import io.cxlake.platform.Pseudonym;
import static org.apache.spark.sql.functions.*;

import io.cxlake.core.Entities;
import io.cxlake.core.JobContext;
import io.cxlake.metrics.GoldContracts;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What churn labels and features are computed from, each keyed by customer_key and carrying
 * its own event dates, so that any cutoff can be cut out of it (point in time).
 *
 * @param customers     customer_key, signup_date
 * @param orders        completed orders: customer_key, order_date, net_amount (double)
 * @param renewals      decided renewals: customer_key, outcome, decided_date
 * @param subscriptions customer_key, start_date, end_date (null: running)
 * @param interactions  customer_key, opened_ts, first_response_hours, resolution_hours, is_complaint
 * @param responses     customer_key, responded_ts, nps, csat
 * @param sessions      digital sessions per customer and day: customer_key, session_date, sessions
 * @param sentiment     verbatim sentiment (voice stage), or null: customer_key, response_date, sentiment_score
 */
public record ChurnInputs(Dataset<Row> customers, Dataset<Row> orders, Dataset<Row> renewals,
    Dataset<Row> subscriptions, Dataset<Row> interactions, Dataset<Row> responses, Dataset<Row> sessions,
    Dataset<Row> sentiment) {

  /** Table the voice stage writes; its sentiment becomes a feature once it exists. */
  static final String VOICE_RESPONSE = "voice_response";

  /** From the gold facts, plus silver subscriptions and digital events (hashed after aggregation). */
  static ChurnInputs read(JobContext ctx) {
    byte[] secret = io.cxlake.platform.PseudonymSecret.of(ctx);
    Dataset<Row> customers = gold(ctx, GoldContracts.DIM_CUSTOMER.name()).select("customer_key", "signup_date");
    // guest orders (no customer_key) have no customer to predict for
    Dataset<Row> orders = gold(ctx, GoldContracts.FACT_ORDER.name()).where(col("is_completed").and(col("customer_key").isNotNull()))
        .select(col("customer_key"), col("order_date"), col("net_amount").cast("double").as("net_amount"));
    Dataset<Row> renewals = gold(ctx, GoldContracts.FACT_RENEWAL.name()).where(col("is_decided"))
        .select("customer_key", "outcome", "decided_date");
    Dataset<Row> subscriptions = ctx.spark().table(ctx.catalog().silver(Entities.SUBSCRIPTIONS.silverTable()))
        .select(Pseudonym.customerKey(col("customer_id"), secret).as("customer_key"), col("start_date"), col("end_date"));
    Dataset<Row> interactions = gold(ctx, GoldContracts.FACT_INTERACTION.name())
        .select("customer_key", "opened_ts", "first_response_hours", "resolution_hours", "is_complaint");
    Dataset<Row> responses = gold(ctx, GoldContracts.FACT_SURVEY_RESPONSE.name())
        .select("customer_key", "responded_ts", "nps", "csat");
    Dataset<Row> sessions = io.cxlake.platform.DigitalSessions.perDay(ctx);
    String voice = ctx.catalog().gold(VOICE_RESPONSE);
    Dataset<Row> sentiment = ctx.spark().catalog().tableExists(voice)
        ? ctx.spark().table(voice).where(col("sentiment_score").isNotNull())
            .select("customer_key", "response_date", "sentiment_score")
        : null;
    return new ChurnInputs(customers, orders, renewals, subscriptions, interactions, responses, sessions, sentiment);
  }

  private static Dataset<Row> gold(JobContext ctx, String table) {
    return ctx.spark().table(ctx.catalog().gold(table));
  }

  /** The same inputs with the large ones cached (read once per cutoff set and by labels and features). */
  ChurnInputs cached(io.cxlake.platform.CacheScope cache) {
    return new ChurnInputs(customers, cache.keep(orders), renewals, subscriptions, cache.keep(interactions),
        cache.keep(responses), cache.keep(sessions), sentiment);
  }
}
