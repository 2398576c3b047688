package io.cxlake.platform;

import io.cxlake.core.DeltaRetry;
import io.cxlake.core.HaltPoints;
import static org.apache.spark.sql.functions.*;

import io.cxlake.contract.ContractTables;
import io.cxlake.contract.TableContract;
import io.cxlake.core.JobContext;
import io.cxlake.core.Progress;
import io.cxlake.core.Stage;
import io.cxlake.core.StageResult;
import io.cxlake.core.TableRef;
import io.delta.tables.DeltaTable;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The one customer_360 enrichment of a run: the columns stages contribute ({@link CustomerColumn})
 * are set on the snapshot of the as-of date from their tables' rows of that date, in one
 * MERGE of the snapshot with its left join to those tables: snapshot rows a table has no row for
 * get null, and so do the columns of a table that does not exist yet. The metrics stage writes a snapshot with these columns empty; the
 * registry runs this step after any stage that writes customer_360 or a contributing table.
 */
public final class Customer360Enrichment implements Stage {
  public static final String NAME = "enrich";
  /** The customer-level table that stages enrich. */
  public static final String TARGET = "customer_360";

  private final TableContract contract;
  private final List<CustomerColumn> columns;

  Customer360Enrichment(TableContract contract, List<CustomerColumn> columns) {
    this.contract = contract;
    this.columns = List.copyOf(columns);
  }

  /** The step's declaration: it needs customer_360 and reads every contributing table. */
  static StageModule module(List<CustomerColumn> columns) {
    List<TableRef> sources = columns.stream().map(c -> TableRef.gold(c.source())).distinct().toList();
    return StageModule.define(NAME, "Sets the customer_360 columns other stages contribute (" + String.join(", ",
            columns.stream().map(CustomerColumn::name).toList()) + ") on the as-of snapshot, in one MERGE.")
        .requires(TableRef.gold(TARGET))
        .optional(sources.toArray(TableRef[]::new))
        .build(registry -> new Customer360Enrichment(registry.contract(TARGET), registry.customerColumns()));
  }

  /** customer_360's contract: the metrics stage's columns, then the contributed ones with their checks. */
  static TableContract contract(TableContract base, List<CustomerColumn> columns) {
    TableContract.Builder b = base.toBuilder();
    for (CustomerColumn c : columns) {
      b = c.checks().apply(b.column(c.name(), c.sqlType(), c.description()));
    }
    return b.build();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(JobContext ctx) {
    LocalDate asOf = AsOf.resolve(ctx);
    String target = ctx.catalog().gold(TARGET);
    ContractTables.ensure(ctx.spark(), target, contract, false);
    Dataset<Row> src = AsOf.snapshot(ctx, asOf).select("customer_key");
    Map<String, String> set = new LinkedHashMap<>();
    for (String table : columns.stream().map(CustomerColumn::source).distinct().toList()) {
      List<CustomerColumn> cols = columns.stream().filter(c -> c.source().equals(table)).toList();
      String name = ctx.catalog().gold(table);
      if (ctx.spark().catalog().tableExists(name)) {
        List<Column> select = new ArrayList<>();
        select.add(col("customer_key"));
        cols.forEach(c -> select.add(col(c.sourceColumn()).as(c.name())));
        Dataset<Row> rows = ctx.spark().table(name).where(col("as_of_date").equalTo(lit(Date.valueOf(asOf))))
            .select(select.toArray(Column[]::new));
        src = src.join(rows, new String[] {"customer_key"}, "left");
      } else {
        Progress.info("customer_360: {} does not exist yet; its columns stay empty", name);
        for (CustomerColumn c : cols) {
          src = src.withColumn(c.name(), lit(null).cast(c.sqlType()));
        }
      }
      cols.forEach(c -> set.put(c.name(), "s." + c.name()));
    }
    String day = "DATE'" + asOf + "'";
    // Several stages' enrichments and a maintenance job may write customer_360: retried on conflict.
    Dataset<Row> source = src;
    HaltPoints.beforeCommit("gold." + TARGET + "#enrich");
    DeltaRetry.write(target, () -> DeltaTable.forName(ctx.spark(), target).as("t")
        .merge(source.as("s"), "t.snapshot_date = " + day + " AND t.customer_key = s.customer_key")
        .whenMatched().updateExpr(set)
        .execute());
    return new StageResult(0, 0, Map.of(), List.of());
  }
}
