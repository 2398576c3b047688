package io.cxlake.cli;

import io.cxlake.core.ConfigLoader;
import io.cxlake.core.JobContext;
import io.cxlake.core.Lakehouse;
import io.cxlake.pipeline.Modules;
import java.lang.management.ManagementFactory;
import org.apache.spark.sql.SparkSession;

/** Opens the one session of a CLI invocation from the global options; closed at exit. */
final class Session implements AutoCloseable {
  /**
   * Where the time before the first stage went, in seconds.
   *
   * @param jvm       JVM start to the command opening its session (class loading, option parsing)
   * @param session   building the SparkSession (Delta extensions, Hive support)
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

  Session(Main g) {
    this(g, g.warehouse);
  }

  Session(Main g, String warehouse) {
    long t0 = System.currentTimeMillis();
    double jvm = (t0 - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1000.0;
    loaded = Modules.configLoader().load(g.config);
    spark = Lakehouse.open(loaded.config(), warehouse, g.conf);
    long t1 = System.currentTimeMillis();
    ctx = JobContext.create(spark, loaded, g.asOf, g.landing, g.fullRefresh);
    startup = new Startup(jvm, (t1 - t0) / 1000.0, (System.currentTimeMillis() - t1) / 1000.0);
  }

  String warehouse() {
    return spark.conf().get("spark.sql.warehouse.dir");
  }

  @Override
  public void close() {
    spark.stop();
  }
}
