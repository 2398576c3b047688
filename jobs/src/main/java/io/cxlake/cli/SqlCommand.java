package io.cxlake.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "sql", mixinStandardHelpOptions = true,
    description = "Runs a SQL query against the catalog and prints the result.")
class SqlCommand implements Callable<Integer> {
  @ParentCommand
  Main global;

  @Parameters(index = "0", paramLabel = "QUERY", description = "The SQL statement.")
  String query;

  @Option(names = "--format", defaultValue = "table", description = "table | csv | json (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--max-rows", defaultValue = "1000", description = "Print at most this many rows (default: ${DEFAULT-VALUE}).")
  int maxRows;

  @Override
  public Integer call() throws Exception {
    checkFormat(format);
    try (Session s = new Session(global)) {
      Dataset<Row> result;
      try {
        result = s.spark.sql(query);
      } catch (RuntimeException e) {
        // AnalysisException and parse errors: a one-line cause, not a stack trace.
        throw new io.cxlake.core.CxlakeException("query failed: " + e.getMessage().split("\n")[0], 1, e);
      }
      print(result, format, maxRows);
      return 0;
    }
  }

  /** --format of the commands that print rows. */
  static void checkFormat(String format) {
    if (!List.of("table", "csv", "json").contains(format)) {
      throw new IllegalArgumentException("--format must be table, csv or json, was '" + format + "'");
    }
  }

  static void print(Dataset<Row> result, String format, int maxRows) throws Exception {
    String[] cols = result.columns();
    List<Row> rows = result.limit(maxRows).collectAsList();
    switch (format) {
      case "csv" -> {
        System.out.println(String.join(",", cols));
        for (Row r : rows) {
          StringBuilder sb = new StringBuilder();
          for (int i = 0; i < cols.length; i++) {
            if (i > 0) {
              sb.append(',');
            }
            Object v = r.get(i);
            String text = v == null ? "" : String.valueOf(v);
            sb.append(text.contains(",") || text.contains("\"") || text.contains("\n")
                ? "\"" + text.replace("\"", "\"\"") + "\"" : text);
          }
          System.out.println(sb);
        }
      }
      case "json" -> {
        ObjectMapper json = new ObjectMapper();
        for (String line : result.limit(maxRows).toJSON().collectAsList()) {
          System.out.println(json.readTree(line).toString());
        }
      }
      default -> result.show(maxRows, 60, false);
    }
  }
}
