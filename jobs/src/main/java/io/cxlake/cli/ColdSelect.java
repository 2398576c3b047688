package io.cxlake.cli;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;

/**
 * The floor every figure is compared with: a fresh JVM that starts Spark, runs {@code SELECT 1}
 * and stops. Measured by running this class in a child process with this process's JVM options
 * and class path, before the session of the command under measure starts (so the two do not
 * compete for the cores).
 */
final class ColdSelect {
  private ColdSelect() {}

  public static void main(String[] args) {
    SparkSession spark = SparkSession.builder().master(args.length > 0 ? args[0] : "local[*]").appName("cxlake-floor")
        .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false").getOrCreate();
    spark.sql("SELECT 1").collectAsList();
    spark.stop();
  }

  /** Wall seconds of the child process, or NaN (with the reason on stderr) when it cannot run. */
  static double measure(String master) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!arg.startsWith("-Djava.class.path") && !arg.startsWith("-agentlib") && !arg.startsWith("-javaagent")) {
        cmd.add(arg);
      }
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ColdSelect.class.getName(), master));
    long t0 = System.nanoTime();
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        System.err.println("cxlake: the cold SELECT 1 did not finish in 5 minutes");
        return Double.NaN;
      }
      if (p.exitValue() != 0) {
        System.err.println("cxlake: the cold SELECT 1 process exited with " + p.exitValue());
        return Double.NaN;
      }
    } catch (java.io.IOException e) {
      System.err.println("cxlake: cannot start the cold SELECT 1 process: " + e.getMessage());
      return Double.NaN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Double.NaN;
    }
    return (System.nanoTime() - t0) / 1e9;
  }
}
