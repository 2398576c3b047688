package io.cxlake.core;

import org.apache.spark.sql.SparkSession;

/** Qualified table names per layer, and creation of the layer databases on demand. */
public final class Catalog {
  private final CatalogConfig names;

  public Catalog(CatalogConfig names) {
    this.names = names;
  }

  public String bronze(String table) {
    return names.bronzeDb() + "." + table;
  }

  public String silver(String table) {
    return names.silverDb() + "." + table;
  }

  public String gold(String table) {
    return names.goldDb() + "." + table;
  }

  public String ops(String table) {
    return names.opsDb() + "." + table;
  }

  /** The qualified name of a table reference, e.g. cx_silver.orders. */
  public String name(TableRef t) {
    return switch (t.layer()) {
      case BRONZE -> bronze(t.name());
      case SILVER -> silver(t.name());
      case GOLD -> gold(t.name());
      case OPS -> ops(t.name());
    };
  }

  public CatalogConfig names() {
    return names;
  }

  /** Creates the four layer databases when missing (idempotent). */
  public void ensureDatabases(SparkSession spark) {
    create(spark, names.bronzeDb(), "Bronze: landing files as ingested, every column a string, plus lineage columns");
    create(spark, names.silverDb(), "Silver: typed, validated, deduplicated and conformed entities (PII kept here only)");
    create(spark, names.goldDb(), "Gold: curated tables for BI and notebooks, no raw PII");
    create(spark, names.opsDb(), "Ops: run log, quarantine, ingest ledger, data-quality results");
  }

  private void create(SparkSession spark, String db, String comment) {
    String location = names.location() == null ? ""
        : " LOCATION '" + HadoopFiles.qualify(names.location()).replaceAll("/+$", "") + "/" + db + ".db'";
    spark.sql("CREATE DATABASE IF NOT EXISTS " + db + " COMMENT '" + comment.replace("'", "\\'") + "'" + location);
  }

  /**
   * The folder files outside tables (saved models) go under: catalog.location when set, else the
   * warehouse. A Hadoop URI.
   */
  public String filesRoot(SparkSession spark) {
    String root = names.location() != null ? HadoopFiles.qualify(names.location())
        : spark.conf().get("spark.sql.warehouse.dir");
    return root.replaceAll("/+$", "");
  }
}
