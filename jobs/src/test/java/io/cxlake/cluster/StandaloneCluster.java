package io.cxlake.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * A real Spark standalone cluster on this machine: one Master and one Worker, separate JVMs
 * started from a SPARK_HOME whose jars/ Maven filled (no Spark download), bound to 127.0.0.1,
 * stopped by PID. Daemon output goes to files in the work folder, executor logs to the
 * Worker's work dir ({@code work/app-*}/{@code <executor>}/stderr).
 */
public final class StandaloneCluster implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  public final Path sparkHome;
  public final Path dir;
  public final int masterPort;
  public final int masterUiPort;
  private final List<Process> daemons = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private StandaloneCluster(Path sparkHome, Path dir) {
    this.sparkHome = sparkHome;
    this.dir = dir;
    this.masterPort = freePort();
    this.masterUiPort = freePort();
  }

  /** Starts the Master, waits until it is ALIVE, then starts a Worker and waits until it registered. */
  public static StandaloneCluster start(Path sparkHome, Path dir, int workerCores, String workerMemory) throws Exception {
    if (!Files.isDirectory(sparkHome.resolve("jars"))) {
      throw new IllegalStateException(sparkHome.resolve("jars") + " is missing: run through `mvn verify` "
          + "(maven-dependency-plugin fills it in pre-integration-test)");
    }
    StandaloneCluster c = new StandaloneCluster(sparkHome, dir);
    try {
      c.daemon("master", "org.apache.spark.deploy.master.Master",
          "--host", "127.0.0.1", "--port", String.valueOf(c.masterPort), "--webui-port", String.valueOf(c.masterUiPort));
      c.awaitMaster(json -> json.contains("\"status\" : \"ALIVE\""), "the Master to be ALIVE");
      c.daemon("worker", "org.apache.spark.deploy.worker.Worker",
          "--host", "127.0.0.1", "--port", String.valueOf(freePort()), "--webui-port", String.valueOf(freePort()),
          "--cores", String.valueOf(workerCores), "--memory", workerMemory,
          "--work-dir", dir.resolve("work").toString(), c.masterUrl());
      c.awaitMaster(json -> json.contains("\"aliveworkers\" : 1"), "the Worker to register");
      return c;
    } catch (Exception | Error e) {
      c.close();
      throw e;
    }
  }

  public String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  /** The Master's JSON status page (apps, workers). */
  public String masterJson() throws IOException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + masterUiPort + "/json/"))
        .timeout(Duration.ofSeconds(5)).build();
    return http.send(req, HttpResponse.BodyHandlers.ofString()).body();
  }

  /** The environment every process of the cluster gets (the Worker passes it to executors). */
  public Map<String, String> environment() {
    return Map.of("SPARK_HOME", sparkHome.toString(),
        // The launcher finds jars/ of a non-distribution layout only with the Scala version set.
        "SPARK_SCALA_VERSION", "2.13",
        "SPARK_LOCAL_IP", "127.0.0.1",
        "SPARK_LOG_DIR", dir.resolve("logs").toString());
  }

  /** java, Spark's module options and the SPARK_HOME jars: the start of every cluster JVM's command. */
  public List<String> javaCommand(String heap, String... extraClasspath) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + heap);
    cmd.addAll(Arrays.asList(JavaModuleOptions.defaultModuleOptions().split(" ")));
    StringBuilder cp = new StringBuilder();
    for (String e : extraClasspath) {
      cp.append(e).append(':');
    }
    cp.append(sparkHome.resolve("jars")).append("/*");
    cmd.add("-cp");
    cmd.add(cp.toString());
    return cmd;
  }

  private void daemon(String name, String mainClass, String... args) throws IOException {
    List<String> cmd = javaCommand("512m");
    cmd.add(mainClass);
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile());
    pb.environment().putAll(environment());
    daemons.add(pb.start());
  }

  private void awaitMaster(Predicate<String> condition, String what) throws Exception {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      for (Process p : daemons) {
        if (!p.isAlive()) {
          throw new IllegalStateException("a cluster daemon exited (" + p.exitValue() + ") while waiting for " + what
              + "; see the logs in " + dir);
        }
      }
      try {
        last = masterJson();
        if (condition.test(last)) {
          return;
        }
      } catch (IOException notYetListening) {
        // the Master's web UI is not up yet
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("timed out waiting for " + what + "; last status: " + last);
  }

  /** Stops the Worker, then the Master, by PID (the Worker kills its executors on exit). */
  @Override
  public void close() {
    for (int i = daemons.size() - 1; i >= 0; i--) {
      Process p = daemons.get(i);
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
      try {
        if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }

  /** True when every daemon process has ended (checked after close). */
  public boolean stopped() {
    return daemons.stream().noneMatch(Process::isAlive);
  }

  public List<Long> pids() {
    return daemons.stream().map(Process::pid).toList();
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
