package io.cxlake.metrics;

import io.cxlake.platform.CacheScope;
import static org.apache.spark.sql.functions.*;

import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * kpi_heart (SPEC §7.5), per period and digital feature:
 * <ul>
 *   <li>Happiness: mean CSAT and NPS of the responses the feature's users gave in the period</li>
 *   <li>Engagement: the feature's events per feature user, and the median length (minutes,
 *       first to last event) of the sessions that used the feature, in the period the session
 *       started</li>
 *   <li>Adoption: users using the feature for the first time ever / active users of the period</li>
 *   <li>Retention: users of the feature in the previous period who use it again / users of the
 *       previous period</li>
 *   <li>Task success: task_success / (task_success + task_fail), and the median seconds of
 *       successful tasks</li>
 * </ul>
 * Active users are customers with any digital event in the period. Feature events are the
 * events whose type is feature_use, task_start, task_success or task_fail.
 */
public final class HeartKpis {
  private HeartKpis() {}

  static final List<String> FEATURE_EVENTS = List.of("feature_use", "task_start", "task_success", "task_fail");

  /**
   * Digital events up to the as-of date, by source customer id (HEART only outputs aggregates,
   * so no key needs hashing). {@link #build} caches the part it rolls up.
   */
  public static Dataset<Row> events(Dataset<Row> digitalEvents, LocalDate asOf) {
    return digitalEvents.where(Facts.upTo(col("event_ts"), asOf))
        .select(col("customer_id").as("customer_key"), col("session_id"), col("event_ts"),
            to_date(col("event_ts")).as("event_date"), col("feature"), col("event_type"), col("duration_ms"));
  }

  /**
   * @param ev        {@link #events} output
   * @param responses survey responses with customer_id, response_date, nps, csat
   */
  public static Dataset<Row> build(Dataset<Row> ev, Dataset<Row> responses, LocalDate asOf,
      List<String> periodTypes, PeriodSet periods) {
    return build(ev, responses, asOf, periodTypes, periods, CacheScope.none());
  }

