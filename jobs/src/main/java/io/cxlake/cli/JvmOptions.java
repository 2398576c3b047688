package io.cxlake.cli;

/** Prints the JVM options Spark needs on Java 17+ (used by bin/cxlake; from Spark itself). */
public final class JvmOptions {
  private JvmOptions() {}

  public static void main(String[] args) {
    System.out.println(org.apache.spark.launcher.JavaModuleOptions.defaultModuleOptions());
  }
}
