package io.cxlake.core;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.delta.tables.DeltaTable;
import java.net.InetAddress;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One writer at a time per catalog: the run that writes holds a lease, a row in a small Delta
 * table at {@value #LOCATION} under the warehouse (keyed by the ops database, so catalogs with
 * other database names in the same warehouse do not block each other).
 *
 * <ul>
 *   <li>Taken with a MERGE on a table whose isolation level is Serializable: of two runs that
 *       start at once, one commits and the other's MERGE either sees that row or fails with a
 *       conflict; either way it finds another holder and stops with exit code 3.</li>
 *   <li>Renewed by a heartbeat every quarter of its time to live; released when the command
 *       ends. A holder that died leaves its lease until it expires; on the same host a dead
 *       process is recognised at once (its pid is gone), so a local re-run after a kill need
 *       not wait.</li>
 *   <li>A path table, not one in the metastore: it is taken before the metastore is opened,
 *       so a second process on an embedded-Derby warehouse gets this message, not Derby's lock
 *       error.</li>
 * </ul>
 */
public final class RunLease implements AutoCloseable {
  public static final String LOCATION = "_cxlake/run_lease";
  /** The exit code of a command that finds the warehouse held by another run. */
  public static final int HELD_EXIT_CODE = 3;
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
      .withZone(ZoneOffset.UTC);
  private static final StructType SCHEMA = new StructType()
      .add("lease_key", DataTypes.StringType, false)
      .add("run_id", DataTypes.StringType, false)
      .add("owner", DataTypes.StringType, false)
      .add("command", DataTypes.StringType, false)
      .add("acquired_at", DataTypes.TimestampType, false)
      .add("heartbeat_at", DataTypes.TimestampType, false)
      .add("expires_at", DataTypes.TimestampType, false);

  /** Who holds (or held) a lease: its run, process ({@code pid@host}), command and times. */
  public record Holder(String runId, String owner, String command, Instant acquiredAt, Instant heartbeatAt,
      Instant expiresAt) {
    String describe() {
      return "run " + runId + " (" + command + ", process " + owner + ") since " + TIME.format(acquiredAt)
          + ", last heartbeat " + TIME.format(heartbeatAt);
    }

    /** Expired, or a process of this host that no longer exists. */
    boolean gone(Instant now) {
      if (now.isAfter(expiresAt)) {
        return true;
      }
      int at = owner.indexOf('@');
      if (at < 0 || !owner.substring(at + 1).equals(HOST)) {
        return false;
      }
      try {
        return ProcessHandle.of(Long.parseLong(owner.substring(0, at))).isEmpty();
      } catch (NumberFormatException e) {
        return false;
      }
    }
  }

  private static final String HOST = hostName();

  private final SparkSession spark;
  private final String path;
  private final String key;
  private final Holder me;
  private final Duration ttl;
  private final Holder takenOver;
  private final ScheduledExecutorService heartbeat;
  private volatile String lostTo;

