package io.cxlake.core;


/**
 * Database names of the four layers (prefix them to run several environments in one metastore)
 * and, optionally, the folder the databases are created in.
 *
 * @param location a Hadoop URI (hdfs://, s3a://, abfss://, gs://, file:) under which each database
 *     is created as {@code <location>/<db>.db} with its tables and the saved models; null: the
 *     metastore's default, inside the warehouse. Read when a database is created: moving it later
 *     means moving the tables.
 */
public record CatalogConfig(String bronzeDb, String silverDb, String goldDb, String opsDb, String location) {

  /** The "catalog" section of conf/cxlake.yaml. */
  public static final ConfigSection<CatalogConfig> SECTION = new ConfigSection<>("catalog", CatalogConfig.class, CatalogConfig::validate);

  static void validate(CatalogConfig c, ConfigCheck check) {
    checkDb(c.bronzeDb(), "catalog.bronze_db", check);
    checkDb(c.silverDb(), "catalog.silver_db", check);
    checkDb(c.goldDb(), "catalog.gold_db", check);
    checkDb(c.opsDb(), "catalog.ops_db", check);
    if (c.location() != null && (c.location().isBlank() || c.location().contains("'"))) {
      check.fail("catalog.location", "must be a folder URI without quotes, e.g. hdfs://namenode:8020/cxlake, or be left out");
    }
  }

  private static final java.util.regex.Pattern DB_NAME = java.util.regex.Pattern.compile("[a-z_][a-z0-9_]*");

  private static void checkDb(String db, String key, ConfigCheck check) {
    if (db == null || !DB_NAME.matcher(db).matches()) {
      check.fail(key, "must be a database name matching [a-z_][a-z0-9_]*, was '" + db + "'");
    }
  }
}
