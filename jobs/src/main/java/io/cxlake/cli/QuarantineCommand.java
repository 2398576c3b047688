package io.cxlake.cli;

import static org.apache.spark.sql.functions.*;

import io.cxlake.core.Catalog;
import io.cxlake.core.Entities;
import io.cxlake.core.EntitySpec;
import io.cxlake.core.HadoopFiles;
import io.cxlake.core.OpsTables;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "quarantine", mixinStandardHelpOptions = true,
    description = {"Rows curate rejected: counts by entity, reason and landing file, how many of them have their key "
        + "in silver now, and sample rows as landed.",
        "To fix rows: correct them at the source, land the corrected file (a new file, or the same file changed), "
            + "then run ingest and curate. The fixed rows go to silver; the quarantine keeps its history."})
class QuarantineCommand implements Callable<Integer> {
  @ParentCommand
  Main global;

  @Option(names = "--entity", description = "Only this entity (e.g. orders).")
  String entity;

  @Option(names = "--reason", description = "Only this reason code (e.g. bad_type).")
  String reason;

  @Option(names = "--samples", defaultValue = "3",
      description = "Sample rows per entity and reason, latest first (default: ${DEFAULT-VALUE}; 0 = none).")
  int samples;

  @Option(names = "--max-groups", defaultValue = "50",
      description = "Print at most this many entity/reason/file lines (default: ${DEFAULT-VALUE}).")
  int maxGroups;

  @Override
  public Integer call() {
    if (entity != null && !Entities.exists(entity)) {
      System.err.println("quarantine: unknown entity '" + entity + "' (known: " + String.join(", ", Entities.names()) + ")");
      return 2;
    }
    try (Session s = Session.reading(global)) {
      print(s.spark, s.ctx.catalog(), entity, reason, samples, maxGroups, System.out);
      return 0;
    }
  }

  /** The quarantine rows, filtered, each with whether its key is in its entity's silver table now. */
  static Dataset<Row> rows(SparkSession spark, Catalog catalog, String entity, String reason) {
    Dataset<Row> q = spark.table(catalog.ops(OpsTables.QUARANTINE));
    if (entity != null) {
      q = q.where(col("entity").equalTo(entity));
    }
    if (reason != null) {
      q = q.where(col("reason").equalTo(reason));
    }
    Dataset<Row> keys = null;
    for (EntitySpec e : Entities.ALL) {
      String silver = catalog.silver(e.silverTable());
      if ((entity != null && !entity.equals(e.name())) || !spark.catalog().tableExists(silver)) {
        continue;
      }
      // The same key string curate writes into record_key.
      Column recordKey = concat_ws("|", e.key().stream().map(k -> coalesce(col(k).cast("string"), lit(""))).toArray(Column[]::new));
      Dataset<Row> k = spark.table(silver).select(lit(e.name()).as("entity"), recordKey.as("record_key"), lit(true).as("in_silver"));
      keys = keys == null ? k : keys.unionByName(k);
    }
    return keys == null ? q.withColumn("in_silver", lit(false))
        : q.join(keys, new String[] {"entity", "record_key"}, "left").withColumn("in_silver", coalesce(col("in_silver"), lit(false)));
  }

  /** One row per entity, reason and landing file. */
  static Dataset<Row> summary(Dataset<Row> rows) {
    return rows.groupBy("entity", "reason", "source_file")
        .agg(count(lit(1)).as("rows"), sum(when(col("in_silver"), 1).otherwise(0)).as("key_in_silver"),
            min("quarantined_at").as("first_quarantined"), max("quarantined_at").as("last_quarantined"))
        .orderBy(col("rows").desc(), col("entity"), col("reason"), col("source_file"));
  }

  /** The latest {@code n} rows of each entity and reason. */
  static Dataset<Row> samples(Dataset<Row> rows, int n) {
    return rows.withColumn("_n", row_number().over(Window.partitionBy("entity", "reason")
            .orderBy(col("quarantined_at").desc(), col("record_key"))))
        .where(col("_n").leq(n))
        .orderBy("entity", "reason", "_n")
        .select("entity", "reason", "record_key", "detail", "source_file", "raw_record", "in_silver");
  }

  static void print(SparkSession spark, Catalog catalog, String entity, String reason, int samples, int maxGroups,
      PrintStream out) {
    // Read by the totals, the summary and the samples: the join with silver's keys runs once.
    Dataset<Row> rows = rows(spark, catalog, entity, reason).persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    try {
      Row totals = rows.agg(count(lit(1)), sum(when(col("in_silver"), 1).otherwise(0))).first();
      long total = totals.getLong(0);
      out.printf("Quarantine (%s)%s: %d rows, %d with their key in silver now%n", catalog.ops(OpsTables.QUARANTINE),
          filterText(entity, reason), total, totals.isNullAt(1) ? 0 : totals.getLong(1));
      if (total == 0) {
        return;
      }
      Dataset<Row> summary = summary(rows);
      List<Row> groups = summary.limit(maxGroups + 1).collectAsList();
      out.printf("%-18s %-18s %8s %13s  %-19s  %-19s  %s%n", "entity", "reason", "rows", "key in silver",
          "first quarantined", "last quarantined", "source file");
      for (Row g : groups.subList(0, Math.min(maxGroups, groups.size()))) {
        out.printf("%-18s %-18s %8d %13d  %-19s  %-19s  %s%n", g.getString(0), g.getString(1), g.getLong(3), g.getLong(4),
            timestamp(g.get(5)), timestamp(g.get(6)), g.isNullAt(2) ? "" : HadoopFiles.display(g.getString(2)));
      }
      if (groups.size() > maxGroups) {
        out.printf("... %d more lines: --entity, --reason or --max-groups N%n", summary.count() - maxGroups);
      }
      if (samples > 0) {
        out.printf("%nSamples (latest %d per entity and reason; raw_record is the row as landed):%n", samples);
        List<String> seen = new ArrayList<>();
        for (Row r : samples(rows, samples).limit(samples * Math.max(1, maxGroups)).collectAsList()) {
          String group = r.getString(0) + " / " + r.getString(1);
          if (!seen.contains(group)) {
            seen.add(group);
            out.println(group);
          }
          out.printf("  key %s%s  %s%s%n    %s%n", r.isNullAt(2) || r.getString(2).isEmpty() ? "(none)" : r.getString(2),
              r.getBoolean(6) ? " (in silver now)" : "", r.isNullAt(3) ? "" : r.getString(3),
              r.isNullAt(4) ? "" : "  from " + HadoopFiles.display(r.getString(4)), abbreviate(r.getString(5), 160));
        }
      }
      out.println();
      out.println("To fix rows: correct them at the source, land the corrected file (a new file, or the same file "
          + "changed), then run ingest and curate; the quarantine keeps its history.");
    } finally {
      rows.unpersist();
    }
  }

  private static String filterText(String entity, String reason) {
    List<String> f = new ArrayList<>();
    if (entity != null) {
      f.add("entity " + entity);
    }
    if (reason != null) {
      f.add("reason " + reason);
    }
    return f.isEmpty() ? "" : " for " + String.join(", ", f);
  }

  private static String timestamp(Object ts) {
    String s = String.valueOf(ts);
    return s.length() > 19 ? s.substring(0, 19) : s;
  }

  private static String abbreviate(String s, int max) {
    return s == null || s.length() <= max ? String.valueOf(s) : s.substring(0, max - 3) + "...";
  }
}
