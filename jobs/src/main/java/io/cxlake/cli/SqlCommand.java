package io.cxlake.cli;

import io.cxlake.core.CxlakeException;
import io.cxlake.core.HadoopFiles;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
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

  @Option(names = "--format", defaultValue = "table",
      description = "table | csv | json; with --out also parquet (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--max-rows", defaultValue = "1000",
      description = "Print at most this many rows; a cut result says so on stderr (default: ${DEFAULT-VALUE}).")
  int maxRows;

  @Option(names = "--out", paramLabel = "PATH",
      description = "Write the whole result there with Spark's writer (a folder of part files; a local path or a "
          + "Hadoop URI) instead of printing it: csv (with a header), json or parquet. The folder must not exist.")
  String out;

  @Override
  public Integer call() throws Exception {
    if (out == null) {
      checkFormat(format);
    } else if (!List.of("csv", "json", "parquet").contains(format)) {
      throw new IllegalArgumentException("--out writes csv, json or parquet: give --format csv|json|parquet, was '"
          + format + "'");
    }
    try (Session s = Session.reading(global)) {
      Dataset<Row> result;
      try {
        result = s.spark.sql(query);
      } catch (Exception e) {
        // AnalysisException (checked in Java's eyes, thrown undeclared) and parse errors: one line, no stack trace.
        throw new CxlakeException("query failed: " + e.getMessage().split("\n")[0], 1, e);
      }
      if (out != null) {
        write(s.spark, result, format, out);
      } else {
        print(result, format, maxRows);
      }
      return 0;
    }
  }

  /** The whole result to files (Spark's writer, never through the driver); returns the rows written. */
  static long write(SparkSession spark, Dataset<Row> result, String format, String out) {
    String target = HadoopFiles.qualify(out);
    if (HadoopFiles.isFile(target) || HadoopFiles.isDirectory(target)) {
      throw new CxlakeException("--out " + out + " exists: remove it or choose another path");
    }
    try {
      result.write().format(format).option("header", "true").save(target);
    } catch (Exception e) {
      // e.g. an array column to CSV: the cause in one line, not a stack trace
      throw new CxlakeException("--out " + out + ": " + e.getMessage().split("\n")[0], 1, e);
    }
    long rows = spark.read().format(format).option("header", "true").load(target).count();
    System.err.printf("sql: %,d rows written to %s (%s)%n", rows, target, format);
    return rows;
  }

  /** --format of the commands that print rows. */
  static void checkFormat(String format) {
    if (!List.of("table", "csv", "json").contains(format)) {
      throw new IllegalArgumentException("--format must be table, csv or json, was '" + format + "'");
    }
  }

  /**
   * Prints at most {@code maxRows} rows. A result with more says so on stderr, with the total,
   * so that an export is never silently short.
   */
  static void print(Dataset<Row> result, String format, int maxRows) throws Exception {
    String[] cols = result.columns();
    Dataset<Row> firstRows = result.limit(maxRows + 1);
    boolean cut;
    switch (format) {
      case "csv" -> {
        List<Row> taken = firstRows.collectAsList();
        cut = taken.size() > maxRows;
        System.out.println(String.join(",", cols));
        for (Row r : taken.subList(0, Math.min(maxRows, taken.size()))) {
          StringBuilder sb = new StringBuilder();
          for (int i = 0; i < cols.length; i++) {
            if (i > 0) {
              sb.append(',');
            }
            sb.append(csvField(r.get(i)));
          }
          System.out.println(sb);
        }
      }
      case "json" -> {
        List<String> taken = firstRows.toJSON().collectAsList();
        cut = taken.size() > maxRows;
        taken.subList(0, Math.min(maxRows, taken.size())).forEach(System.out::println);
      }
      default -> {
        result.show(maxRows, 60, false);
        cut = firstRows.count() > maxRows;
      }
    }
    System.out.flush();
    if (cut) {
      System.err.printf("sql: %,d of %,d rows shown; --max-rows N or --out PATH for all%n", maxRows, result.count());
    }
  }

  /** RFC 4180: a field with a comma, quote, line feed or carriage return is quoted, quotes doubled. */
  static String csvField(Object v) {
    String text = v == null ? "" : String.valueOf(v);
    return text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")
        ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
  }
}
