package io.cxlake.core;

/** The running cxlake's version, which fitted models record: another version fits them again. */
public final class CxlakeVersion {
  private CxlakeVersion() {}

  /** The jar manifest's Implementation-Version; "dev" when run from classes (tests, an IDE). */
  public static String current() {
    String v = CxlakeVersion.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