  private RunLease(SparkSession spark, String path, String key, Holder me, Duration ttl, Holder takenOver) {
    this.spark = spark;
    this.path = path;
    this.key = key;
    this.me = me;
    this.ttl = ttl;
    this.takenOver = takenOver;
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "cxlake-run-lease");
      t.setDaemon(true);
      return t;
    });
    long every = Math.max(1000, ttl.toMillis() / 4);
    heartbeat.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
  }

  /** Takes the lease of the configured catalog (its ops database, under its files root) for run {@code runId}. */
  public static RunLease acquire(SparkSession spark, CxlakeConfig config, String runId, String command) {
    Catalog catalog = new Catalog(config.catalog());
    return acquire(spark, catalog.filesRoot(spark), catalog.names().opsDb(), runId, command,
        Duration.ofSeconds(config.runtime().runLeaseSeconds()));
  }

  /** Writes the abandoned row of the run this lease took over, if any (once the ops tables exist). */
  public void recordTakeover(JobContext ctx) {
    if (takenOver != null) {
      RunLog.recordAbandoned(ctx, takenOver);
    }
  }

  /**
   * Takes the lease of catalog {@code key} under {@code root} for run {@code runId}, or throws
   * a {@link CxlakeException} with exit code {@value #HELD_EXIT_CODE} naming the holder.
   */
  public static RunLease acquire(SparkSession spark, String root, String key, String runId, String command,
      Duration ttl) {
    String path = root.replaceAll("/+$", "") + "/" + LOCATION;
    ensureTable(spark, path);
    for (int attempt = 1; ; attempt++) {
      Holder current = read(spark, path, key);
      Instant now = Instant.now();
      if (current != null && !current.gone(now)) {
        throw held(root, current);
      }
      Holder me = new Holder(runId, ProcessHandle.current().pid() + "@" + HOST, command, now, now, now.plus(ttl));
      Row written;
      try {
        var merge = DeltaTable.forPath(spark, path).as("t").merge(spark.createDataFrame(List.of(row(key, me)), SCHEMA).as("s"),
            // The key as a literal too, so the MERGE reads (and can conflict on) this catalog's partition only.
            col("t.lease_key").equalTo(lit(key)).and(col("t.lease_key").equalTo(col("s.lease_key"))));
        // Only the very lease that was seen to be gone is replaced.
        if (current != null) {
          merge = merge.whenMatched(col("t.run_id").equalTo(lit(current.runId()))).updateAll();
        }
        written = merge.whenNotMatched().insertAll().execute().first();
      } catch (RuntimeException e) {
        if (!DeltaRetry.isConflict(e) || attempt >= 3) {
          throw e;
        }
        continue; // another run committed at the same moment: look again
      }
      if (written.<Long>getAs("num_affected_rows") == 0) {
        // Someone else's lease is in place (taken between our read and our MERGE).
        Holder holder = read(spark, path, key);
        if (holder == null && attempt < 3) {
          continue; // and released again already
        }
        throw held(root, holder == null ? me : holder);
      }
      // Inserted although a lease was seen: its holder released it meanwhile; nothing was taken over.
      Holder replaced = written.<Long>getAs("num_updated_rows") == 1 ? current : null;
      if (replaced != null) {
        Progress.warn("took over the run lease of {}: {}", replaced.describe(),
            now.isAfter(replaced.expiresAt()) ? "it expired at " + TIME.format(replaced.expiresAt())
                : "its process is gone");
      }
      return new RunLease(spark, path, key, me, ttl, replaced);
    }
  }

  /** The run whose lease this one replaced because it had died, or null. */
  public Holder takenOver() {
    return takenOver;
  }

  /** Stops with exit code 3 when another run has taken this lease (after a stall longer than its time to live). */
  public void check(String before) {
    if (lostTo != null) {
      throw new CxlakeException("this run's lease was taken over by " + lostTo + " (no heartbeat for over "
          + ttl.toSeconds() + " s); stopping before " + before, HELD_EXIT_CODE, null);
    }
  }

  /** Stops the heartbeat and releases the lease (when still held). */
  @Override
  public void close() {
    heartbeat.shutdownNow();
    try {
      heartbeat.awaitTermination(30, TimeUnit.SECONDS);
      if (lostTo == null) {
        DeltaRetry.write(path, () -> DeltaTable.forPath(spark, path)
            .delete(col("lease_key").equalTo(key).and(col("run_id").equalTo(me.runId()))));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      Progress.warn("could not release the run lease in {} (it expires by itself): {}", path, JobRunner.oneLine(e));
    }
  }

  private void renew() {
    try {
      Instant now = Instant.now();
      DeltaTable.forPath(spark, path).update(col("lease_key").equalTo(key).and(col("run_id").equalTo(me.runId())),
          Map.of("heartbeat_at", lit(Timestamp.from(now)), "expires_at", lit(Timestamp.from(now.plus(ttl)))));
      Holder after = read(spark, path, key);
      if (after == null || !after.runId().equals(me.runId())) {
        lostTo = after == null ? "nobody (the lease row is gone)" : after.describe();
        Progress.warn("the run lease was lost to {}", lostTo);
        heartbeat.shutdown();
      }
    } catch (RuntimeException e) {
      // A missed heartbeat is not fatal: the next one renews before the lease expires.
      Progress.warn("run lease heartbeat failed: {}", JobRunner.oneLine(e));
    }
  }

  private static void ensureTable(SparkSession spark, String path) {
    if (DeltaTable.isDeltaTable(spark, path)) {
      return;
    }
    try {
      // A path write, not CREATE TABLE: it does not open the metastore.
      spark.createDataFrame(List.of(), SCHEMA).write().format("delta").mode("ignore")
          // Any concurrent insert conflicts with a MERGE that read the same catalog's partition;
          // leases of other catalogs never conflict.
          .option("delta.isolationLevel", "Serializable")
          .partitionBy("lease_key")
          .save(path);
    } catch (RuntimeException e) {
      // Two first runs may create it at the same moment: fine as long as it exists now.
      if (!DeltaTable.isDeltaTable(spark, path)) {
        throw e;
      }
    }
  }

  private static Holder read(SparkSession spark, String path, String key) {
    List<Row> rows = spark.read().format("delta").load(path).where(col("lease_key").equalTo(key)).collectAsList();
    if (rows.isEmpty()) {
      return null;
    }
    Row r = rows.get(0);
    return new Holder(r.getString(1), r.getString(2), r.getString(3), r.getTimestamp(4).toInstant(),
        r.getTimestamp(5).toInstant(), r.getTimestamp(6).toInstant());
  }

  private static Row row(String key, Holder h) {
    return RowFactory.create(key, h.runId(), h.owner(), h.command(), Timestamp.from(h.acquiredAt()),
        Timestamp.from(h.heartbeatAt()), Timestamp.from(h.expiresAt()));
  }

  private static CxlakeException held(String root, Holder h) {
    return new CxlakeException("the warehouse " + HadoopFiles.display(root) + " is in use by " + h.describe()
        + "; its lease expires at " + TIME.format(h.expiresAt()) + " unless renewed. Wait for that run to end (or, if "
        + "its process is dead, for the expiry) and start again", HELD_EXIT_CODE, null);
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "unknown-host";
    }
  }
}
