package io.cxlake.core;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * When a pipeline run can leave a stage out: nothing its result depends on changed since its
 * last success. That is its settings (configuration, code build, pseudonym key, --as-of), the
 * Delta version of every table it reads, and the tables it wrote still at the versions it left
 * them. The last success's state is in {@code cx_ops.pipeline_run} ({@code inputs},
 * {@code outputs}), written with the stage's row, so a run killed after a stage finished
 * resumes after it, and one killed inside a stage redoes it (its row is missing, or a table it
 * half wrote has moved on).
 *
 * <p>A stage that writes files rather than tables (the report) names them: they must still be
 * as it left them (same modification time). Curate, metrics and alerts, which decide themselves
 * what to redo, are memos too: with their inputs and tables as their last success left them there
 * is nothing for them to redo, and finding that out themselves costs seconds of Spark jobs. Ingest
 * (it reads files) and stages that write nothing that can be checked declare no memo and always
 * run.
 *
 * @param settings   what besides tables the result depends on, as text
 * @param inputs     the tables the stage reads
 * @param outputs    the tables it writes (or updates)
 * @param outputFiles the files it writes (Hadoop URIs)
 * @param passOver   stages whose commits to a table are not a change of it: the customer_360
 *                   enrichment, whose MERGE only sets columns that stages contribute and none
 *                   reads back from customer_360 (nor does metrics, which writes the rest)
 * @param mayReuse   false when the stage was asked for by name ({@code run --only}): it runs, and
 *                   its state is still recorded
 */
public record StageMemo(String settings, List<TableRef> inputs, List<TableRef> outputs, List<String> outputFiles,
    List<String> passOver, boolean mayReuse) {
  /** How far back a table's history is searched for a commit other than the enrichment's. */
  private static final int HISTORY_DEPTH = 50;

  public StageMemo {
    List<TableRef> written = List.copyOf(outputs);
    inputs = inputs.stream().filter(t -> !written.contains(t)).distinct().toList();
    outputs = written;
    outputFiles = List.copyOf(outputFiles);
    passOver = List.copyOf(passOver);
  }

  /** A stage's state as its last success left it. */
  public record Last(String runId, String inputs, String outputs) {}

  /** The settings and input versions, as one text: {@code settings;table@version;...}. */
  String inputState(JobContext ctx) {
    StringBuilder s = new StringBuilder(settings);
    for (TableRef t : inputs) {
      s.append(';').append(t).append('@').append(version(ctx, t, passOver));
    }
    return s.toString();
  }

  /** The output tables' versions and files' modification times: {@code table@version,...,file@ms}. */
  String outputState(JobContext ctx) {
    List<String> out = new ArrayList<>();
    for (TableRef t : outputs) {
      out.add(t + "@" + version(ctx, t, passOver));
    }
    for (String f : outputFiles) {
      long modified = HadoopFiles.modified(f);
      out.add(f + "@" + (modified < 0 ? "-" : Long.toString(modified)));
    }
    return String.join(",", out);
  }

  /**
   * A table's current Delta version ("-" when it does not exist), passing over the commits of
   * the stages {@code passOver} (the latest other commit's version).
   */
  static String version(JobContext ctx, TableRef t, List<String> passOver) {
    String name = ctx.catalog().name(t);
    long v = passOver.isEmpty() ? TableVersions.latest(ctx.spark(), name)
        : TableVersions.latestNotBy(ctx.spark(), name, passOver, HISTORY_DEPTH);
    return v < 0 ? "-" : Long.toString(v);
  }

  /**
   * The last success of every stage that recorded its state: one row per stage of the run log
   * (a handful of rows, one per stage).
   */
  static Map<String, Last> lastSuccesses(JobContext ctx) {
    String table = ctx.catalog().ops(OpsTables.PIPELINE_RUN);
    Dataset<Row> log = ctx.spark().table(table);
    Map<String, Last> last = new HashMap<>();
    if (!TableColumns.has(log, "inputs")) {
      return last; // a run log from before stages recorded their state
    }
    for (Row r : log.where(col("status").equalTo("success").and(col("inputs").isNotNull()))
        .groupBy("job").agg(max_by(struct("run_id", "inputs", "outputs"), col("ended_at")).as("last"))
        .select("job", "last.run_id", "last.inputs", "last.outputs").collectAsList()) {
      last.put(r.getString(0), new Last(r.getString(1), r.getString(2), r.getString(3)));
    }
    return last;
  }
}
