package io.cxlake.contract;

import io.cxlake.core.CxlakeException;
import io.cxlake.core.Progress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;

/**
 * Creates a gold table from its contract (comments, NOT NULL, CHECK constraints) or checks
 * that an existing one still matches it. A table whose columns drifted from the contract is
 * rebuilt under --full-refresh and is otherwise an error naming the difference.
 */
public final class ContractTables {
  private ContractTables() {}

  public static void ensure(SparkSession spark, String qualifiedName, TableContract contract, boolean fullRefresh) {
    if (spark.catalog().tableExists(qualifiedName)) {
      addNewNullableColumns(spark, qualifiedName, contract);
      String drift = drift(spark, qualifiedName, contract);
      if (drift == null) {
        addMissingConstraints(spark, qualifiedName, contract);
        return;
      }
      if (!fullRefresh) {
        throw new CxlakeException("table " + qualifiedName + " does not match its contract (" + drift
            + "); rerun with --full-refresh to rebuild it");
      }
      Progress.info("rebuilding {}: {}", qualifiedName, drift);
      spark.sql("DROP TABLE " + qualifiedName);
    }
    spark.sql(ddl(qualifiedName, contract));
  }

  /**
   * Additive evolution: nullable columns the contract gained (a later stage's column in
   * customer_360, say) are added in place; existing rows read them as null. Anything else that
   * differs still needs --full-refresh.
   */
  static void addNewNullableColumns(SparkSession spark, String qualifiedName, TableContract contract) {
    Set<String> actual = new java.util.HashSet<>(List.of(spark.table(qualifiedName).schema().fieldNames()));
    List<String> add = new ArrayList<>();
    for (TableContract.Column c : contract.columns()) {
      if (!actual.contains(c.name()) && !c.notNull()) {
        add.add(c.name() + " " + (c.sqlType().contains("<") ? c.sqlType() : c.sqlType().toUpperCase()) + " COMMENT "
            + quote(c.description()));
      }
    }
    if (!add.isEmpty()) {
      Progress.info("adding to {} the new contract columns {}", qualifiedName, add.stream().map(a -> a.split(" ")[0]).toList());
      spark.sql("ALTER TABLE " + qualifiedName + " ADD COLUMNS (" + String.join(", ", add) + ")");
    }
  }

  /** CREATE TABLE statement with comments and NOT NULL columns. */
  static String ddl(String qualifiedName, TableContract contract) {
    StringBuilder sql = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(qualifiedName).append(" (");
    List<String> cols = new ArrayList<>();
    for (TableContract.Column c : contract.columns()) {
      cols.add(c.name() + " " + (c.sqlType().contains("<") ? c.sqlType() : c.sqlType().toUpperCase()) + (c.notNull() ? " NOT NULL" : "")
          + " COMMENT " + quote(c.description()));
    }
    sql.append(String.join(", ", cols)).append(") USING DELTA");
    if (!contract.partitionBy().isEmpty()) {
      sql.append(" PARTITIONED BY (").append(String.join(", ", contract.partitionBy())).append(")");
    }
    // CHECK constraints go in with the CREATE: one commit instead of one ALTER TABLE each.
    List<String> props = new ArrayList<>();
    props.add("'delta.enableDeletionVectors' = 'true'");
    if (contract.changeFeed()) {
      props.add("'" + CHANGE_FEED + "' = 'true'");
    }
    for (TableContract.Check check : contract.checks()) {
      if (isConstraint(check)) {
        props.add(quote("delta.constraints." + check.name().toLowerCase()) + " = " + quote(check.validRowSql()));
      }
    }
    sql.append(" COMMENT ").append(quote(contract.comment()))
        .append(" TBLPROPERTIES (").append(String.join(", ", props)).append(")");
    return sql.toString();
  }

  /** Differences between the table's columns and the contract, or null when none. */
  static String drift(SparkSession spark, String qualifiedName, TableContract contract) {
    Map<String, DataType> actual = new HashMap<>();
    for (StructField f : spark.table(qualifiedName).schema().fields()) {
      actual.put(f.name(), f.dataType());
    }
    List<String> problems = new ArrayList<>();
    for (TableContract.Column c : contract.columns()) {
      DataType t = actual.remove(c.name());
      if (t == null) {
        problems.add("missing column " + c.name());
      } else if (!t.sameType(DataType.fromDDL(c.sqlType()))) {
        problems.add(c.name() + " is " + t.simpleString() + ", contract says " + c.sqlType());
      }
    }
    actual.keySet().stream().sorted().forEach(n -> problems.add("column " + n + " not in the contract"));
    return problems.isEmpty() ? null : String.join("; ", problems);
  }

  private static final String CHANGE_FEED = "delta.enableChangeDataFeed";

  /** CHECK constraints the contract gained, and the change data feed when it asks for one (tables of an older cxlake). */
  private static void addMissingConstraints(SparkSession spark, String qualifiedName, TableContract contract) {
    Map<String, String> properties = spark.sql("SHOW TBLPROPERTIES " + qualifiedName).collectAsList().stream()
        .collect(Collectors.toMap((Row r) -> r.getString(0), (Row r) -> r.getString(1), (a, b) -> a));
    if (contract.changeFeed() && !"true".equals(properties.get(CHANGE_FEED))) {
      spark.sql("ALTER TABLE " + qualifiedName + " SET TBLPROPERTIES ('" + CHANGE_FEED + "' = 'true')");
    }
    Set<String> existing = properties.keySet().stream()
        .filter(k -> k.startsWith("delta.constraints."))
        .map(k -> k.substring("delta.constraints.".length()))
        .collect(Collectors.toSet());
    for (TableContract.Check check : contract.checks()) {
      // NOT NULL is already a column property; other enforced row checks become CHECK constraints.
      if (isConstraint(check) && !existing.contains(check.name().toLowerCase())) {
        spark.sql("ALTER TABLE " + qualifiedName + " ADD CONSTRAINT " + check.name() + " CHECK (" + check.validRowSql() + ")");
      }
    }
  }

  /** NOT NULL is a column property; the other enforced row checks are CHECK constraints. */
  static boolean isConstraint(TableContract.Check check) {
    return check.enforced() && !check.kind().equals("not_null");
  }

  static String quote(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
