package io.cxlake.cli;

import io.cxlake.pipeline.Modules;
import io.cxlake.core.ConfigLoader;
import io.cxlake.core.JobContext;
import io.cxlake.core.Lakehouse;
import org.apache.spark.sql.SparkSession;

/** Opens the one session of a CLI invocation from the global options; closed at exit. */
final class Session implements AutoCloseable {
  final ConfigLoader.Loaded loaded;
  final SparkSession spark;
  final JobContext ctx;

  Session(Main g) {
    this(g, g.warehouse);
  }

  Session(Main g, String warehouse) {
    loaded = Modules.configLoader().load(g.config);
    spark = Lakehouse.open(loaded.config(), warehouse, g.conf);
    ctx = JobContext.create(spark, loaded, g.asOf, g.landing, g.fullRefresh);
  }

  String warehouse() {
    return spark.conf().get("spark.sql.warehouse.dir");
  }

  @Override
  public void close() {
    spark.stop();
  }
}
