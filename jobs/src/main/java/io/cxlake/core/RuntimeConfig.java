package io.cxlake.core;

import java.util.Map;
import java.util.Set;

/** Where and how Spark runs. */
public record RuntimeConfig(
    String appName,
    /* Spark master when not launched by spark-submit, e.g. local[*]. */
    String master,
    /* Warehouse root: a local folder or any Hadoop path (hdfs://, s3a://, abfss://). */
    String warehouse,
    /* embedded-derby: a Derby metastore inside the warehouse; external: from Spark conf / hive-site.xml. */
    String metastore,
    /* spark.sql.shuffle.partitions. */
    Integer shufflePartitions,
    /* Stages whose input tables hold less than this many MB on disk run with Spark's code generation off (0: never). */
    Integer codegenMinInputMb,
    /* Stages whose input tables hold less than this many MB on disk run with adaptive query execution off (0: never). */
    Integer adaptiveMinInputMb,
    /* Spark's console progress bar. */
    Boolean consoleProgress,
    /* Extra Spark settings, applied last but before --conf. */
    Map<String, String> sparkConf,
    /* File holding the secret of the customer_key HMAC (first line; beside this file or a Hadoop URI); the CXLAKE_PSEUDONYM_SECRET environment variable wins. */
    String pseudonymSecretFile,
    /* Time to live of the run lease without a heartbeat (one writer per catalog; docs/operations.md). */
    Integer runLeaseSeconds) {

  /** The "runtime" section of conf/cxlake.yaml. */
  public static final ConfigSection<RuntimeConfig> SECTION = new ConfigSection<>("runtime", RuntimeConfig.class, RuntimeConfig::validate);

  static void validate(RuntimeConfig c, ConfigCheck check) {
    if (c.master() == null || c.master().isBlank()) {
      check.fail("runtime.master", "must be set, e.g. local[*]");
    }
    if (c.warehouse() == null || c.warehouse().isBlank()) {
      check.fail("runtime.warehouse", "must be set");
    }
    if (!Set.of("embedded-derby", "external").contains(c.metastore())) {
      check.fail("runtime.metastore", "must be embedded-derby or external, was '" + c.metastore() + "'");
    }
    if (c.shufflePartitions() == null || c.shufflePartitions() < 1 || c.shufflePartitions() > 100_000) {
      check.fail("runtime.shuffle_partitions", "must be between 1 and 100000, was " + c.shufflePartitions());
    }
    if (c.codegenMinInputMb() == null || c.codegenMinInputMb() < 0) {
      check.fail("runtime.codegen_min_input_mb", "must be 0 or more, was " + c.codegenMinInputMb());
    }
    if (c.adaptiveMinInputMb() == null || c.adaptiveMinInputMb() < 0) {
      check.fail("runtime.adaptive_min_input_mb", "must be 0 or more, was " + c.adaptiveMinInputMb());
    }
    if (c.runLeaseSeconds() == null || c.runLeaseSeconds() < 10) {
      check.fail("runtime.run_lease_seconds", "must be 10 or more, was " + c.runLeaseSeconds());
    }
  }
}
