package io.cxlake.notebook;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.collection.Iterable;

/** A Dataset's first rows as an HTML table (values escaped; numbers right-aligned, rounded). */
final class HtmlTable {
  private HtmlTable() {}

  static String render(Dataset<Row> rows, int maxRows) {
    String[] cols = rows.columns();
    // One row more than shown tells whether there are more, without counting them all.
    List<Row> taken = rows.limit(maxRows + 1).collectAsList();
    StringBuilder sb = new StringBuilder("<table class=\"cxlake\"><thead><tr>");
    for (String c : cols) {
      sb.append("<th>").append(escape(c)).append("</th>");
    }
    sb.append("</tr></thead><tbody>");
    for (Row r : taken.subList(0, Math.min(maxRows, taken.size()))) {
      sb.append("<tr>");
      for (int i = 0; i < cols.length; i++) {
        Object v = r.get(i);
        boolean number = v instanceof Number;
        sb.append(number ? "<td style=\"text-align:right\">" : "<td>").append(escape(format(v))).append("</td>");
      }
      sb.append("</tr>");
    }
    sb.append("</tbody></table>");
    sb.append("<p><small>").append(Math.min(maxRows, taken.size())).append(" rows")
        .append(taken.size() > maxRows ? " shown; more not shown" : "").append("</small></p>");
    return sb.toString();
  }

  static String format(Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof Double d) {
      return d.isNaN() || d.isInfinite() ? d.toString() : String.format(java.util.Locale.ROOT, "%.3f", d).replaceAll("\\.?0+$", "");
    }
    if (v instanceof Float f) {
      return format(f.doubleValue());
    }
    // arrays arrive as Scala sequences
    if (v instanceof Iterable<?> it) {
      return it.mkString("[", ", ", "]");
    }
    return v.toString();
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
