package io.cxlake.contract;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The one description of a gold table: grain, purpose, columns with descriptions, key,
 * and data-quality checks. From it come the Delta DDL (table and column comments, NOT NULL,
 * CHECK constraints), the data-quality run into cx_ops.dq_result and docs/data-dictionary.md.
 *
 * <pre>
 * TableContract.table("kpi_experience", "one row per period and slice")
 *     .describe("Experience KPIs ...")
 *     .column("period_start", "date", "First day of the period").notNull()
 *     .column("nps", "double", "Net Promoter Score").range(-100, 100)
 *     .key("period_type", "period_start", "slice", "slice_value")
 *     .invariant("pct_sum_100", "nps_responses = 0 OR abs(promoters_pct + passives_pct + detractors_pct - 100) < 0.001")
 *     .build();
 * </pre>
 */
public final class TableContract {

  /** What happens when a check finds violations. */
  public enum Severity {
    /** The job exits non-zero after writing its results; row checks are also Delta constraints. */
    FAIL,
    /** Only recorded in cx_ops.dq_result. */
    WARN
  }

  /** One column of the table. */
  public record Column(String name, String sqlType, String description, boolean notNull) {}

  /**
   * A data-quality check. {@code validRowSql} is a SQL predicate every row must satisfy (null for
   * table-level checks such as the unique key); row checks of severity FAIL become Delta CHECK
   * constraints.
   */
  public record Check(String name, String kind, String validRowSql, Severity severity, String description) {
    public boolean isRowCheck() {
      return validRowSql != null;
    }

    public boolean enforced() {
      return isRowCheck() && severity == Severity.FAIL;
    }
  }

  private final String name;
  private final String grain;
  private final String description;
  private final List<Column> columns;
  private final List<String> key;
  private final List<String> partitionBy;
  private final List<String> zorderBy;
  private final boolean changeFeed;
  private final List<Check> checks;
  /** The checks declared with the builder (not the generated not-null and key checks). */
  private final List<Check> declaredChecks;

  private TableContract(Builder b) {
    this.name = b.name;
    this.grain = b.grain;
    this.description = b.description;
    this.columns = List.copyOf(b.columns);
    this.key = List.copyOf(b.key);
    this.partitionBy = List.copyOf(b.partitionBy);
    this.zorderBy = List.copyOf(b.zorderBy);
    this.changeFeed = b.changeFeed;
    List<Check> all = new ArrayList<>();
    for (Column c : columns) {
      if (c.notNull()) {
        all.add(new Check(c.name() + "_not_null", "not_null", c.name() + " IS NOT NULL", Severity.FAIL,
            c.name() + " is never null"));
      }
    }
    this.declaredChecks = List.copyOf(b.checks);
    all.addAll(b.checks);
    if (!key.isEmpty()) {
      all.add(new Check("unique_key", "unique", null, Severity.FAIL,
          "one row per " + String.join(" × ", key)));
    }
    this.checks = List.copyOf(all);
  }

  /** A builder holding this contract's declarations, to extend it (columns added after the existing ones). */
  public Builder toBuilder() {
    Builder b = new Builder(name, grain).describe(description);
    for (Column c : columns) {
      b.columns.add(c);
      b.names.add(c.name());
    }
    b.key.addAll(key);
    b.partitionBy.addAll(partitionBy);
    b.zorderBy.addAll(zorderBy);
    b.changeFeed = changeFeed;
    b.checks.addAll(declaredChecks);
    return b;
  }

  public static Builder table(String name, String grain) {
    return new Builder(name, grain);
  }

  public String name() {
    return name;
  }

  /** The grain in one sentence, e.g. "one row per customer and snapshot date". */
  public String grain() {
    return grain;
  }

  public String description() {
    return description;
  }

  /** Table comment: description plus grain. */
  public String comment() {
    return description + " Grain: " + grain + ".";
  }

  public List<Column> columns() {
    return columns;
  }

  /** The table's schema (for building small tables, e.g. one run row, on the driver). */
  public org.apache.spark.sql.types.StructType schema() {
    org.apache.spark.sql.types.StructType t = new org.apache.spark.sql.types.StructType();
    for (Column c : columns) {
      t = t.add(c.name(), org.apache.spark.sql.types.DataType.fromDDL(c.sqlType()), !c.notNull());
    }
    return t;
  }

  public List<String> columnNames() {
    return columns.stream().map(Column::name).toList();
  }

