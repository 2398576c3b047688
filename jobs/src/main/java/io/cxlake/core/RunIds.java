package io.cxlake.core;

import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** Run and batch identifiers that sort by time: 20261122T141530123Z-3fa2. */
public final class RunIds {
  private static final DateTimeFormatter FMT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'");
  private static final SecureRandom RANDOM = new SecureRandom();

  private RunIds() {}

  public static String next() {
    return FMT.format(ZonedDateTime.now(ZoneOffset.UTC)) + "-" + String.format("%04x", RANDOM.nextInt(0x10000));
  }
}
