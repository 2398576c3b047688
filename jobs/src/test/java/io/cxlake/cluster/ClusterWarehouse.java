package io.cxlake.cluster;

import io.cxlake.TestSpark;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The whole pipeline on data-samples/, submitted once per test JVM to a real standalone
 * cluster with spark-submit's own entry point ({@code SparkSubmit}, client mode) and the thin
 * jar. The warehouse it leaves (with its Derby metastore) is what the cluster test checks,
 * what the Delta Kernel test reads and what the notebooks run against.
 */
public final class ClusterWarehouse {
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(20);
  /** The pseudonym secret of the cluster run (a run on a cluster refuses to start without one); the notebooks use it too. */
  public static final String PSEUDONYM_SECRET = "cluster-test-secret-0123456789";
  private static ClusterWarehouse instance;

  /** The warehouse folder the run wrote (the notebooks rerun stages on it later). */
  public final Path warehouse;
  /**
   * A copy of the warehouse as the run left it, before any test wrote to it: the uninterrupted
   * run KillAndHealIT compares its healed run with.
   */
  public final Path asRun;
  /** The folder with the daemons' logs and the Worker's work dir. */
  public final Path clusterDir;
  public final int exitCode;
  /** What the driver printed (stdout and stderr). */
  public final String driverOutput;
  public final Duration runTime;
  public final Duration totalTime;
  /** The Master's JSON status after the run (completed applications). */
  public final String masterStatusAfterRun;
  public final List<Long> daemonPids;
  public final boolean daemonsStopped;

  private ClusterWarehouse(Path warehouse, Path asRun, Path clusterDir, int exitCode, String driverOutput, Duration runTime,
      Duration totalTime, String masterStatusAfterRun, List<Long> daemonPids, boolean daemonsStopped) {
    this.warehouse = warehouse;
    this.asRun = asRun;
    this.clusterDir = clusterDir;
    this.exitCode = exitCode;
    this.driverOutput = driverOutput;
    this.runTime = runTime;
    this.totalTime = totalTime;
    this.masterStatusAfterRun = masterStatusAfterRun;
    this.daemonPids = daemonPids;
    this.daemonsStopped = daemonsStopped;
  }

  public static synchronized ClusterWarehouse get() throws Exception {
    if (instance == null) {
      instance = build();
    }
    return instance;
  }

  private static ClusterWarehouse build() throws Exception {
    long t0 = System.nanoTime();
    Path repo = TestSpark.repoRoot();
    Path jar = Path.of(System.getProperty("cxlake.jar", repo.resolve("jobs/target/cxlake-jobs.jar").toString()));
    Path sparkHome = Path.of(System.getProperty("cxlake.spark.home", repo.resolve("jobs/target/spark-home").toString()));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: run through `mvn verify` (the jar is built in package)");
    }
    Path dir = Files.createTempDirectory("cxlake-cluster-");
    Path warehouse = dir.resolve("warehouse");
    Path config = writeLightConfig(repo, dir);
    try (StandaloneCluster cluster = StandaloneCluster.start(sparkHome, dir, 2, "3g")) {
      List<String> cmd = new ArrayList<>(cluster.javaCommand("2g"));
      cmd.add("-XX:+UseParallelGC");
      cmd.add("-Dlog4j2.configurationFile=" + repo.resolve("conf/log4j2.properties"));
      cmd.addAll(List.of("org.apache.spark.deploy.SparkSubmit",
          "--master", cluster.masterUrl(), "--deploy-mode", "client",
          "--class", "io.cxlake.cli.Main",
          "--conf", "spark.executor.memory=2g",
          // the collector bin/cxlake uses (docs/operations.md, "The driver's JVM")
          "--conf", "spark.executor.extraJavaOptions=-XX:+UseParallelGC",
          "--conf", "spark.cores.max=2",
          "--conf", "spark.ui.enabled=false",
          "--conf", "spark.driver.host=127.0.0.1",
          jar.toString(),
          "--config", config.toString(),
          "--warehouse", warehouse.toString(),
          "run"));
      Path driverLog = dir.resolve("driver.log");
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(driverLog.toFile());
      pb.environment().putAll(cluster.environment());
      pb.environment().put(io.cxlake.platform.PseudonymSecret.ENV, PSEUDONYM_SECRET);
      long r0 = System.nanoTime();
      Process driver = pb.start();
      if (!driver.waitFor(RUN_TIMEOUT.toMinutes(), TimeUnit.MINUTES)) {
        driver.destroyForcibly().waitFor();
        throw new IllegalStateException("the cluster run did not finish in " + RUN_TIMEOUT + "; see " + driverLog);
      }
      Duration runTime = Duration.ofNanos(System.nanoTime() - r0);
      String status = cluster.masterJson();
      cluster.close();
      Path asRun = dir.resolve("warehouse-as-run");
      copy(warehouse, asRun);
      return new ClusterWarehouse(warehouse, asRun, dir, driver.exitValue(),
          Files.readString(driverLog, StandardCharsets.UTF_8), runTime, Duration.ofNanos(System.nanoTime() - t0),
          status, cluster.pids(), cluster.stopped());
    }
  }

  private static void copy(Path from, Path to) throws java.io.IOException {
    if (!Files.isDirectory(from)) {
      return; // the run failed before writing: the cluster test reports it
    }
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  /**
   * The defaults with the costly searches made small (one churn model, a fixed cluster count
   * and LDA fits, fewer bootstrap resamples): every stage's code still runs on the cluster,
   * in a third of the time. The statistics themselves are checked by the recovery tests. Also
   * the settings of KillAndHealIT's runs.
   */
  public static Path writeLightConfig(Path repo, Path dir) throws java.io.IOException {
    Path config = dir.resolve("cluster-test.yaml");
    Files.writeString(config, String.join("\n",
        "sources: " + repo.resolve("conf/sources.yaml"),
        "segmentation:",
        "  cluster: {k: 3, restarts: 1}",
        "churn: {models: [logistic_regression], reg_params: [0.01], training_cutoffs: 2}",
        "drivers: {bootstrap: 30}",
        "voice: {topic_restarts: 1, lda_iterations: 20}",
        ""));
    return config;
  }

  /** The stderr files of the executors the Worker launched ({@code work/app-*}/{@code N}/stderr). */
  public List<Path> executorLogs() throws Exception {
    Path work = clusterDir.resolve("work");
    if (!Files.isDirectory(work)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(work)) {
      return files.filter(p -> p.getFileName().toString().equals("stderr")).toList();
    }
  }

  /** A Delta table of the warehouse by path (database folder {@code db}.db). */
  public Path table(String db, String table) {
    return warehouse.resolve(db + ".db").resolve(table);
  }
}
