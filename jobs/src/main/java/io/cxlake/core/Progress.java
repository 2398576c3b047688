package io.cxlake.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Our progress lines at INFO ("[2/5] curate …"), separate from Spark's WARN logging. */
public final class Progress {
  private static final Logger LOG = LoggerFactory.getLogger("io.cxlake");

  private Progress() {}

  public static void step(int index, int total, String stage, String what) {
    LOG.info("[{}/{}] {} … {}", index, total, stage, what);
  }

  public static void info(String format, Object... args) {
    LOG.info(format, args);
  }

  public static void warn(String format, Object... args) {
    LOG.warn(format, args);
  }
}
