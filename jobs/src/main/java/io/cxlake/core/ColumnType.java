package io.cxlake.core;

/** Canonical column types of the landing contract (SPEC §5) and their Spark SQL type. */
public enum ColumnType {
  STRING("string"),
  INT("int"),
  LONG("bigint"),
  DOUBLE("double"),
  DECIMAL("decimal(18,2)"),
  BOOLEAN("boolean"),
  DATE("date"),
  TIMESTAMP("timestamp");

  private final String sqlType;

  ColumnType(String sqlType) {
    this.sqlType = sqlType;
  }

  public String sqlType() {
    return sqlType;
  }

  public boolean isTemporal() {
    return this == DATE || this == TIMESTAMP;
  }
}
