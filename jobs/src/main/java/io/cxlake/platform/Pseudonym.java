package io.cxlake.platform;

import static org.apache.spark.sql.functions.udf;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

/**
 * The pseudonymous customer key of the gold layer: the first 16 hex digits (64 bits) of
 * HMAC-SHA256(secret, customer_id) (RFC 2104). Without the secret a key cannot be rebuilt from an
 * id, so gold rows cannot be re-identified by hashing known or sequential ids; the source id
 * stays in silver (silver's customer_key table maps one to the other). Stable for one secret.
 *
 * <p>A function, not Spark's sha2/concat: built from built-ins the HMAC needs the padded secret
 * as a literal in the plan, and plans are printed (explain, the UI's SQL tab, event logs). The
 * function carries the secret inside its serialized closure only.
 */
public final class Pseudonym {
  private Pseudonym() {}

  public static Column customerKey(Column customerId, byte[] secret) {
    return udf(new Key(secret), DataTypes.StringType).withName("customer_key_hmac").apply(customerId);
  }

  /** HMAC-SHA256 of a UTF-8 id, first 16 hex digits; null for a null id. */
  static final class Key implements UDF1<String, String> {
    private final byte[] secret;
    private transient ThreadLocal<Mac> mac;

    Key(byte[] secret) {
      this.secret = secret.clone();
    }

    @Override
    public String call(String id) throws GeneralSecurityException {
      if (id == null) {
        return null;
      }
      if (mac == null) {
        mac = ThreadLocal.withInitial(() -> {
          try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(secret, "HmacSHA256"));
            return m;
          } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
          }
        });
      }
      byte[] digest = mac.get().doFinal(id.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    }

    @Override
    public String toString() {
      return "customer_key_hmac"; // never the secret
    }
  }
}