  /**
   * As above; {@code cache} keeps the events read and the daily and per-user roll-ups that several
   * figures read. When only some periods are recomputed, only the events from the start of the
   * period before the earliest of them are rolled up (retention compares with the previous
   * period); two narrow passes over the older events keep the figures exact: each user's first
   * use of a feature (adoption), and which sessions began before (a session counts in the
   * period of its first event).
   */
  public static Dataset<Row> build(Dataset<Row> allEvents, Dataset<Row> responses, LocalDate asOf,
      List<String> periodTypes, PeriodSet periods, CacheScope cache) {
    LocalDate from = periods == null ? null : periods.firstDayWithPrevious();
    Column older = from == null ? lit(false) : col("event_date").lt(lit(java.sql.Date.valueOf(from)));
    Dataset<Row> ev = cache.keep(from == null ? allEvents : allEvents.where(not(older)));
    Dataset<Row> factResponse = responses.withColumnRenamed("customer_id", "customer_key");
    Dataset<Row> feat = ev.where(col("event_type").isin(FEATURE_EVENTS.toArray()));
    String[] pk = {"period_type", "period_start"};
    String[] key = {"period_type", "period_start", "feature"};

    // Daily pre-aggregate per customer, day and feature: every period figure below is a
    // roll-up of it instead of another pass over exploded raw events.
    Dataset<Row> daily = cache.keep(Cols.group(feat, "customer_key", "event_date", "feature").agg(
        count(lit(1)).as("events"),
        sum(when(col("event_type").equalTo("task_success"), 1L).otherwise(0L)).as("successes"),
        sum(when(col("event_type").equalTo("task_fail"), 1L).otherwise(0L)).as("failures")));
    Dataset<Row> users = cache.keep(Cols.group(Periods.explodePeriods(daily, col("event_date"), periodTypes),
            "period_type", "period_start", "feature", "customer_key")
        .agg(sum("events").as("events"), sum("successes").as("successes"), sum("failures").as("failures")));
    Dataset<Row> periodUsers = filter(users, periods);
    Dataset<Row> usage = Cols.group(periodUsers, key).agg(
        count(lit(1)).as("feature_users"), sum("events").as("feature_events"),
        sum("successes").as("task_successes"), sum("failures").as("task_failures"));
    Dataset<Row> taskTime = Cols.group(filter(Periods.explodePeriods(
            feat.where(col("event_type").equalTo("task_success")).select("feature", "event_date", "duration_ms"),
            col("event_date"), periodTypes), periods), key)
        // Exact median of values rounded to 0.1 s: the same answer to the precision shown, and
        // Spark's percentile keeps a count per distinct value, so few distinct values are cheap.
        .agg(expr("percentile(round(duration_ms / 1000.0, 1), 0.5)").as("median_task_seconds"));

    Dataset<Row> activeDays = ev.select("customer_key", "event_date").distinct();
    Dataset<Row> activeUsers = cache.keep(Cols.group(filter(Periods.explodePeriods(activeDays, col("event_date"), periodTypes),
        periods), pk).agg(countDistinct("customer_key").as("active_users")));

    // Session length over all of the session's events; a session counts for each feature it used.
    // One pass over the events per session: its length and the features it used; the session
    // counts in the period of its first event.
    Dataset<Row> sessions = (from == null ? ev : ev.join(allEvents.where(older).select("session_id"),
        new String[] {"session_id"}, "left_anti")).groupBy("session_id").agg(
        round((unix_seconds(max("event_ts")).minus(unix_seconds(min("event_ts")))).divide(60.0), 1).as("session_minutes"),
        min("event_date").as("session_date"),
        collect_set(when(col("event_type").isin(FEATURE_EVENTS.toArray()), col("feature"))).as("features"));
    Dataset<Row> sessionFeatures = filter(Periods.explodePeriods(
        sessions.select(col("session_minutes"), col("session_date"), explode(col("features")).as("feature")),
        col("session_date"), periodTypes), periods);
    Dataset<Row> sessionLength = Cols.group(sessionFeatures, key)
        .agg(expr("percentile(session_minutes, 0.5)").as("median_session_minutes"));

    // Adoption: first use of the feature ever, counted in the period it falls in.
    Dataset<Row> firstUse = (from == null ? daily
        : allEvents.where(col("event_type").isin(FEATURE_EVENTS.toArray())))
        .groupBy("customer_key", "feature").agg(min("event_date").as("first_use"));
    Dataset<Row> adopters = filter(Periods.explodePeriods(firstUse, col("first_use"), periodTypes), periods)
        .groupBy(Cols.cols(key)).agg(count(lit(1)).as("new_users"));

    // Retention: users of period P-1 seen again in P (month or 7-day week steps), from each
    // user's previous period of use (a window per user and feature, no self-join).
    Column prevStart = when(col("period_type").equalTo("month"), add_months(col("period_start"), -1))
        .otherwise(date_sub(col("period_start"), 7));
    Dataset<Row> retained = Cols.group(filter(users.withColumn("_last", lag(col("period_start"), 1).over(
            org.apache.spark.sql.expressions.Window.partitionBy("customer_key", "feature", "period_type").orderBy("period_start")))
        .where(col("_last").equalTo(prevStart)), periods), key).agg(count(lit(1)).as("retained_users"));
    Column next = when(col("period_type").equalTo("month"), add_months(col("period_start"), 1))
        .otherwise(date_add(col("period_start"), 7));
    Dataset<Row> previous = filter(Cols.group(users, key).agg(count(lit(1)).as("previous_users"))
        .select(col("period_type"), next.as("period_start"), col("feature"), col("previous_users")), periods);
    Dataset<Row> retention = previous.join(retained, key, "left");

    // Happiness: responses of the feature's users in the same period.
    Dataset<Row> resp = Periods.explodePeriods(factResponse.select("customer_key", "response_date", "nps", "csat"),
        col("response_date"), periodTypes);
    Dataset<Row> happiness = periodUsers.select("customer_key", "period_type", "period_start", "feature")
        .join(resp, new String[] {"customer_key", "period_type", "period_start"})
        .groupBy(Cols.cols(key)).agg(count(lit(1)).as("happiness_responses"), avg("csat").as("_csat"),
            avg(when(col("nps").geq(9), 100.0).when(col("nps").leq(6), -100.0).when(col("nps").isNotNull(), 0.0)).as("_nps"));

    Dataset<Row> all = usage.join(activeUsers, pk, "left")
        .join(taskTime, key, "left")
        .join(sessionLength, key, "left")
        .join(adopters, key, "left")
        .join(retention, key, "full")
        .join(happiness, key, "left");
    // A retention row for a period where nobody used the feature still needs the period's active users.
    all = all.drop("active_users").join(activeUsers, pk, "left");
    if (periods != null) {
      all = all.where(periods.predicate());
    }
    all = all.where(col("period_start").leq(lit(java.sql.Date.valueOf(asOf))));
    Dataset<Row> out = all.select(col("period_type"), col("period_start"),
        Periods.end(col("period_type"), col("period_start")).as("period_end"), col("feature"),
        coalesce(col("active_users"), lit(0L)).as("active_users"),
        coalesce(col("feature_users"), lit(0L)).as("feature_users"),
        coalesce(col("feature_events"), lit(0L)).as("feature_events"),
        col("happiness_responses"), round(col("_csat"), 4).as("happiness_csat_mean"), round(col("_nps"), 4).as("happiness_nps"),
        when(col("feature_users").gt(0), round(col("feature_events").divide(col("feature_users")), 4)).as("events_per_user"),
        round(col("median_session_minutes"), 4).as("median_session_minutes"),
        coalesce(col("new_users"), lit(0L)).as("new_users"),
        OperationsKpis.pct(coalesce(col("new_users"), lit(0L)), col("active_users")).as("adoption_pct"),
        coalesce(col("previous_users"), lit(0L)).as("previous_users"),
        coalesce(col("retained_users"), lit(0L)).as("retained_users"),
        OperationsKpis.pct(col("retained_users"), col("previous_users")).as("retention_pct"),
        coalesce(col("task_successes"), lit(0L)).as("task_successes"),
        coalesce(col("task_failures"), lit(0L)).as("task_failures"),
        OperationsKpis.pct(col("task_successes"), col("task_successes").plus(col("task_failures"))).as("task_success_pct"),
        round(col("median_task_seconds"), 4).as("median_task_seconds"));
    return out;
  }

  private static Dataset<Row> filter(Dataset<Row> rows, PeriodSet periods) {
    return periods == null ? rows : rows.where(periods.predicate());
  }
}
