package io.cxlake.metrics;

import static org.apache.spark.sql.functions.*;

import io.cxlake.contract.GoldWriter;
import io.cxlake.contract.TableContract;
import io.cxlake.core.CxlakeConfig;
import io.cxlake.core.CxlakeException;
import io.cxlake.core.Entities;
import io.cxlake.core.EntitySpec;
import io.cxlake.core.FileStats;
import io.cxlake.core.JobContext;
import io.cxlake.core.JobRunner;
import io.cxlake.core.Progress;
import io.cxlake.core.Stage;
import io.cxlake.core.StageResult;
import io.cxlake.core.TableColumns;
import io.cxlake.core.TableRef;
import io.cxlake.platform.CacheScope;
import io.cxlake.platform.GoldState;
import io.cxlake.platform.Pseudonym;
import io.cxlake.platform.StageModule;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Silver → gold marts: dimensions, facts, customer_360, kpi_experience, kpi_operations and
 * kpi_heart, all through the {@link GoldWriter}. Incremental: only when silver changed since
 * the last run (or the as-of date moved) is anything written; the facts merge only the rows of
 * changed silver rows and of timestamps on the new days ({@link FactScope}), the dimensions are
 * rewritten whole (small), customer_360 gains the as-of date's snapshot, and the KPI tables are
 * rewritten only in the periods the changed rows touch, and those of customers whose sliced
 * attributes changed (REPLACE WHERE); --full-refresh rebuilds everything.
 */
public final class MetricsStage implements Stage {
  public static final String NAME = "metrics";


  /** Silver entities the stage reads and the day columns of a changed row. */
  private static final Map<String, List<String>> DAY_COLUMNS = new LinkedHashMap<>();

  static {
    DAY_COLUMNS.put("customers", List.of());
    DAY_COLUMNS.put("subscriptions", List.of());
    DAY_COLUMNS.put("renewals", List.of("due_date", "decided_date"));
    DAY_COLUMNS.put("orders", List.of("order_ts"));
    DAY_COLUMNS.put("interactions", List.of("opened_ts"));
    DAY_COLUMNS.put("survey_responses", List.of("responded_ts"));
    DAY_COLUMNS.put("survey_ratings", List.of("responded_ts"));
    DAY_COLUMNS.put("digital_events", List.of("event_ts"));
  }

  /** The entities whose latest day (of their timestamp in DAY_COLUMNS) is the default as-of date. */
  private static final List<String> AS_OF_ENTITIES = List.of("orders", "survey_responses", "interactions", "digital_events");

  private static final List<TableContract> FACTS = List.of(GoldContracts.FACT_ORDER, GoldContracts.FACT_RENEWAL,
      GoldContracts.FACT_INTERACTION, GoldContracts.FACT_SURVEY_RESPONSE, GoldContracts.FACT_SURVEY_RATING);

  /** customer_key and the dim_customer attributes KPIs can be sliced by. */
  static final List<String> CUSTOMER_ATTRIBUTES =
      List.of("customer_key", "region", "country", "acquisition_channel", "plan", "lifecycle_stage");

  /** Silver to the gold marts. */
  public static final StageModule MODULE = StageModule.define(NAME,
          "Silver -> gold marts: dimensions, facts, customer_360, kpi_experience, kpi_operations, kpi_heart "
              + "(only the periods new data touches; --full-refresh rebuilds).")
      .config(MetricsConfig.SECTION)
      .requires(TableRef.silver(Entities.CUSTOMERS.silverTable()))
      .optional(DAY_COLUMNS.keySet().stream().filter(e -> !e.equals("customers"))
          .map(e -> TableRef.silver(Entities.byName(e).silverTable())).toArray(TableRef[]::new))
      .writes(GoldContracts.all().toArray(TableContract[]::new))
      .build(registry -> new MetricsStage(registry.contract(GoldContracts.CUSTOMER_360.name())));

  /** customer_360 with the columns other stages contribute (left empty here, set by the enrichment step). */
  private final TableContract customer360;

