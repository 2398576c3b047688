package io.cxlake.metrics;

import static org.apache.spark.sql.functions.*;

import io.cxlake.contract.TableContract;
import io.cxlake.core.JobContext;
import io.cxlake.core.JobRunner;
import io.cxlake.core.Progress;
import io.cxlake.platform.GoldState;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The fact rows an incremental run recomputes. A fact row depends only on its own silver rows
 * (an order on all the orders of its customer: order_seq and the repurchase flags) and on the
 * as-of date through a few timestamps. So between two runs the rows that can differ are those
 * of the silver rows that changed (the change data feed: both images of an update, deletes) and
 * those whose timestamps fall between the previous as-of date and this one (an order placed on
 * the new day, a contact resolved on it). Those keys are recomputed and merged
 * ({@link io.cxlake.contract.GoldWriter#merge}); a key among them that no longer yields a row is
 * deleted.
 *
 * <p>A fact is rewritten whole instead when there is no previous run, on --full-refresh, when
 * the as-of date moved back, when a changed silver table's feed does not cover the versions, or
 * when the fact itself was written after the previous recorded run (a run killed after writing
 * it, or someone else): its version then differs from the recorded one by more than
 * maintenance (OPTIMIZE).
 *
 * <p>The touched keys are materialised once (they are read twice: to pick the silver rows and
 * for the deletes); they grow with a day's changes, not with history. Close to unpersist them.
 */
final class FactScope implements AutoCloseable {
  /** Commits that leave a fact's rows as they were. */
  private static final Set<String> MAINTENANCE = Set.of("OPTIMIZE", "VACUUM START", "VACUUM END", "SET TBLPROPERTIES");

  /** The keys of the rows to recompute and how many there are, or null keys to rewrite the whole fact. */
  record Part(Dataset<Row> keys, long size) {
    boolean whole() {
      return keys == null;
    }

    /** No row to recompute: the fact stays as it is. */
    boolean none() {
      return keys != null && size == 0;
    }

    /** The silver rows to recompute from: all of them, or those with a touched key. */
    Dataset<Row> of(Dataset<Row> silverRows) {
      return whole() ? silverRows : silverRows.join(keys, keys.columns(), "left_semi");
    }

    /**
     * Runs {@code write}, which changes the fact {@code table}'s rows with a touched key, and
     * returns the distinct days in {@code dayColumn} of the rows it changed, as they were and as
     * they are (at most one per day of history): from the fact's change data feed, which holds
     * only the changed rows. A fact whose feed does not cover the write (written before it was
     * on) compares the version before the write with the one after instead: two reads of the
     * touched rows. (Not a cached copy of the rows before: Spark's cache would answer the read
     * after the write with it.)
     */
    List<LocalDate> changedDays(SparkSession spark, String table, String dayColumn, Runnable write) {
      long version = io.cxlake.core.TableVersions.latest(spark, table);
      write.run();
      long now = io.cxlake.core.TableVersions.latest(spark, table);
      if (now == version) {
        return List.of();
      }
      try {
        return GoldState.days(GoldState.changes(spark, table, version, now), List.of(col(dayColumn)));
      } catch (Exception noFeed) { // Delta's analysis exceptions are checked in Java terms
        Progress.info("metrics: {} has no change feed for versions {} to {} ({}): the versions are compared", table,
            version + 1, now, JobRunner.oneLine(noFeed));
        Dataset<Row> before = of(GoldState.atVersion(spark, table, version));
        Dataset<Row> after = of(spark.table(table));
        return GoldState.days(before.except(after).unionByName(after.except(before)), List.of(col(dayColumn)));
      }
    }
  }

  private static final Part WHOLE = new Part(null, -1);

  final Part orders;
  final Part renewals;
  final Part interactions;
  final Part responses;
  final Part ratings;
  /** Why facts are rewritten whole, for the log; null when they are merged. */
  final String rewriteReason;
  private final List<Dataset<Row>> persisted;

  private FactScope(Part orders, Part renewals, Part interactions, Part responses, Part ratings, String rewriteReason,
      List<Dataset<Row>> persisted) {
    this.orders = orders;
    this.renewals = renewals;
    this.interactions = interactions;
    this.responses = responses;
    this.ratings = ratings;
    this.rewriteReason = rewriteReason;
    this.persisted = persisted;
  }

  static FactScope whole(String reason) {
    return new FactScope(WHOLE, WHOLE, WHOLE, WHOLE, WHOLE, reason, List.of());
  }

  /**
   * @param previous the previous recorded run (null: none)
   * @param silver   entity → silver table
   * @param versions silver table → its version now
   */
  static FactScope of(JobContext ctx, GoldState.Previous previous, boolean incremental, Map<String, String> silver,
      Map<String, Long> versions, LocalDate asOf) {
    if (!incremental || previous == null) {
      return whole("the run rebuilds every period");
    }
    if (asOf.isBefore(previous.asOf())) {
      return whole("the as-of date moved back from " + previous.asOf());
    }
    Builder b = new Builder(ctx, previous, silver, versions, asOf);
    try {
      Part orders = b.fresh(GoldContracts.FACT_ORDER) ? b.orders() : WHOLE;
      Part renewals = b.fresh(GoldContracts.FACT_RENEWAL) ? b.renewals() : WHOLE;
      Part interactions = b.fresh(GoldContracts.FACT_INTERACTION) ? b.interactions() : WHOLE;
      Part responses = b.fresh(GoldContracts.FACT_SURVEY_RESPONSE) ? b.responses() : WHOLE;
      // Ratings carry their response's key, date, touchpoint and weight.
      Part ratings = !responses.whole() && b.fresh(GoldContracts.FACT_SURVEY_RATING) ? b.ratings(responses) : WHOLE;
      return new FactScope(orders, renewals, interactions, responses, ratings, null, b.persisted);
    } catch (Exception unreadable) { // a feed that does not cover the versions fails only when read
      b.persisted.forEach(Dataset::unpersist);
      Progress.info("metrics: facts rewritten whole: {}", JobRunner.oneLine(unreadable));
      return whole(JobRunner.oneLine(unreadable));
    }
  }

  @Override
  public void close() {
    persisted.forEach(Dataset::unpersist);
  }

  /** One incremental scope's reads. */
  private static final class Builder {
    private final JobContext ctx;
    private final SparkSession spark;
    private final GoldState.Previous previous;
    private final Map<String, String> silver;
    private final Map<String, Long> versions;
    private final LocalDate asOf;
    private final List<Dataset<Row>> persisted = new ArrayList<>();

    Builder(JobContext ctx, GoldState.Previous previous, Map<String, String> silver, Map<String, Long> versions,
        LocalDate asOf) {
      this.ctx = ctx;
      this.spark = ctx.spark();
      this.previous = previous;
      this.silver = silver;
      this.versions = versions;
      this.asOf = asOf;
    }

    /** Whether the fact is as the previous recorded run left it (maintenance aside). */
    boolean fresh(TableContract fact) {
      String table = ctx.catalog().gold(fact.name());
      Long recorded = previous.versions().get(table);
      if (recorded == null) {
        Progress.info("metrics: {} rewritten whole: the previous run recorded no version of it", fact.name());
        return false;
      }
      long written = io.delta.tables.DeltaTable.forName(spark, table).history()
          .where(col("version").gt(recorded).and(not(col("operation").isin(MAINTENANCE.toArray()))))
          .count();
      if (written > 0) {
        Progress.info("metrics: {} rewritten whole: written {} time(s) since the previous recorded run", fact.name(),
            written);
      }
      return written == 0;
    }

    Part orders() {
      Dataset<Row> lines = table("orders");
      Dataset<Row> touched = changes("orders", lines, "order_id", "customer_id")
          .unionByName(lines.where(entering(col("order_ts"))).select("order_id", "customer_id"));
      // Every order of a touched customer: order_seq and the repurchase flags number them.
      Dataset<Row> ofCustomers = lines.join(touched.where(col("customer_id").isNotNull()).select("customer_id"),
          new String[] {"customer_id"}, "left_semi").select("order_id");
      return materialise(ofCustomers.unionByName(touched.select("order_id")).distinct());
    }

    Part renewals() {
      Dataset<Row> renewals = table("renewals");
      Column entering = col("due_date").gt(lit(java.sql.Date.valueOf(previous.asOf())))
          .and(col("due_date").leq(lit(java.sql.Date.valueOf(asOf))))
          .or(col("decided_date").gt(lit(java.sql.Date.valueOf(previous.asOf())))
              .and(col("decided_date").leq(lit(java.sql.Date.valueOf(asOf)))));
      // A subscription's plan, billing period and MRR are copied onto its renewals.
      Dataset<Row> subscriptions = changes("subscriptions", table("subscriptions"), "subscription_id");
      return materialise(changes("renewals", renewals, "renewal_id")
          .unionByName(renewals.where(entering).select("renewal_id"))
          .unionByName(renewals.join(subscriptions, new String[] {"subscription_id"}, "left_semi").select("renewal_id"))
          .distinct());
    }

    Part interactions() {
      Dataset<Row> interactions = table("interactions");
      return materialise(changes("interactions", interactions, "interaction_id")
          .unionByName(interactions.where(entering(col("opened_ts")).or(entering(col("first_response_ts")))
              .or(entering(col("resolved_ts")))).select("interaction_id"))
          .distinct());
    }

    Part responses() {
      Dataset<Row> responses = table("survey_responses");
      return materialise(changes("survey_responses", responses, "response_id")
          .unionByName(responses.where(entering(col("responded_ts"))).select("response_id"))
          .distinct());
    }

    /** The ratings of the touched responses and the changed ratings: those stored now, and those in silver. */
    Part ratings(Part responses) {
      Dataset<Row> ratings = table("survey_ratings");
      Dataset<Row> ofResponses = responses.keys().unionByName(changes("survey_ratings", ratings, "response_id")).distinct();
      // Pinned to the version now: Delta recaches a cached plan over the table when the MERGE commits.
      String fact = ctx.catalog().gold(GoldContracts.FACT_SURVEY_RATING.name());
      Dataset<Row> stored = GoldState.atVersion(spark, fact, io.cxlake.core.TableVersions.latest(spark, fact))
          .join(ofResponses, new String[] {"response_id"}, "left_semi").select("response_id", "attribute");
      return materialise(ratings.join(ofResponses, new String[] {"response_id"}, "left_semi")
          .select("response_id", "attribute").unionByName(stored).distinct());
    }

    private Dataset<Row> table(String entity) {
      return spark.table(silver.get(entity));
    }

    /** The columns of the rows of an entity that changed since the previous run (none when unchanged). */
    private Dataset<Row> changes(String entity, Dataset<Row> rows, String... columns) {
      String table = silver.get(entity);
      Long before = previous.versions().get(table);
      long now = versions.get(table);
      if (before != null && before == now) {
        return rows.select(java.util.Arrays.stream(columns).map(c -> col(c)).toArray(Column[]::new)).limit(0);
      }
      if (before == null) {
        throw new IllegalStateException(table + " was not processed by the previous run");
      }
      return GoldState.changes(spark, table, before, now).select(columns[0],
          java.util.Arrays.copyOfRange(columns, 1, columns.length));
    }

    /** Timestamps after the previous as-of day, up to the end of this one. */
    private Column entering(Column ts) {
      return ts.geq(lit(Timestamp.valueOf(previous.asOf().plusDays(1).atStartOfDay()))).and(Facts.upTo(ts, asOf));
    }

    private Part materialise(Dataset<Row> keys) {
      Dataset<Row> kept = keys.persist(StorageLevel.MEMORY_AND_DISK());
      persisted.add(kept);
      // reads the change feed now: a feed that does not cover the versions fails here
      return new Part(kept, kept.count());
    }
  }
}
