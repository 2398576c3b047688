package io.cxlake.core;


/** Database names of the four layers (prefix them to run several environments in one metastore). */
public record CatalogConfig(String bronzeDb, String silverDb, String goldDb, String opsDb) {

  /** The "catalog" section of conf/cxlake.yaml. */
  public static final ConfigSection<CatalogConfig> SECTION = new ConfigSection<>("catalog", CatalogConfig.class, CatalogConfig::validate);

  static void validate(CatalogConfig c, ConfigCheck check) {
    checkDb(c.bronzeDb(), "catalog.bronze_db", check);
    checkDb(c.silverDb(), "catalog.silver_db", check);
    checkDb(c.goldDb(), "catalog.gold_db", check);
    checkDb(c.opsDb(), "catalog.ops_db", check);
  }

  private static final java.util.regex.Pattern DB_NAME = java.util.regex.Pattern.compile("[a-z_][a-z0-9_]*");

  private static void checkDb(String db, String key, ConfigCheck check) {
    if (db == null || !DB_NAME.matcher(db).matches()) {
      check.fail(key, "must be a database name matching [a-z_][a-z0-9_]*, was '" + db + "'");
    }
  }
}
