package io.cxlake.cli;

import io.cxlake.core.Catalog;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "tables", mixinStandardHelpOptions = true,
    description = "Lists the tables of the bronze, silver, gold and ops databases: name, row count, comment.")
class TablesCommand implements Callable<Integer> {
  @ParentCommand
  Main global;

  @Override
  public Integer call() {
    try (Session s = Session.reading(global)) {
      print(s.spark, s.ctx.catalog(), System.out);
      return 0;
    }
  }

  private static String comment(SparkSession spark, String table) {
    try {
      return spark.catalog().getTable(table).description();
    } catch (org.apache.spark.sql.AnalysisException e) {
      return "";
    }
  }

  static void print(SparkSession spark, Catalog catalog, PrintStream out) {
    out.printf("%-36s %12s  %s%n", "table", "rows", "comment");
    for (String db : List.of(catalog.names().bronzeDb(), catalog.names().silverDb(), catalog.names().goldDb(),
        catalog.names().opsDb())) {
      if (!spark.catalog().databaseExists(db)) {
        continue;
      }
      List<Row> tables = spark.sql("SHOW TABLES IN " + db).where("NOT isTemporary").select("tableName").collectAsList();
      for (Row t : tables.stream().sorted((a, b) -> a.getString(0).compareTo(b.getString(0))).toList()) {
        String name = db + "." + t.getString(0);
        // Row counts from the Delta log (numRecords of the current files) would need stats;
        // a count(*) per table is one small job each and exact.
        long rows = spark.table(name).count();
        String comment = comment(spark, name);
        out.printf("%-36s %12d  %s%n", name, rows, comment == null ? "" : comment);
      }
    }
  }
}
