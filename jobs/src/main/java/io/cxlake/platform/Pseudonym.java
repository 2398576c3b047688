package io.cxlake.platform;

import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.substring;

import org.apache.spark.sql.Column;

/**
 * The pseudonymous customer key of the gold layer: the first 16 hex digits (64 bits) of
 * sha-256(salt|customer_id). Stable across runs for one salt; the source id stays in silver.
 */
public final class Pseudonym {
  private Pseudonym() {}

  public static Column customerKey(Column customerId, String salt) {
    return substring(sha2(concat(lit(salt + "|"), customerId), 256), 1, 16);
  }
}
