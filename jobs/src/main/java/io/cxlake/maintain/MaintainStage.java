package io.cxlake.maintain;

import io.cxlake.core.CatalogConfig;
import io.cxlake.contract.TableContract;
import io.cxlake.core.ConfigLoader;
import io.cxlake.core.CxlakeConfig;
import io.cxlake.core.JobContext;
import io.cxlake.core.Progress;
import io.cxlake.core.Stage;
import io.cxlake.core.StageResult;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Table maintenance: OPTIMIZE every Delta table of the configured layers (small files of
 * incremental runs compacted; gold tables Z-ordered by the columns their contracts name, the
 * ones BI filters by), then VACUUM files no version of the retention window needs.
 * Idempotent: a second run finds nothing to compact and nothing to delete.
 */
public final class MaintainStage implements Stage {
  private final List<TableContract> goldContracts;
  private final PrintStream out;

  /** @param goldContracts the contracts of the gold tables (their Z-order columns) */
  public MaintainStage(List<TableContract> goldContracts, PrintStream out) {
    this.goldContracts = goldContracts;
    this.out = out;
  }

  @Override
  public String name() {
    return "maintain";
  }

  /** What maintenance did to one table. */
  public record TableResult(String table, List<String> zorderBy, long filesRemoved, long filesAdded, long filesVacuumed) {}

  @Override
  public StageResult run(JobContext ctx) {
    SparkSession spark = ctx.spark();
    MaintenanceConfig m = ctx.config().get(MaintenanceConfig.SECTION);
    Map<String, List<String>> zorder = zorderColumns(goldContracts, ctx.catalog().names().goldDb(), m.zorder());
    // Delta refuses a retention below its floor unless the check is off; the configuration
    // already demanded allow_short_retention for that. Only this stage runs with it off.
    String check = "spark.databricks.delta.retentionDurationCheck.enabled";
    // VACUUM lists a table's folders with this many tasks; Spark's default (10,000) costs a
    // minute per small table on two cores. The shuffle partitions size it to the cluster.
    String listing = "spark.sql.sources.parallelPartitionDiscovery.parallelism";
    Map<String, String> before = new LinkedHashMap<>();
    before.put(check, spark.conf().get(check, "true"));
    before.put(listing, spark.conf().get(listing, "10000"));
    spark.conf().set(check, String.valueOf(m.vacuumRetentionHours() >= 168));
    spark.conf().set(listing, spark.conf().get("spark.sql.shuffle.partitions"));
    List<TableResult> results = new ArrayList<>();
    try {
      for (String table : tables(spark, ctx.catalog().names(), m.layers())) {
        results.add(maintain(spark, table, zorder.getOrDefault(table, List.of()), m.vacuumRetentionHours()));
      }
    } finally {
      before.forEach(spark.conf()::set);
    }
    print(results, m.vacuumRetentionHours());
    long removed = results.stream().mapToLong(TableResult::filesRemoved).sum();
    long vacuumed = results.stream().mapToLong(TableResult::filesVacuumed).sum();
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("tables", (long) results.size());
    counts.put("files_compacted", removed);
    counts.put("files_added", results.stream().mapToLong(TableResult::filesAdded).sum());
    counts.put("files_vacuumed", vacuumed);
    return new StageResult(results.size(), removed + vacuumed, counts, List.of());
  }

  /**
   * Z-order columns per gold table: the contract's, without partition columns (a partition
   * already clusters by them, and Delta refuses them).
   */
  static Map<String, List<String>> zorderColumns(List<TableContract> contracts, String goldDb, boolean enabled) {
    Map<String, List<String>> z = new LinkedHashMap<>();
    if (!enabled) {
      return z;
    }
    for (TableContract c : contracts) {
      List<String> cols = c.zorderBy().stream().filter(col -> !c.partitionBy().contains(col)).toList();
      if (!cols.isEmpty()) {
        z.put(goldDb + "." + c.name(), cols);
      }
    }
    return z;
  }

  /** The Delta tables of the configured layers that exist, as db.table. */
  static List<String> tables(SparkSession spark, CatalogConfig names, List<String> layers) {
    List<String> tables = new ArrayList<>();
    for (String layer : MaintenanceConfig.LAYERS) {
      if (!layers.contains(layer)) {
        continue;
      }
      String db = switch (layer) {
        case "bronze" -> names.bronzeDb();
        case "silver" -> names.silverDb();
        case "gold" -> names.goldDb();
        default -> names.opsDb();
      };
      if (!spark.catalog().databaseExists(db)) {
        continue;
      }
      for (Row r : spark.sql("SHOW TABLES IN " + db).where("NOT isTemporary").select("tableName")
          .orderBy("tableName").collectAsList()) {
        String t = db + "." + r.getString(0);
        if ("delta".equalsIgnoreCase(spark.sql("DESCRIBE DETAIL " + t).first().<String>getAs("format"))) {
          tables.add(t);
        }
      }
    }
    return tables;
  }

  private static TableResult maintain(SparkSession spark, String table, List<String> zorderBy, int retentionHours) {
    Progress.info("maintain {}{}", table, zorderBy.isEmpty() ? "" : " (z-order " + String.join(", ", zorderBy) + ")");
    long removed = 0;
    long added = 0;
    // Z-ORDER rewrites every file each time it runs; with no write since the last OPTIMIZE
    // there is nothing to gain, so a re-run does nothing.
    if (writtenSinceOptimize(spark, table)) {
      String optimize = "OPTIMIZE " + table + (zorderBy.isEmpty() ? "" : " ZORDER BY (" + String.join(", ", zorderBy) + ")");
      Row metrics = spark.sql(optimize).first().getStruct(1);
      removed = metrics.<Long>getAs("numFilesRemoved");
      added = metrics.<Long>getAs("numFilesAdded");
    }
    // DRY RUN lists what VACUUM would delete: the count the operator sees, then the real run.
    long vacuumable = spark.sql("VACUUM " + table + " RETAIN " + retentionHours + " HOURS DRY RUN").count();
    if (vacuumable > 0) {
      spark.sql("VACUUM " + table + " RETAIN " + retentionHours + " HOURS");
    }
    return new TableResult(table, zorderBy, removed, added, vacuumable);
  }

  /** False when the latest operation other than VACUUM is an OPTIMIZE. */
  static boolean writtenSinceOptimize(SparkSession spark, String table) {
    Row latest = spark.sql("DESCRIBE HISTORY " + table + " LIMIT 20").where("operation NOT LIKE 'VACUUM%'")
        .orderBy(org.apache.spark.sql.functions.col("version").desc()).select("operation").first();
    return !"OPTIMIZE".equals(latest.getString(0));
  }

  private void print(List<TableResult> results, int retentionHours) {
    out.printf("%-40s %9s %9s %9s  %s%n", "table", "compacted", "written", "vacuumed", "z-order");
    for (TableResult r : results) {
      out.printf("%-40s %9d %9d %9d  %s%n", r.table(), r.filesRemoved(), r.filesAdded(), r.filesVacuumed(),
          String.join(", ", r.zorderBy()));
    }
    out.printf("%d tables; files compacted %d, vacuumed %d (retention %d hours)%n", results.size(),
        results.stream().mapToLong(TableResult::filesRemoved).sum(),
        results.stream().mapToLong(TableResult::filesVacuumed).sum(), retentionHours);
  }
}
