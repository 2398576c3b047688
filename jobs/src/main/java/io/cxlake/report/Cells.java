package io.cxlake.report;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Reading values out of collected rows and writing them for people. */
final class Cells {
  private Cells() {}

  /** A number of the row, or null when it is null or not finite (JSON has no NaN). */
  static Double num(Row r, String column) {
    Object v = r.get(r.fieldIndex(column));
    double d;
    if (v == null) {
      return null;
    } else if (v instanceof BigDecimal b) {
      d = b.doubleValue();
    } else if (v instanceof Number n) {
      d = n.doubleValue();
    } else {
      throw new IllegalArgumentException(column + " is not a number: " + v.getClass().getSimpleName());
    }
    return Double.isFinite(d) ? d : null;
  }

  static String text(Row r, String column) {
    Object v = r.get(r.fieldIndex(column));
    return v == null ? null : v.toString();
  }

  static List<Double> nums(List<Row> rows, String column) {
    return rows.stream().map(r -> num(r, column)).toList();
  }

  static List<String> texts(List<Row> rows, String column) {
    return rows.stream().map(r -> text(r, column)).toList();
  }

  /**
   * The rows of a small result (aggregates over periods, slices, deciles, topics): at most
   * {@code max}; more would be an aggregation missing, so the rest is left out, never collected.
   */
  static List<Row> collect(Dataset<Row> small, int max) {
    return small.limit(max).collectAsList();
  }

  static String fmt(Double v, int digits) {
    return v == null ? "–" : String.format(Locale.ROOT, "%,." + digits + "f", v);
  }

  static String pct(Double v) {
    return v == null ? "–" : fmt(v, 1) + "%";
  }

  static String signed(Double v, int digits, String unit) {
    return v == null ? null : (v > 0 ? "+" : "") + fmt(v, digits) + unit;
  }

  static String direction(Double change) {
    return change == null || change == 0 ? "flat" : change > 0 ? "up" : "down";
  }

  static String pValue(Double p) {
    return p == null ? "–" : p < 0.0001 ? "< 0.0001" : fmt(p, 4);
  }

  /** Two-sided p-value of a standard normal statistic. */
  static Double twoSided(Double z) {
    return z == null || !Double.isFinite(z) ? null : 2 * (1 - new NormalDistribution().cumulativeProbability(Math.abs(z)));
  }

  /** Wald test of the difference of two independent estimates with standard errors. */
  static Double differenceP(Double now, Double seNow, Double before, Double seBefore) {
    if (now == null || before == null || seNow == null || seBefore == null) {
      return null;
    }
    double se = Math.sqrt(seNow * seNow + seBefore * seBefore);
    return se > 0 ? twoSided((now - before) / se) : null;
  }

  /** Pooled two-proportion z test of x1/n1 against x0/n0. */
  static Double proportionsP(Double x1, Double n1, Double x0, Double n0) {
    if (x1 == null || n1 == null || x0 == null || n0 == null || n1 <= 0 || n0 <= 0) {
      return null;
    }
    double pooled = (x1 + x0) / (n1 + n0);
    double se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0));
    return se > 0 ? twoSided((x1 / n1 - x0 / n0) / se) : null;
  }

  /** What a test of a change says, in words: "significant rise (p = 0.0031)". */
  static String verdict(Double change, Double p, double alpha) {
    if (change == null) {
      return null;
    }
    if (p == null) {
      return "not tested";
    }
    String way = change > 0 ? "rise" : "drop";
    return (p < alpha ? "significant " + way : "no significant change") + " (p = " + pValue(p) + ")";
  }
}
