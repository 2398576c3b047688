package io.cxlake.curate;

import io.cxlake.core.DeltaRetry;
import io.cxlake.platform.Parallel;
import io.cxlake.core.TableRef;
import io.cxlake.platform.StageModule;
import static org.apache.spark.sql.functions.*;

import io.cxlake.core.Catalog;
import io.cxlake.core.ColumnSpec;
import io.cxlake.core.CxlakeException;
import io.cxlake.core.Entities;
import io.cxlake.core.EntitySpec;
import io.cxlake.core.JobContext;
import io.cxlake.core.OpsTables;
import io.cxlake.core.Progress;
import io.cxlake.core.TableVersions;
import io.cxlake.core.Stage;
import io.cxlake.core.StageResult;
import io.cxlake.ingest.BronzeTables;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Bronze to silver (SPEC §6.3) for the batches not curated yet (all of them with
 * --full-refresh), entity by entity in dependency order so foreign keys can be checked: a
 * MERGE into silver per entity (an append into an empty one); then, for all entities at once, the quarantine rows (replacing
 * any earlier rows of the same batches, so a re-run after a crash heals) and last the
 * reconciliation row per batch in cx_ops.curate_batch — those rows mark the batches done.
 * Two ops commits per run, not four per entity.
 */
public final class CurateStage implements Stage {

  /** Bronze to silver. */
  public static final StageModule MODULE = StageModule.define("curate",
          "Bronze -> silver: typed, validated, deduplicated, upserted; bad rows to cx_ops.quarantine.")
      .config(CurateConfig.SECTION)
      .optional(Entities.ALL.stream().map(e -> TableRef.bronze(e.name())).toArray(TableRef[]::new))
      .writes(java.util.stream.Stream.concat(Entities.ALL.stream().map(e -> TableRef.silver(e.silverTable())),
          java.util.stream.Stream.of(TableRef.silver(CustomerKeys.TABLE))).toArray(TableRef[]::new))
      .build(registry -> new CurateStage());

  @Override
  public String name() {
    return "curate";
  }

