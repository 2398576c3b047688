package io.cxlake.platform;

import static org.apache.spark.sql.functions.*;

import io.cxlake.core.CxlakeException;
import io.cxlake.core.HadoopFiles;
import io.cxlake.core.JobContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;

/**
 * A customer-level table the user brings (churn's own features, survival's own durations): read
 * from a CSV/Parquet/Delta path or a table, and its columns typed from their values (a string
 * column whose every non-blank value is a number is numeric; blanks are missing).
 */
public final class OwnTable {
  private OwnTable() {}

  /** Answers read as yes (1) and as no (0), case-insensitive. */
  public static final List<String> YES = List.of("1", "1.0", "yes", "y", "true", "t");
  public static final List<String> NO = List.of("0", "0.0", "no", "n", "false", "f");

  /**
   * @param format csv, parquet or delta; null: a table name, or guessed from the path
   * @param option the command-line option that named the source, for messages
   */
  public static Dataset<Row> read(JobContext ctx, String source, String format, String option) {
    String fmt = format;
    boolean isPath = source.contains("/") || source.contains("\\") || HadoopFiles.isFile(source)
        || HadoopFiles.isDirectory(source);
    if (fmt == null && !isPath) {
      if (!ctx.spark().catalog().tableExists(source)) {
        throw new CxlakeException(option + ": no table " + source + " and no such file");
      }
      return ctx.spark().table(source);
    }
    if (fmt == null) {
      String lower = source.toLowerCase(Locale.ROOT);
      fmt = lower.endsWith(".csv") ? "csv" : lower.endsWith(".parquet") ? "parquet"
          : HadoopFiles.isDirectory(HadoopFiles.qualify(source) + "/_delta_log") ? "delta" : null;
      if (fmt == null) {
        throw new CxlakeException(option + " " + source + ": cannot tell the format; add --format csv|parquet|delta");
      }
    }
    try {
      return switch (fmt) {
        case "csv" -> ctx.spark().read().option("header", "true").option("inferSchema", "false").csv(source);
        case "parquet" -> ctx.spark().read().parquet(source);
        case "delta" -> ctx.spark().read().format("delta").load(source);
        default -> throw new CxlakeException("--format must be csv, parquet or delta, was '" + fmt + "'");
      };
    } catch (CxlakeException e) {
      throw e;
    } catch (Exception e) {
      // Spark's AnalysisException (no such path, unreadable file) is checked for javac, so catch broadly.
      throw new CxlakeException(option + " " + source + ": " + io.cxlake.core.JobRunner.oneLine(e));
    }
  }

  /**
   * The typed feature columns of {@code raw} other than {@code reserved}: numbers as double
   * (blank: null), other strings with blanks as "(missing)"; safe names (f_...) mapped to the
   * original ones; columns of other types skipped. {@code extra} are aggregates computed in the
   * same pass, returned in order.
   */
  public record Features(List<Column> columns, List<String> numeric, List<String> categorical,
      Map<String, String> originalNames, List<String> skipped, List<Object> extra) {}

  public static Features features(Dataset<Row> raw, Collection<String> reserved, List<Column> extra) {
    List<Column> aggs = new ArrayList<>();
    List<String> strings = new ArrayList<>();
    List<String> numericTyped = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (StructField f : raw.schema().fields()) {
      String c = f.name();
      if (reserved.contains(c)) {
        continue;
      }
      if (f.dataType() instanceof StringType) {
        strings.add(c);
        Column v = blankToNull(col(quote(c)));
        aggs.add(count(v));
        aggs.add(count(v.try_cast("double")));
      } else if (f.dataType() instanceof NumericType || f.dataType() instanceof BooleanType) {
        numericTyped.add(c);
      } else {
        skipped.add(c + " (" + f.dataType().simpleString() + ")");
      }
    }
    aggs.addAll(extra);
    aggs.add(count(lit(1)));
    Row stats = raw.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
    List<String> numeric = new ArrayList<>();
    List<String> categorical = new ArrayList<>();
    Map<String, String> originalNames = new LinkedHashMap<>();
    List<Column> select = new ArrayList<>();
    for (int i = 0; i < strings.size(); i++) {
      String c = strings.get(i);
      long nonBlank = stats.getLong(2 * i);
      long numbers = stats.getLong(2 * i + 1);
      String safe = safeName(c, originalNames);
      if (nonBlank > 0 && numbers == nonBlank) {
        numeric.add(safe);
        select.add(blankToNull(col(quote(c))).try_cast("double").as(safe));
      } else {
        categorical.add(safe);
        select.add(coalesce(blankToNull(col(quote(c))), lit("(missing)")).as(safe));
      }
    }
    for (String c : numericTyped) {
      String safe = safeName(c, originalNames);
      numeric.add(safe);
      select.add(col(quote(c)).cast("double").as(safe));
    }
    List<Object> extraValues = new ArrayList<>();
    for (int i = 0; i < extra.size(); i++) {
      extraValues.add(stats.get(2 * strings.size() + i));
    }
    return new Features(select, numeric, categorical, originalNames, skipped, extraValues);
  }

  /** Requires the named columns, listing the table's columns otherwise. */
  public static void require(Dataset<Row> raw, String what, String... names) {
    List<String> columns = List.of(raw.columns());
    for (String needed : names) {
      if (needed != null && !columns.contains(needed)) {
        throw new CxlakeException(what + " has no column '" + needed + "' (columns: " + columns + ")");
      }
    }
  }

  /** A yes/no column as 1.0/0.0, null when it is neither. */
  public static Column yesNo(Column c) {
    Column v = lower(trim(c.cast("string")));
    return when(v.isin(YES.toArray()), 1.0).when(v.isin(NO.toArray()), 0.0);
  }

  public static Column blankToNull(Column c) {
    return when(length(trim(c)).gt(0), trim(c));
  }

  public static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /** A column name safe in SQL and MLlib (lower case, [a-z0-9_]); the original is remembered. */
  static String safeName(String name, Map<String, String> taken) {
    String base = "f_" + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    String safe = base;
    for (int i = 2; taken.containsKey(safe); i++) {
      safe = base + "_" + i;
    }
    taken.put(safe, name);
    return safe;
  }
}
