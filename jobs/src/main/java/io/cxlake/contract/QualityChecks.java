package io.cxlake.contract;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Evaluates a table's checks on the rows about to be written, all in one aggregation: for a
 * row check the number of rows where the predicate is not true (null counts as a violation),
 * for the unique key the number of surplus rows (rows − distinct keys).
 */
public final class QualityChecks {
  private QualityChecks() {}

  /** Result of one check. */
  public record Outcome(TableContract.Check check, long violations, long rowsChecked) {
    public boolean passed() {
      return violations == 0;
    }

    /** pass, fail or warn (a violated warn-level check). */
    public String status() {
      return passed() ? "pass" : check.severity() == TableContract.Severity.FAIL ? "fail" : "warn";
    }
  }

  public static List<Outcome> evaluate(Dataset<Row> rows, List<TableContract.Check> checks, List<String> key) {
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(lit(1)).as("_rows"));
    for (int i = 0; i < checks.size(); i++) {
      TableContract.Check c = checks.get(i);
      if (c.isRowCheck()) {
        aggs.add(sum(when(not(expr(c.validRowSql())).or(expr(c.validRowSql()).isNull()), 1L).otherwise(0L)).as("_c" + i));
      } else if (c.kind().equals("unique")) {
        Column k = struct(key.stream().map(n -> col(n)).toArray(Column[]::new));
        aggs.add(count(lit(1)).minus(count_distinct(k)).as("_c" + i));
      } else {
        throw new IllegalArgumentException("unknown table-level check kind " + c.kind());
      }
    }
    Row r = rows.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
    long total = r.getLong(0);
    List<Outcome> out = new ArrayList<>();
    for (int i = 0; i < checks.size(); i++) {
      Object v = r.get(i + 1);
      out.add(new Outcome(checks.get(i), v == null ? 0 : ((Number) v).longValue(), total));
    }
    return out;
  }
}