  @Override
  public StageResult run(JobContext ctx) {
    SparkSession spark = ctx.spark();
    Catalog catalog = ctx.catalog();
    Timestamp futureLimit = Timestamp.from(Instant.now().plus(ctx.config().get(CurateConfig.SECTION).futureToleranceHours(), ChronoUnit.HOURS));
    String ledger = catalog.ops(OpsTables.CURATE_BATCH);
    if (ctx.fullRefresh()) {
      spark.sql("DELETE FROM " + catalog.ops(OpsTables.QUARANTINE));
      spark.sql("DELETE FROM " + ledger);
    }
    // Batches already curated, for every entity in one query (one row per entity and batch).
    Map<String, Set<String>> done = new HashMap<>();
    for (Row r : spark.table(ledger).select("entity", "batch_id").collectAsList()) {
      done.computeIfAbsent(r.getString(0), k -> new HashSet<>()).add(r.getString(1));
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    // Filled from several threads; read once every wave is done.
    List<Curated> curated = java.util.Collections.synchronizedList(new ArrayList<>());
    long rowsIn = 0;
    long rowsOut = 0;
    try {
      // An entity's foreign keys are checked against the silver tables it references, so those
      // are curated in an earlier wave; within a wave, entities run side by side.
      for (List<EntitySpec> wave : Entities.waves()) {
        Parallel.map(wave, e -> {
          if (!spark.catalog().tableExists(catalog.bronze(e.name()))) {
            // Nothing landed for this entity: an empty silver table, so later stages see "no rows", not "missing".
            SilverTables.ensure(spark, catalog, e);
            return null;
          }
          Curated c = curateEntity(spark, catalog, e, ctx.runId(), ctx.fullRefresh(),
              done.getOrDefault(e.name(), Set.of()), futureLimit);
          if (c != null) {
            curated.add(c);
          }
          return null;
        });
      }
      curated.sort(java.util.Comparator.comparing(c -> Entities.ALL.indexOf(c.entity)));
      for (Curated c : curated) {
        rowsIn += c.counts.bronze;
        rowsOut += c.counts.accepted + c.counts.quarantined;
        counts.put(c.entity.name() + ".accepted", c.counts.accepted);
        counts.put(c.entity.name() + ".quarantined", c.counts.quarantined);
        counts.put(c.entity.name() + ".exact_duplicates", c.counts.exactDuplicates);
      }
      // Keys follow the customers: rewritten when they changed, when the map is missing (a new
      // warehouse, or after the secret was rotated and the table dropped) and on --full-refresh.
      if (ctx.fullRefresh() || curated.stream().anyMatch(c -> c.entity == Entities.CUSTOMERS)
          || !spark.catalog().tableExists(catalog.silver(CustomerKeys.TABLE))) {
        CustomerKeys.write(spark, catalog, io.cxlake.platform.PseudonymSecret.of(ctx));
      }
      writeOpsRows(spark, catalog, curated, ctx.runId());
    } finally {
      curated.forEach(c -> c.quarantine.unpersist());
    }
    return new StageResult(rowsIn, rowsOut, counts, List.of());
  }

  private record EntityCounts(long bronze, long accepted, long quarantined, long exactDuplicates) {}

  /** What curating one entity's pending batches leaves for the stage's ops writes. */
  private record Curated(EntitySpec entity, List<String> batches, EntityCounts counts, Dataset<Row> quarantine,
      List<Long[]> perBatch) {}

  /**
   * The quarantine rows and the reconciliation rows of every entity curated, each table in one
   * commit that replaces the rows of the same batches (a re-run after a crash heals), the ledger
   * last: its rows mark the batches done.
   */
  private static void writeOpsRows(SparkSession spark, Catalog catalog, List<Curated> curated, String runId) {
    if (curated.isEmpty()) {
      return;
    }
    String batches = curated.stream().map(c -> "(entity = '" + c.entity.name() + "' AND batch_id IN ("
        + c.batches.stream().map(b -> "'" + b + "'").collect(Collectors.joining(",")) + "))")
        .collect(Collectors.joining(" OR "));
    Dataset<Row> quarantine = curated.stream().map(Curated::quarantine).reduce(Dataset::union).orElseThrow();
    // writeTo(...).overwrite(condition) is Delta's replaceWhere through the table API: unlike
    // saveAsTable it does not try to rewrite the metastore's schema (which Hive refuses, noisily,
    // for a partitioned table).
    replaceWhere(quarantine, catalog.ops(OpsTables.QUARANTINE), batches);
    String ledger = catalog.ops(OpsTables.CURATE_BATCH);
    Timestamp now = Timestamp.from(Instant.now());
    List<Row> ledgerRows = new ArrayList<>();
    for (Curated c : curated) {
      for (int i = 0; i < c.batches.size(); i++) {
        Long[] n = c.perBatch.get(i);
        ledgerRows.add(org.apache.spark.sql.RowFactory.create(c.entity.name(), c.batches.get(i), n[0], n[1], n[2], n[3],
            runId, now));
      }
    }
    replaceWhere(spark.createDataFrame(ledgerRows, spark.table(ledger).schema()), ledger, batches);
  }

  /** Replaces the rows of {@code table} matching {@code condition} by {@code rows}, in one commit. */
  private static void replaceWhere(Dataset<Row> rows, String table, String condition) {
    DeltaRetry.write(table, () -> {
      try {
        rows.writeTo(table).overwrite(expr(condition));
      } catch (org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
        throw new IllegalStateException(table + " is missing although the ops tables were ensured", e);
      }
    });
  }

  /** Curates the pending batches of one entity into silver; null when there are none. */
  private Curated curateEntity(SparkSession spark, Catalog catalog, EntitySpec e, String runId,
      boolean fullRefresh, Set<String> done, Timestamp futureLimit) {
    String bronze = catalog.bronze(e.name());
    String silver = catalog.silver(e.silverTable());
    SilverTables.ensure(spark, catalog, e);
    BronzeTables.ensure(spark, catalog, e);
    if (fullRefresh) {
      spark.sql("DELETE FROM " + silver);
    }
    List<String> all = spark.table(bronze).select("_batch_id").distinct().as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    List<String> pending = all.stream().filter(b -> !done.contains(b)).sorted().toList();
    if (pending.isEmpty()) {
      Progress.info("  {}: nothing new to curate", e.name());
      return null;
    }
    Dataset<Row> rows = spark.table(bronze).where(col("_batch_id").isin(pending.toArray()));
    Map<String, Dataset<Row>> refs = new HashMap<>();
    for (ColumnSpec fk : e.foreignKeys()) {
      EntitySpec target = Entities.byName(fk.references());
      String refTable = catalog.silver(target.silverTable());
      if (spark.catalog().tableExists(refTable)) {
        refs.put(fk.name(), spark.table(refTable).select(target.key().get(0)));
      }
    }
    Dataset<Row> classified = Classification.classify(Validation.validate(rows, e, futureLimit), e, refs)
        .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> quarantine = null;
    try {
      Column recordKey = concat_ws("|", e.key().stream().map(k -> coalesce(col(k).cast("string"), lit(""))).toArray(Column[]::new));
      // Kept (few rows) for the one quarantine commit of the stage; classified is released below.
      quarantine = classified.where(col("_disposition").equalTo(Classification.QUARANTINED))
          .select(lit(e.name()).as("entity"), recordKey.as("record_key"), element_at(col("_reasons"), 1).as("reason"),
              col("_reasons").as("reason_codes"), col("_detail").as("detail"), col("_raw").as("raw_record"),
              col("_source_file").as("source_file"), col("_batch_id").as("batch_id"), lit(runId).as("run_id"),
              current_timestamp().as("quarantined_at"))
          .persist(StorageLevel.MEMORY_AND_DISK());

      List<Column> silverCols = new ArrayList<>();
      e.columns().forEach(c -> silverCols.add(col(c.name())));
      silverCols.add(col("_row_hash"));
      silverCols.add(col("_batch_id"));
      silverCols.add(col("_source_file"));
      String view = "_cxlake_upsert_" + e.name();
      classified.where(col("_latest")).select(silverCols.toArray(Column[]::new)).createOrReplaceTempView(view);
      String on = e.key().stream().map(k -> "t." + k + " = s." + k).collect(Collectors.joining(" AND "));
      String names = java.util.Arrays.stream(spark.table(view).columns()).map(c -> "`" + c + "`")
          .collect(Collectors.joining(", "));
      // Silver may be compacted by a maintenance job meanwhile: the write is retried on conflict.
      // Into an empty table (the first load, or after --full-refresh emptied it) the rows are
      // appended: the MERGE would only find that no key matches, at the cost of a join.
      String upsert = fullRefresh || TableVersions.latest(spark, silver) == 0
          ? "INSERT INTO " + silver + " (" + names + ") SELECT " + names + " FROM " + view
          : "MERGE INTO " + silver + " t USING " + view + " s ON " + on
              + " WHEN MATCHED AND t._row_hash <> s._row_hash THEN UPDATE SET *"
              + " WHEN NOT MATCHED THEN INSERT *";
      DeltaRetry.write(silver, () -> spark.sql(upsert));
      spark.catalog().dropTempView(view);

      Map<String, Map<String, Long>> perBatch = new TreeMap<>();
      for (Row r : classified.groupBy("_batch_id", "_disposition").count().collectAsList()) {
        perBatch.computeIfAbsent(r.getString(0), k -> new HashMap<>()).put(r.getString(1), r.getLong(2));
      }
      Map<String, Long> bronzeCounts = new HashMap<>();
      for (Row r : rows.groupBy("_batch_id").count().collectAsList()) {
        bronzeCounts.put(r.getString(0), r.getLong(1));
      }
      List<Long[]> ledgerCounts = new ArrayList<>();
      long acc = 0;
      long quar = 0;
      long dup = 0;
      long total = 0;
      for (String b : pending) {
        Map<String, Long> m = perBatch.getOrDefault(b, Map.of());
        long a = m.getOrDefault(Classification.ACCEPTED, 0L);
        long q = m.getOrDefault(Classification.QUARANTINED, 0L);
        long x = m.getOrDefault(Classification.EXACT_DUPLICATE, 0L);
        long br = bronzeCounts.getOrDefault(b, 0L);
        if (br != a + q + x) {
          throw new CxlakeException("curate " + e.name() + ": reconciliation failed for batch " + b + ": bronze "
              + br + " != accepted " + a + " + quarantined " + q + " + exact duplicates " + x);
        }
        ledgerCounts.add(new Long[] {br, a, q, x});
        acc += a;
        quar += q;
        dup += x;
        total += br;
      }
      Dataset<Row> kept;
      if (quar > 0) {
        quarantine.count(); // materialized now, while classified is still cached
        kept = quarantine;
        quarantine = null;
      } else {
        kept = quarantine.limit(0); // planned as an empty relation: nothing is recomputed
      }
      Progress.info("  {}: {} bronze rows -> {} accepted, {} quarantined, {} exact duplicates", e.name(), total, acc, quar, dup);
      return new Curated(e, pending, new EntityCounts(total, acc, quar, dup), kept, ledgerCounts);
    } finally {
      classified.unpersist();
      if (quarantine != null) {
        quarantine.unpersist();
      }
    }
  }
}
