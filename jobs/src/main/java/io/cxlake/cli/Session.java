package io.cxlake.cli;

import io.cxlake.core.ConfigLoader;
import io.cxlake.core.JobContext;
import io.cxlake.core.JobRunner;
import io.cxlake.core.Lakehouse;
import io.cxlake.core.RunIds;
import io.cxlake.core.RunLease;
import io.cxlake.core.Stage;
import io.cxlake.pipeline.Modules;
import java.lang.management.ManagementFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Opens the one session of a CLI invocation from the global options; closed at exit. A command
 * that writes holds the catalog's {@link RunLease} from before the metastore opens to its end.
 */
final class Session implements AutoCloseable {
  /**
   * Where the time before the first stage went, in seconds.
   *
   * @param jvm       JVM start to the command opening its session (class loading, option parsing)
   * @param session   building the SparkSession (Delta extensions, Hive support) and, for a
   *                  command that writes, taking the run lease
   * @param catalog   the metastore's first use, the databases and the ops tables
   */
  record Startup(double jvm, double session, double catalog) {
    double total() {
      return jvm + session + catalog;
    }
  }

  final ConfigLoader.Loaded loaded;
  final SparkSession spark;
  final JobContext ctx;
  final Startup startup;
  private final RunLease lease;

  /** A session for a command that only reads (no lease). */
  static Session reading(Main g) {
    return new Session(g, g.warehouse, null);
  }

  /** A session for command {@code command}, which writes: it holds the lease or stops with exit code 3. */
  static Session writing(Main g, String command) {
    return new Session(g, g.warehouse, command);
  }

  Session(Main g, String warehouse, String writingCommand) {
    this(g, warehouse, writingCommand, System.currentTimeMillis());
  }

  /**
   * As above, for a command that does other work before it opens the session (bench generates
   * its data first): {@code commandStarted} ends the JVM's part of the start-up.
   */
  Session(Main g, String warehouse, String writingCommand, long commandStarted) {
    long t0 = System.currentTimeMillis();
    double jvm = (commandStarted - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1000.0;
    loaded = Modules.configLoader().load(g.config);
    spark = Lakehouse.open(loaded.config(), warehouse, g.conf);
    String runId = RunIds.next();
    RunLease taken = null;
    try {
      if (writingCommand != null) {
        taken = RunLease.acquire(spark, loaded.config(), runId, writingCommand);
        Lakehouse.setAsideHalfMadeMetastore(loaded.config(), spark);
      }
      long t1 = System.currentTimeMillis();
      ctx = JobContext.create(spark, loaded, runId, g.asOf, g.landing, g.fullRefresh);
      if (taken != null) {
        taken.recordTakeover(ctx);
      }
      startup = new Startup(jvm, (t1 - t0) / 1000.0, (System.currentTimeMillis() - t1) / 1000.0);
    } catch (RuntimeException e) {
      if (taken != null) {
        taken.close();
      }
      spark.stop();
      throw e;
    }
    lease = taken;
  }

  /** {@code observer}, and before each stage a check that this run still holds its lease. */
  JobRunner.Observer guarded(JobRunner.Observer observer) {
    if (lease == null) {
      return observer;
    }
    return new JobRunner.Observer() {
      @Override
      public void beforeStage(Stage stage) {
        lease.check(stage.name());
        observer.beforeStage(stage);
      }

      @Override
      public void afterStage(Stage stage, JobRunner.StageOutcome outcome) {
        observer.afterStage(stage, outcome);
      }
    };
  }

  String warehouse() {
    return spark.conf().get("spark.sql.warehouse.dir");
  }

  @Override
  public void close() {
    if (lease != null) {
      lease.close();
    }
    spark.stop();
  }
}