  public Optional<Column> column(String name) {
    return columns.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  public List<String> key() {
    return key;
  }

  public List<String> partitionBy() {
    return partitionBy;
  }

  /** Columns BI filters by: table maintenance Z-orders on them. */
  public List<String> zorderBy() {
    return zorderBy;
  }

  /** Whether the table keeps Delta's change data feed (a reader finds a commit's changed rows in it). */
  public boolean changeFeed() {
    return changeFeed;
  }

  /** All checks: not-null per column, declared checks, then the unique key. */
  public List<Check> checks() {
    return checks;
  }

  /** Builder; column-level helpers apply to the column added last. */
  public static final class Builder {
    private final String name;
    private final String grain;
    private String description = "";
    private final List<Column> columns = new ArrayList<>();
    private final List<String> key = new ArrayList<>();
    private final List<String> partitionBy = new ArrayList<>();
    private final List<String> zorderBy = new ArrayList<>();
    private boolean changeFeed;
    private final List<Check> checks = new ArrayList<>();
    private final Set<String> names = new LinkedHashSet<>();

    private Builder(String name, String grain) {
      this.name = name;
      this.grain = grain;
    }

    public Builder describe(String text) {
      this.description = text;
      return this;
    }

    public Builder column(String name, String sqlType, String description) {
      if (!names.add(name)) {
        throw new IllegalArgumentException(this.name + ": column " + name + " declared twice");
      }
      columns.add(new Column(name, sqlType, description, false));
      return this;
    }

    /** The last column is never null (a NOT NULL column and a check). */
    public Builder notNull() {
      Column c = columns.remove(columns.size() - 1);
      columns.add(new Column(c.name(), c.sqlType(), c.description(), true));
      return this;
    }

    /** The last column lies in [min, max] when not null. */
    public Builder range(double min, double max) {
      String c = last();
      return check(c + "_range", "range", c + " IS NULL OR (" + c + " >= " + num(min) + " AND " + c + " <= " + num(max) + ")",
          Severity.FAIL, c + " between " + num(min) + " and " + num(max));
    }

    /** The last column is at least {@code min} when not null. */
    public Builder min(double min) {
      String c = last();
      return check(c + "_min", "range", c + " IS NULL OR " + c + " >= " + num(min), Severity.FAIL, c + " ≥ " + num(min));
    }

    /** The last column takes one of these values when not null. */
    public Builder accepted(String... values) {
      String c = last();
      String list = String.join(", ", java.util.Arrays.stream(values).map(v -> "'" + v + "'").toList());
      return check(c + "_accepted", "accepted_values", c + " IS NULL OR " + c + " IN (" + list + ")", Severity.FAIL,
          c + " in {" + String.join(", ", values) + "}");
    }

    /** A row-level invariant (a SQL predicate) that fails the job and is a Delta constraint. */
    public Builder invariant(String checkName, String validRowSql, String description) {
      return check(checkName, "invariant", validRowSql, Severity.FAIL, description);
    }

    /** A row-level expectation that is only recorded (warn). */
    public Builder expect(String checkName, String validRowSql, String description) {
      return check(checkName, "expectation", validRowSql, Severity.WARN, description);
    }

    /** Applies a shared group of columns and checks (e.g. the period and slice key of KPI tables). */
    public Builder with(java.util.function.UnaryOperator<Builder> part) {
      return part.apply(this);
    }

    public Builder key(String... columns) {
      key.addAll(List.of(columns));
      return this;
    }

    public Builder partitionBy(String... columns) {
      partitionBy.addAll(List.of(columns));
      return this;
    }

    public Builder zorderBy(String... columns) {
      zorderBy.addAll(List.of(columns));
      return this;
    }

    /** The table keeps Delta's change data feed. */
    public Builder changeFeed() {
      changeFeed = true;
      return this;
    }

    private Builder check(String checkName, String kind, String sql, Severity severity, String description) {
      checks.add(new Check(checkName, kind, sql, severity, description));
      return this;
    }

    private String last() {
      if (columns.isEmpty()) {
        throw new IllegalStateException(name + ": a column check needs a column before it");
      }
      return columns.get(columns.size() - 1).name();
    }

    private static String num(double v) {
      return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }

    public TableContract build() {
      for (String k : key) {
        if (!names.contains(k)) {
          throw new IllegalStateException(name + ": key column " + k + " is not a column");
        }
      }
      for (String k : zorderBy) {
        if (!names.contains(k)) {
          throw new IllegalStateException(name + ": z-order column " + k + " is not a column");
        }
      }
      if (description.isBlank() || grain.isBlank()) {
        throw new IllegalStateException(name + ": a table needs a description and a grain");
      }
      for (Column c : columns) {
        if (c.description().isBlank()) {
          throw new IllegalStateException(name + "." + c.name() + ": a column needs a description");
        }
      }
      return new TableContract(this);
    }
  }
}
