package io.cxlake.curate;

import static org.apache.spark.sql.functions.col;

import io.cxlake.core.Catalog;
import io.cxlake.core.Entities;
import io.cxlake.platform.Pseudonym;
import org.apache.spark.sql.SparkSession;

/**
 * {@code customer_key} in silver: the gold layer's pseudonymous key of every silver customer
 * beside its source id. Gold keys cannot be rebuilt from ids without the secret, so this is
 * how authorised staff go from a gold row (a churn score, a cluster) back to the customer; it
 * sits with the rest of the identifying data, in silver.
 */
final class CustomerKeys {
  static final String TABLE = "customer_key";

  private CustomerKeys() {}

  /** Rewrites the table from silver's customers (one small job and commit). */
  static void write(SparkSession spark, Catalog catalog, byte[] secret) {
    String table = catalog.silver(TABLE);
    spark.sql("CREATE TABLE IF NOT EXISTS " + table + " ("
        + "customer_id STRING NOT NULL COMMENT 'Source customer id', "
        + "customer_key STRING NOT NULL COMMENT 'Its pseudonymous key in gold: HMAC-SHA256(secret, customer_id), 16 hex digits') "
        + "USING DELTA COMMENT 'Resolves gold customer_key to the source customer id (identifying data: grant like silver). "
        + "Grain: one row per customer_id.'");
    spark.table(catalog.silver(Entities.CUSTOMERS.silverTable()))
        .select(col("customer_id"), Pseudonym.customerKey(col("customer_id"), secret).as("customer_key"))
        .createOrReplaceTempView("_cxlake_customer_key");
    try {
      spark.sql("INSERT OVERWRITE " + table + " SELECT customer_id, customer_key FROM _cxlake_customer_key");
    } finally {
      spark.catalog().dropTempView("_cxlake_customer_key");
    }
  }
}