  public MetricsStage(TableContract customer360) {
    this.customer360 = customer360;
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * What to rebuild: null period sets mean "all periods". {@code fromFeed}: the silver tables
   * whose changes were read from their change data feed.
   */
  record Plan(boolean anything, String reason, PeriodSet experience, PeriodSet operations, PeriodSet heart,
      Set<String> fromFeed, GoldState.Previous previous, Long dimCustomerVersion) {
    Plan(boolean anything, String reason, PeriodSet experience, PeriodSet operations, PeriodSet heart) {
      this(anything, reason, experience, operations, heart, Set.of(), null, null);
    }

    /** This plan with kpi_experience and kpi_operations recomputed in every period. */
    Plan everyExperienceAndOperationsPeriod() {
      return new Plan(true, reason, null, null, heart, fromFeed, previous, dimCustomerVersion);
    }
  }

  @Override
  public StageResult run(JobContext ctx) {
    SparkSession spark = ctx.spark();
    MetricsConfig m = ctx.config().get(MetricsConfig.SECTION);
    Map<String, String> silver = new LinkedHashMap<>();
    for (String entity : DAY_COLUMNS.keySet()) {
      String table = ctx.catalog().silver(Entities.byName(entity).silverTable());
      if (!spark.catalog().tableExists(table)) {
        throw new CxlakeException("silver table " + table + " is missing: run ingest and curate first");
      }
      silver.put(entity, table);
    }
    LocalDate asOf = ctx.asOf() != null ? ctx.asOf() : latestDate(spark, silver);
    if (asOf == null) {
      throw new CxlakeException("silver holds no dated rows: nothing to compute (run ingest and curate first)");
    }
    Map<String, Long> versions = GoldState.currentVersions(spark, new ArrayList<>(silver.values()));
    Plan plan = plan(ctx, silver, versions, asOf);
    if (!plan.anything()) {
      Progress.info("gold is up to date for as-of {} ({})", asOf, plan.reason());
      return new StageResult(0, 0, Map.of("tables_written", 0L), List.of());
    }
    Progress.info("metrics for as-of {}: {}", asOf, plan.reason());

    byte[] secret = io.cxlake.platform.PseudonymSecret.of(ctx);
    GoldWriter writer = new GoldWriter(ctx);
    Dataset<Row> customers = spark.table(silver.get("customers"));
    Dataset<Row> subscriptions = spark.table(silver.get("subscriptions"));
    Dataset<Row> digital = spark.table(silver.get("digital_events"));
    try {
      // The days of the fact rows this run changed (before and after): the KPI periods they fall in are recomputed.
      Map<TableContract, List<LocalDate>> changedDays = new LinkedHashMap<>();
      try (FactScope scope = FactScope.of(ctx, plan.previous(), plan.experience() != null, silver, versions, asOf)) {
        writeFact(ctx, writer, changedDays, GoldContracts.FACT_ORDER, scope.orders,
            Facts.orders(scope.orders.of(spark.table(silver.get("orders"))), asOf, secret, m.repurchaseWindowDays()));
        writeFact(ctx, writer, changedDays, GoldContracts.FACT_RENEWAL, scope.renewals,
            Facts.renewals(scope.renewals.of(spark.table(silver.get("renewals"))), subscriptions, asOf, secret));
        writeFact(ctx, writer, changedDays, GoldContracts.FACT_INTERACTION, scope.interactions,
            Facts.interactions(scope.interactions.of(spark.table(silver.get("interactions"))), asOf, secret));
        writeFact(ctx, writer, changedDays, GoldContracts.FACT_SURVEY_RESPONSE, scope.responses,
            Facts.surveyResponses(scope.responses.of(spark.table(silver.get("survey_responses"))), asOf, secret));
        writeFact(ctx, writer, changedDays, GoldContracts.FACT_SURVEY_RATING, scope.ratings,
            Facts.surveyRatings(scope.ratings.of(spark.table(silver.get("survey_ratings"))),
                gold(ctx, GoldContracts.FACT_SURVEY_RESPONSE)));
      }
      plan = touchFactChanges(plan, changedDays, asOf, m.churnInactivityDays());
      // The versions this run leaves are the ones the next run checks its facts against.
      versions.putAll(GoldState.currentVersions(spark, FACTS.stream().map(c -> ctx.catalog().gold(c.name())).toList()));
      Dataset<Row> factResponse = gold(ctx, GoldContracts.FACT_SURVEY_RESPONSE);
      Dataset<Row> factOrder = gold(ctx, GoldContracts.FACT_ORDER);
      Dataset<Row> factRenewal = gold(ctx, GoldContracts.FACT_RENEWAL);
      Dataset<Row> factInteraction = gold(ctx, GoldContracts.FACT_INTERACTION);
      Dataset<Row> factRating = gold(ctx, GoldContracts.FACT_SURVEY_RATING);

      Dataset<Row> c360 = Customer360.build(new Customer360.Inputs(customers, subscriptions, factOrder, factRenewal,
          factInteraction, factResponse, factRating, digital, secret), asOf, m);
      // Contributed columns start empty; the run's enrichment step sets them (platform.Customer360Enrichment).
      for (TableContract.Column c : customer360.columns()) {
        if (!TableColumns.has(c360, c.name())) {
          c360 = c360.withColumn(c.name(), lit(null).cast(c.sqlType()));
        }
      }
      writer.replace(customer360, c360, "snapshot_date = DATE'" + asOf + "'");
      Dataset<Row> snapshot = gold(ctx, GoldContracts.CUSTOMER_360).where(col("snapshot_date").equalTo(lit(java.sql.Date.valueOf(asOf))));
      writer.overwrite(GoldContracts.DIM_CUSTOMER, Customer360.dimension(snapshot));
      // The version this run leaves is the one the next run compares its dim_customer with.
      String dimCustomer = ctx.catalog().gold(GoldContracts.DIM_CUSTOMER.name());
      versions.putAll(GoldState.currentVersions(spark, List.of(dimCustomer)));
      List<String> slices = slices(ctx, m);
      Plan kpis = plan.experience() == null ? plan
          : touchAttributeChanges(ctx, plan, dimCustomer, slices, asOf, m.churnInactivityDays());
      LocalDate firstDay = firstDate(spark, silver, asOf);
      writer.overwrite(GoldContracts.DIM_DATE, Facts.dates(spark, firstDay, asOf));
      writer.overwrite(GoldContracts.DIM_TOUCHPOINT, Facts.touchpoints(factResponse, factInteraction));

      Dataset<Row> attrs = gold(ctx, GoldContracts.DIM_CUSTOMER)
          .selectExpr(CUSTOMER_ATTRIBUTES.toArray(String[]::new));

      Dataset<Row> responses = ExperienceKpis.responsesWithRater(factResponse, factRating)
          .join(attrs, new String[] {"customer_key"}, "left");
      Dataset<Row> experience = ExperienceKpis.build(responses, m.periodTypes(), slices, kpis.experience(), m.minResponses());
      writeKpi(ctx, writer, GoldContracts.KPI_EXPERIENCE, experience, kpis.experience(), asOf);

      Dataset<Row> keyedSubscriptions = subscriptions.select(Pseudonym.customerKey(col("customer_id"), secret).as("customer_key"),
          col("subscription_id"), col("start_date"), col("end_date"));
      try (CacheScope cache = CacheScope.open()) {
        Dataset<Row> operations = OperationsKpis.build(new OperationsKpis.Inputs(factOrder, factRenewal, factInteraction,
                keyedSubscriptions, attrs), asOf, m.periodTypes(), slices, kpis.operations(), m.churnBasis(),
            m.churnInactivityDays(), cache);
        writeKpi(ctx, writer, GoldContracts.KPI_OPERATIONS, operations, kpis.operations(), asOf);
      }

      try (CacheScope cache = CacheScope.open()) {
        Dataset<Row> events = HeartKpis.events(digital, asOf); // HeartKpis caches the part it rolls up
        Dataset<Row> responsesById = spark.table(silver.get("survey_responses"))
            .where(Facts.upTo(col("responded_ts"), asOf))
            .select(col("customer_id"), to_date(col("responded_ts")).as("response_date"), col("nps"), col("csat"));
        Dataset<Row> heart = HeartKpis.build(events, responsesById, asOf, m.periodTypes(), kpis.heart(), cache);
        writeKpi(ctx, writer, GoldContracts.KPI_HEART, heart, kpis.heart(), asOf);
      }
    } finally {
      writer.flush();
    }
    if (writer.problems().isEmpty()) {
      GoldState.record(ctx, NAME, versions, asOf);
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("tables_written", (long) writer.tablesWritten());
    counts.put("silver_changes_from_feed", (long) plan.fromFeed().size());
    return new StageResult(0, writer.rowsWritten(), counts, writer.problems());
  }

  /** The day column by which the KPI tables count a fact's rows. */
  private static final Map<TableContract, String> FACT_DAYS = Map.of(GoldContracts.FACT_ORDER, "order_date",
      GoldContracts.FACT_RENEWAL, "decided_date", GoldContracts.FACT_INTERACTION, "opened_date",
      GoldContracts.FACT_SURVEY_RESPONSE, "response_date", GoldContracts.FACT_SURVEY_RATING, "response_date");

  /**
   * Writes a fact: rewritten whole (its changed days: null), its recomputed rows merged (the
   * days of the rows the merge changed, as they were and as they are), or left as it is when no
   * key was touched (no day).
   */
  private static void writeFact(JobContext ctx, GoldWriter writer, Map<TableContract, List<LocalDate>> changedDays,
      TableContract contract, FactScope.Part part, Dataset<Row> rows) {
    if (part.whole()) {
      writer.overwrite(contract, rows);
      changedDays.put(contract, null);
    } else if (part.none()) {
      Progress.info("{}: no row to recompute since the previous run: left as it is", contract.name());
      changedDays.put(contract, List.of());
    } else {
      changedDays.put(contract, part.changedDays(ctx.spark(), ctx.catalog().gold(contract.name()),
          FACT_DAYS.get(contract), () -> writer.merge(contract, rows, part.keys())));
    }
  }

  /**
   * The KPI periods of the fact rows this run changed. A fact row can change its period's KPIs
   * far from the days of the change: a renewal due on the new day but decided months ago, a
   * contact opened last week and resolved today. When a fact was rewritten whole, kpi_experience
   * and kpi_operations are recomputed in every period (kpi_heart reads silver, not the facts).
   */
  static Plan touchFactChanges(Plan plan, Map<TableContract, List<LocalDate>> changedDays, LocalDate asOf,
      int inactivityDays) {
    if (plan.experience() == null) {
      return plan;
    }
    if (changedDays.containsValue(null)) {
      return plan.everyExperienceAndOperationsPeriod();
    }
    changedDays.forEach((fact, days) -> {
      for (LocalDate d : days) {
        if (fact == GoldContracts.FACT_ORDER) {
          plan.operations().touch(d, inactivityDays, asOf);
        } else if (fact == GoldContracts.FACT_RENEWAL || fact == GoldContracts.FACT_INTERACTION) {
          plan.operations().touch(d, 0, asOf);
        } else {
          plan.experience().touch(d, 0, asOf);
        }
      }
    });
    return plan;
  }

  private static void writeKpi(JobContext ctx, GoldWriter writer, TableContract contract, Dataset<Row> rows,
      PeriodSet periods, LocalDate asOf) {
    Column complete = col("period_end").leq(lit(java.sql.Date.valueOf(asOf.plusDays(1))));
    Dataset<Row> out = rows.where(col("period_start").leq(lit(java.sql.Date.valueOf(asOf))))
        .withColumn("is_complete", complete).withColumn("run_id", lit(ctx.runId()));
    if (periods == null) {
      writer.overwrite(contract, out);
    } else if (!periods.isEmpty()) {
      writer.replace(contract, out, periods.sql());
    }
  }

  private static Dataset<Row> gold(JobContext ctx, TableContract contract) {
    return ctx.spark().table(ctx.catalog().gold(contract.name()));
  }

  /** Configured slices; segment only once a segmentation table provides it. */
  private static List<String> slices(JobContext ctx, MetricsConfig m) {
    List<String> s = new ArrayList<>(m.slices());
    if (s.remove("segment")) {
      Progress.warn("metrics.slices: segment is skipped until the segmentation stage has written its table");
    }
    return s;
  }

  /** The change plan: compare silver now with the versions the last run processed. */
  Plan plan(JobContext ctx, Map<String, String> silver, Map<String, Long> versions, LocalDate asOf) {
    if (ctx.fullRefresh()) {
      return new Plan(true, "full refresh", null, null, null);
    }
    for (TableContract c : GoldContracts.all()) {
      if (!ctx.spark().catalog().tableExists(ctx.catalog().gold(c.name()))) {
        return new Plan(true, "first run (" + c.name() + " missing)", null, null, null);
      }
    }
    GoldState.Previous prev = GoldState.previous(ctx, NAME);
    if (prev == null) {
      return new Plan(true, "no previous state", null, null, null);
    }
    Long dimCustomerVersion = prev.versions().get(ctx.catalog().gold(GoldContracts.DIM_CUSTOMER.name()));
    if (dimCustomerVersion == null) {
      return new Plan(true, "the previous run recorded no version of dim_customer (an older cxlake)", null, null, null);
    }
    MetricsConfig m = ctx.config().get(MetricsConfig.SECTION);
    List<String> types = m.periodTypes();
    PeriodSet experience = new PeriodSet(types);
    PeriodSet operations = new PeriodSet(types);
    PeriodSet heart = new PeriodSet(types);
    List<String> reasons = new ArrayList<>();
    Set<String> fromFeed = new java.util.TreeSet<>();
    LocalDate horizon = asOf.isAfter(prev.asOf()) ? asOf : prev.asOf();
    int forever = 100_000;
    if (!asOf.equals(prev.asOf())) {
      LocalDate from = asOf.isBefore(prev.asOf()) ? asOf : prev.asOf();
      for (LocalDate d = from; !d.isAfter(horizon); d = d.plusDays(1)) {
        experience.touch(d, 0, horizon);
        operations.touch(d, 0, horizon);
      }
      heart.touch(from, forever, horizon);
      reasons.add("as-of moved from " + prev.asOf() + " to " + asOf);
    }
    for (Map.Entry<String, String> e : silver.entrySet()) {
      String entity = e.getKey();
      String table = e.getValue();
      Long before = prev.versions().get(table);
      if (before != null && before.equals(versions.get(table))) {
        continue;
      }
      if (before == null) {
        return new Plan(true, table + " not seen before", null, null, null);
      }
      List<String> dayCols = DAY_COLUMNS.get(entity);
      if (dayCols.isEmpty()) {
        // Subscriptions are the churn basis's customer base: every period. Customers' changes
        // are found after dim_customer is written (touchAttributeChanges).
        if (entity.equals("subscriptions") && m.churnBasis().equals("subscription")) {
          return new Plan(true, table + " changed", null, null, null);
        }
        reasons.add(table + " changed");
        continue;
      }
      List<LocalDate> days;
      try {
        days = changedDays(ctx, entity, table, before, versions.get(table), fromFeed);
      } catch (RuntimeException ex) {
        // e.g. the old version was vacuumed away: fall back to a rebuild.
        return new Plan(true, "cannot compare " + table + " with version " + before + " (" + ex.getMessage().split("\n")[0]
            + ")", null, null, null);
      }
      reasons.add(table + ": " + days.size() + " changed day(s)");
      for (LocalDate d : days) {
        if (d.isAfter(horizon)) {
          continue;
        }
        switch (entity) {
          case "orders" -> operations.touch(d, m.churnInactivityDays(), horizon);
          case "renewals", "interactions" -> operations.touch(d, 0, horizon);
          case "survey_responses", "survey_ratings" -> {
            experience.touch(d, 0, horizon);
            heart.touch(d, 0, horizon);
          }
          case "digital_events" -> heart.touch(d, forever, horizon);
          default -> throw new IllegalStateException(entity);
        }
      }
    }
    if (reasons.isEmpty()) {
      return new Plan(false, "silver unchanged since run of as-of " + prev.asOf(), experience, operations, heart);
    }
    return new Plan(true, String.join("; ", reasons) + " → periods: experience " + experience + ", operations "
        + operations + ", heart " + heart + (fromFeed.isEmpty() ? "" : "; changes read from the change feed of " + fromFeed),
        experience, operations, heart, fromFeed, prev, dimCustomerVersion);
  }

  /**
   * A customer's attributes slice every period of their activity, and renewals and contacts
   * count only for customers in dim_customer: the customers who entered or left dim_customer,
   * or whose sliced attribute changed (an update, or a lifecycle stage moved by the as-of
   * date), touch the periods of their orders (and churn_inactivity_days on), renewals and
   * contacts in kpi_operations, and of their responses in kpi_experience. kpi_heart does not
   * read customer attributes. dim_customer is compared with the version the last recorded run
   * left (not the one before this run's write: a run killed after writing it recorded nothing),
   * in one aggregation to the distinct days. When that version cannot be read (vacuumed), both
   * tables are recomputed in every period.
   */
  static Plan touchAttributeChanges(JobContext ctx, Plan plan, String dimCustomer, List<String> slices, LocalDate asOf,
      int inactivityDays) {
    List<String> compared = CUSTOMER_ATTRIBUTES.stream().filter(c -> c.equals("customer_key") || slices.contains(c)).toList();
    Column[] cols = compared.stream().map(c -> col(c)).toArray(Column[]::new);
    List<Row> days;
    try {
      Dataset<Row> before = GoldState.atVersion(ctx.spark(), dimCustomer, plan.dimCustomerVersion()).select(cols);
      Dataset<Row> after = ctx.spark().table(dimCustomer).select(cols);
      Dataset<Row> changed = before.except(after).union(after.except(before)).select("customer_key").distinct();
      days = activityDays(ctx, "fact_order", "order_date", "orders", changed)
          .union(activityDays(ctx, "fact_renewal", "decided_date", "renewals", changed))
          .union(activityDays(ctx, "fact_interaction", "opened_date", "interactions", changed))
          .union(activityDays(ctx, "fact_survey_response", "response_date", "responses", changed))
          .distinct().collectAsList(); // at most four rows per day of history
    } catch (Exception unreadable) { // Delta's analysis exceptions are checked in Java terms
      Progress.info("metrics: cannot compare {} with its version {} ({}): kpi_experience and kpi_operations are "
          + "recomputed in every period", dimCustomer, plan.dimCustomerVersion(), JobRunner.oneLine(unreadable));
      return plan.everyExperienceAndOperationsPeriod();
    }
    for (Row r : days) {
      LocalDate d = r.getDate(1).toLocalDate();
      switch (r.getString(0)) {
        case "orders" -> plan.operations().touch(d, inactivityDays, asOf);
        case "responses" -> plan.experience().touch(d, 0, asOf);
        default -> plan.operations().touch(d, 0, asOf);
      }
    }
    if (!days.isEmpty()) {
      Progress.info("metrics: customers entered, left or changed a sliced attribute ({}): their activity on {} day(s) "
          + "→ periods: experience {}, operations {}", String.join(", ", compared.subList(1, compared.size())),
          days.stream().map(r -> r.getDate(1)).distinct().count(), plan.experience(), plan.operations());
    }
    return plan;
  }

  private static Dataset<Row> activityDays(JobContext ctx, String fact, String day, String kind, Dataset<Row> customers) {
    return ctx.spark().table(ctx.catalog().gold(fact)).join(customers, new String[] {"customer_key"}, "left_semi")
        .where(col(day).isNotNull()).select(lit(kind).as("kind"), col(day).as("d"));
  }

  /**
   * The days of the rows of a silver table that changed since version {@code before}: from its
   * change data feed (reads only the changes), or by comparing the two versions when the feed
   * does not cover them (a table from before the feed was turned on, or vacuumed). The tables
   * read from the feed are added to {@code fromFeed}.
   */
  private static List<LocalDate> changedDays(JobContext ctx, String entity, String table, long before, long now,
      Set<String> fromFeed) {
    SparkSession spark = ctx.spark();
    EntitySpec spec = Entities.byName(entity);
    UnaryOperator<Dataset<Row>> dated = rows -> rows;
    if (entity.equals("survey_ratings")) {
      // Ratings carry no date: take their response's.
      Dataset<Row> responses = spark.table(ctx.catalog().silver(Entities.SURVEY_RESPONSES.silverTable()))
          .select("response_id", "responded_ts");
      dated = rows -> rows.join(responses, new String[] {"response_id"}, "left");
    }
    List<Column> days = new ArrayList<>();
    for (String c : DAY_COLUMNS.get(entity)) {
      days.add(col(c));
    }
    try {
      List<LocalDate> changed = GoldState.days(dated.apply(GoldState.changes(spark, table, before, now)), days);
      fromFeed.add(table);
      return changed;
    } catch (Exception noFeed) { // Delta's analysis exceptions are checked in Java terms
      Progress.info("metrics: {} compared with its version {} (no change feed over versions {}..{}: {})", table, before,
          before + 1, now, JobRunner.oneLine(noFeed));
      return GoldState.changedDays(spec.key(), dated.apply(spark.table(table)),
          dated.apply(GoldState.atVersion(spark, table, before)), days);
    }
  }

  /**
   * The latest day with an order, response, contact or digital event: from the silver files'
   * statistics where they tell (a read of each table's log instead of a scan of its rows).
   */
  static LocalDate latestDate(SparkSession spark, Map<String, String> silver) {
    Map<String, String> timestamps = new LinkedHashMap<>();
    AS_OF_ENTITIES.forEach(e -> timestamps.put(silver.get(e), DAY_COLUMNS.get(e).get(0)));
    return FileStats.latestDayOrScan(spark, timestamps);
  }

  private static LocalDate firstDate(SparkSession spark, Map<String, String> silver, LocalDate asOf) {
    Row r = spark.table(silver.get("customers")).agg(min("signup_date")).first();
    LocalDate first = r.isNullAt(0) ? asOf : r.getDate(0).toLocalDate();
    return first.isAfter(asOf) ? asOf : first;
  }
}
