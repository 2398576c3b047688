package io.cxlake.curate;

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
import io.cxlake.core.Stage;
import io.cxlake.core.StageResult;
import io.cxlake.ingest.BronzeTables;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
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
 * --full-refresh), entity by entity in dependency order so foreign keys can be checked.
 * Writes, per entity: quarantine rows (replacing any earlier rows of the same batches, so a
 * re-run after a crash heals), a MERGE into silver, and the reconciliation row per batch in
 * cx_ops.curate_batch last — that row marks the batch done.
 */
public final class CurateStage implements Stage {

  /** Bronze to silver. */
  public static final StageModule MODULE = StageModule.define("curate",
          "Bronze -> silver: typed, validated, deduplicated, upserted; bad rows to cx_ops.quarantine.")
      .config(CurateConfig.SECTION)
      .optional(Entities.ALL.stream().map(e -> TableRef.bronze(e.name())).toArray(TableRef[]::new))
      .writes(Entities.ALL.stream().map(e -> TableRef.silver(e.silverTable())).toArray(TableRef[]::new))
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
    Map<String, Long> counts = new LinkedHashMap<>();
    long rowsIn = 0;
    long rowsOut = 0;
    for (EntitySpec e : Entities.ALL) {
      if (!spark.catalog().tableExists(catalog.bronze(e.name()))) {
        // Nothing landed for this entity: an empty silver table, so later stages see "no rows", not "missing".
        SilverTables.ensure(spark, catalog, e);
        continue;
      }
      EntityCounts c = curateEntity(spark, catalog, e, ctx.runId(), ctx.fullRefresh(), futureLimit);
      rowsIn += c.bronze;
      rowsOut += c.accepted + c.quarantined;
      counts.put(e.name() + ".accepted", c.accepted);
      counts.put(e.name() + ".quarantined", c.quarantined);
      counts.put(e.name() + ".exact_duplicates", c.exactDuplicates);
    }
    return new StageResult(rowsIn, rowsOut, counts, List.of());
  }

  private record EntityCounts(long bronze, long accepted, long quarantined, long exactDuplicates) {}

  private EntityCounts curateEntity(SparkSession spark, Catalog catalog, EntitySpec e, String runId,
      boolean fullRefresh, Timestamp futureLimit) {
    String bronze = catalog.bronze(e.name());
    String silver = catalog.silver(e.silverTable());
    String quarantine = catalog.ops(OpsTables.QUARANTINE);
    String ledger = catalog.ops(OpsTables.CURATE_BATCH);
    SilverTables.ensure(spark, catalog, e);
    BronzeTables.ensure(spark, catalog, e);
    if (fullRefresh) {
      spark.sql("DELETE FROM " + silver);
      spark.sql("DELETE FROM " + quarantine + " WHERE entity = '" + e.name() + "'");
      spark.sql("DELETE FROM " + ledger + " WHERE entity = '" + e.name() + "'");
    }
    List<String> all = spark.table(bronze).select("_batch_id").distinct().as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    List<String> done = spark.table(ledger).where(col("entity").equalTo(e.name())).select("batch_id")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    List<String> pending = all.stream().filter(b -> !done.contains(b)).sorted().toList();
    if (pending.isEmpty()) {
      Progress.info("  {}: nothing new to curate", e.name());
      return new EntityCounts(0, 0, 0, 0);
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
    try {
      String batchList = pending.stream().map(b -> "'" + b + "'").collect(Collectors.joining(","));
      spark.sql("DELETE FROM " + quarantine + " WHERE entity = '" + e.name() + "' AND batch_id IN (" + batchList + ")");
      Column recordKey = concat_ws("|", e.key().stream().map(k -> coalesce(col(k).cast("string"), lit(""))).toArray(Column[]::new));
      classified.where(col("_disposition").equalTo(Classification.QUARANTINED))
          .select(lit(e.name()).as("entity"), recordKey.as("record_key"), element_at(col("_reasons"), 1).as("reason"),
              col("_reasons").as("reason_codes"), col("_detail").as("detail"), col("_raw").as("raw_record"),
              col("_source_file").as("source_file"), col("_batch_id").as("batch_id"), lit(runId).as("run_id"),
              current_timestamp().as("quarantined_at"))
          .write().format("delta").mode("append").saveAsTable(quarantine);

      List<Column> silverCols = new ArrayList<>();
      e.columns().forEach(c -> silverCols.add(col(c.name())));
      silverCols.add(col("_row_hash"));
      silverCols.add(col("_batch_id"));
      silverCols.add(col("_source_file"));
      String view = "_cxlake_upsert_" + e.name();
      classified.where(col("_latest")).select(silverCols.toArray(Column[]::new)).createOrReplaceTempView(view);
      String on = e.key().stream().map(k -> "t." + k + " = s." + k).collect(Collectors.joining(" AND "));
      spark.sql("MERGE INTO " + silver + " t USING " + view + " s ON " + on
          + " WHEN MATCHED AND t._row_hash <> s._row_hash THEN UPDATE SET *"
          + " WHEN NOT MATCHED THEN INSERT *");
      spark.catalog().dropTempView(view);

      Map<String, Map<String, Long>> perBatch = new TreeMap<>();
      for (Row r : classified.groupBy("_batch_id", "_disposition").count().collectAsList()) {
        perBatch.computeIfAbsent(r.getString(0), k -> new HashMap<>()).put(r.getString(1), r.getLong(2));
      }
      Map<String, Long> bronzeCounts = new HashMap<>();
      for (Row r : rows.groupBy("_batch_id").count().collectAsList()) {
        bronzeCounts.put(r.getString(0), r.getLong(1));
      }
      List<Row> ledgerRows = new ArrayList<>();
      long acc = 0;
      long quar = 0;
      long dup = 0;
      long total = 0;
      Timestamp now = Timestamp.from(Instant.now());
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
        ledgerRows.add(org.apache.spark.sql.RowFactory.create(e.name(), b, br, a, q, x, runId, now));
        acc += a;
        quar += q;
        dup += x;
        total += br;
      }
      spark.sql("DELETE FROM " + ledger + " WHERE entity = '" + e.name() + "' AND batch_id IN (" + batchList + ")");
      spark.createDataFrame(ledgerRows, spark.table(ledger).schema()).write().format("delta").mode("append").saveAsTable(ledger);
      Progress.info("  {}: {} bronze rows -> {} accepted, {} quarantined, {} exact duplicates", e.name(), total, acc, quar, dup);
      return new EntityCounts(total, acc, quar, dup);
    } finally {
      classified.unpersist();
    }
  }
}
