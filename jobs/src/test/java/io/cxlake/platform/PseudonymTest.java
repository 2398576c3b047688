package io.cxlake.platform;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cxlake.TestSpark;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Expected keys from Python's hmac module (independent of javax.crypto):
 * {@code hmac.new(key, id.encode('utf-8'), hashlib.sha256).hexdigest()[:16]}.
 */
class PseudonymTest {
  private static List<String> keys(List<String> ids, byte[] secret) {
    SparkSession spark = TestSpark.session();
    return spark.createDataset(ids, Encoders.STRING()).toDF("id")
        .select(Pseudonym.customerKey(col("id"), secret)).as(Encoders.STRING()).collectAsList();
  }

  @Test
  void keysAreHmacSha256OfTheIdUnderTheSecret() {
    assertEquals(List.of("2fa3f1f2658e8316", "b267156fc98925ce", "a41bc6d81d641357"),
        keys(List.of("C0000001", "C0000002", ""), "test-secret".getBytes(StandardCharsets.UTF_8)));
    // a secret longer than SHA-256's block is hashed first; ids and secrets are UTF-8
    assertEquals(List.of("8c1858bff6cf9cb7"), keys(List.of("x"), "k".repeat(100).getBytes(StandardCharsets.UTF_8)));
    assertEquals(List.of("54e403a094c8d0c0"), keys(List.of("Zoë-42"), "sécret".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void theSecretIsNotInThePlanThatSparkPrints() {
    SparkSession spark = TestSpark.session();
    String secret = "plan-secret-0123456789";
    String plan = spark.createDataset(List.of("C1"), Encoders.STRING()).toDF("id")
        .select(Pseudonym.customerKey(col("id"), secret.getBytes(StandardCharsets.UTF_8)))
        .queryExecution().toString();
    assertTrue(plan.contains("customer_key_hmac"), plan);
    assertFalse(plan.contains(secret), plan);
    assertFalse(plan.toLowerCase().contains(java.util.HexFormat.of().formatHex(secret.getBytes(StandardCharsets.UTF_8))), plan);
  }

  @Test
  void withoutTheSecretTheKeyCannotBeRebuiltFromTheId() {
    String key = keys(List.of("C0000001"), "test-secret".getBytes(StandardCharsets.UTF_8)).get(0);
    // the old scheme, sha-256("cxlake|" + id), and the same HMAC under another secret
    assertNotEquals("78a4f2db0914c732", key);
    assertNotEquals(key, keys(List.of("C0000001"), "other-secret".getBytes(StandardCharsets.UTF_8)).get(0));
  }
}
