package io.cxlake.ingest;

import java.util.Set;
import io.cxlake.core.ConfigCheck;
import io.cxlake.core.ConfigSection;

/** Ingest (landing to bronze). */
public record IngestConfig(
    /* fail: the job exits non-zero after ingesting the other entities; warn: only report. */
    String onBadFile) {

  /** The "ingest" section of conf/cxlake.yaml. */
  public static final ConfigSection<IngestConfig> SECTION = new ConfigSection<>("ingest", IngestConfig.class, IngestConfig::validate);

  static void validate(IngestConfig c, ConfigCheck check) {
    if (!Set.of("fail", "warn").contains(c.onBadFile())) {
      check.fail("ingest.on_bad_file", "must be fail or warn, was '" + c.onBadFile() + "'");
    }
  }
}
