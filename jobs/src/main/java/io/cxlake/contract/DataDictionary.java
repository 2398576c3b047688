package io.cxlake.contract;

import java.util.List;

/** Renders docs/data-dictionary.md from the table contracts (never edited by hand). */
public final class DataDictionary {
  private DataDictionary() {}

  public static String render(String goldDb, List<TableContract> contracts) {
    StringBuilder md = new StringBuilder();
    md.append("# Data dictionary — gold tables\n\n")
        .append("<!-- Generated from the table contracts by `bin/cxlake dictionary`; do not edit by hand. "
            + "A test fails when this file and the contracts disagree. -->\n\n")
        .append("Every gold table lives in the `").append(goldDb).append("` database (configurable: `catalog.gold_db`). ")
        .append("Each table and column below carries the same text as its Delta comment. ")
        .append("Checks marked **fail** are enforced: NOT NULL and CHECK constraints in Delta, and a data-quality ")
        .append("check before every commit (a violation blocks the commit and makes the job exit non-zero); ")
        .append("**warn** checks are only recorded in `cx_ops.dq_result`. ")
        .append("Metric formulas with worked examples: [metrics.md](metrics.md).\n\n");
    md.append("| table | grain |\n|---|---|\n");
    for (TableContract c : contracts) {
      md.append("| [").append(c.name()).append("](#").append(c.name()).append(") | ").append(escape(c.grain())).append(" |\n");
    }
    for (TableContract c : contracts) {
      md.append("\n## ").append(c.name()).append("\n\n")
          .append(escape(c.description())).append("\n\n")
          .append("- **Grain:** ").append(escape(c.grain())).append('\n')
          .append("- **Key:** ").append(c.key().isEmpty() ? "—" : "`" + String.join("`, `", c.key()) + "`").append('\n');
      if (!c.partitionBy().isEmpty()) {
        md.append("- **Partitioned by:** `").append(String.join("`, `", c.partitionBy())).append("`\n");
      }
      if (!c.zorderBy().isEmpty()) {
        md.append("- **Z-order (maintenance):** `").append(String.join("`, `", c.zorderBy())).append("`\n");
      }
      md.append("\n| column | type | nullable | description |\n|---|---|---|---|\n");
      for (TableContract.Column col : c.columns()) {
        md.append("| `").append(col.name()).append("` | ").append(col.sqlType()).append(" | ")
            .append(col.notNull() ? "no" : "yes").append(" | ").append(escape(col.description())).append(" |\n");
      }
      md.append("\n| check | severity | rule |\n|---|---|---|\n");
      for (TableContract.Check ch : c.checks()) {
        if (ch.kind().equals("not_null")) {
          continue;
        }
        md.append("| ").append(ch.name()).append(" | ").append(ch.severity().name().toLowerCase()).append(" | ")
            .append(escape(ch.description()))
            .append(ch.isRowCheck() ? " — `" + ch.validRowSql().replace("|", "\\|") + "`" : "").append(" |\n");
      }
    }
    return md.toString();
  }

  private static String escape(String s) {
    return s.replace("|", "\\|");
  }
}
