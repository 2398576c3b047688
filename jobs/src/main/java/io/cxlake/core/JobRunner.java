package io.cxlake.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs stages in order under one run id: step counter, timing, one run-log row per stage.
 * Each stage is decided in this order (the cheap checks first):
 * <ul>
 *   <li>A stage that needs a table a skipped stage of this run did not write is {@code skipped}
 *       with the reason (logged with status skipped).</li>
 *   <li>A stage whose settings, input tables and output tables are as its last success left
 *       them ({@link StageMemo}) is {@code unchanged}: not run, logged so; its tables stand. Its
 *       inputs are not read: at the versions of that success they still have the rows they had.</li>
 *   <li>A stage whose required input table does not exist or has no rows is {@code skipped}
 *       with the reason; so is one that throws {@link NothingToDo} after reading its inputs.</li>
 *   <li>A failing stage stops the stages that read what it writes, directly or through
 *       another stopped stage: they are returned as skipped ("not run: X failed"), not run and
 *       not logged. Stages that do not depend on it still run.</li>
 * </ul>
 * The failure is returned, not thrown, so the caller can print the summary before exiting.
 */
public final class JobRunner {
  private JobRunner() {}

  /**
   * The outcome of one stage.
   *
   * @param status success | failed | skipped | unchanged
   * @param error  the one-line cause of a failure (null otherwise)
   * @param reason why a stage was skipped (null otherwise)
   * @param exitCode the process exit code this outcome calls for: 0, 1 for a failure, 2 for a
   *                 configuration error found while running
   */
  public record StageOutcome(String stage, String status, Duration elapsed, StageResult result, String error,
      String reason, int exitCode) {
    public StageOutcome(String stage, String status, Duration elapsed, StageResult result, String error, String reason) {
      this(stage, status, elapsed, result, error, reason, "failed".equals(status) ? 1 : 0);
    }

    public boolean failed() {
      return "failed".equals(status);
    }
  }

  /** Told before and after each stage that runs (not those skipped for a failed upstream stage). */
  public interface Observer {
    Observer NONE = new Observer() {
      @Override
      public void beforeStage(Stage stage) {}

      @Override
      public void afterStage(Stage stage, StageOutcome outcome) {}
    };

    void beforeStage(Stage stage);

    void afterStage(Stage stage, StageOutcome outcome);
  }

  public static List<StageOutcome> run(JobContext ctx, List<? extends Stage> stages) {
    return run(ctx, stages, Observer.NONE);
  }

  public static List<StageOutcome> run(JobContext ctx, List<? extends Stage> stages, Observer observer) {
    List<StageOutcome> outcomes = new ArrayList<>();
    // Tables not (freshly) written in this run, with what to say to the stages that read them.
    Map<TableRef, String> failedTables = new HashMap<>();
    Map<TableRef, String> skippedTables = new HashMap<>();
    Map<String, StageMemo.Last> lastSuccesses = null; // read at the first stage that declares a memo
    int i = 0;
    for (Stage stage : stages) {
      i++;
      String failedUpstream = stage.reads().stream().map(failedTables::get).filter(r -> r != null).findFirst().orElse(null);
      if (failedUpstream != null) {
        outcomes.add(new StageOutcome(stage.name(), "skipped", Duration.ZERO, null, null, failedUpstream));
        stage.writes().forEach(t -> failedTables.put(t, failedUpstream));
        continue;
      }
      Progress.step(i, stages.size(), stage.name(), "run " + ctx.runId());
      observer.beforeStage(stage);
      StageMemo memo = stage.memo(ctx);
      if (memo != null && lastSuccesses == null) {
        lastSuccesses = StageMemo.lastSuccesses(ctx);
      }
      StageOutcome outcome = runOne(ctx, stage, skippedTables, memo, memo == null ? null : lastSuccesses.get(stage.name()));
      observer.afterStage(stage, outcome);
      outcomes.add(outcome);
      Progress.info("{}: {} in {} s{}", stage.name(), outcome.status(),
          String.format("%.1f", outcome.elapsed().toMillis() / 1000.0),
          outcome.reason() != null ? " — " + outcome.reason()
              : outcome.result() == null ? "" : " (rows in " + outcome.result().rowsIn() + ", out " + outcome.result().rowsOut() + ")");
      if (outcome.failed()) {
        String note = "not run: " + stage.name() + " failed";
        stage.writes().forEach(t -> failedTables.put(t, note));
      }
    }
    return outcomes;
  }

  private static StageOutcome runOne(JobContext ctx, Stage stage, Map<TableRef, String> skippedTables, StageMemo memo,
      StageMemo.Last last) {
    Instant start = Instant.now();
    String notWritten = stage.requires().stream().map(skippedTables::get).filter(r -> r != null).findFirst().orElse(null);
    if (notWritten == null && !stage.requiresAny().isEmpty() && stage.requiresAny().stream().allMatch(skippedTables::containsKey)) {
      notWritten = noneHasRows(ctx, stage);
    }
    if (notWritten != null) {
      return skip(ctx, stage, start, notWritten, skippedTables);
    }
    // Unchanged first: inputs at the versions of the last success had rows then, so they still
    // have; the emptiness checks below cost a Spark job per table.
    String inputs = memo == null ? null : memo.inputState(ctx);
    if (memo != null && memo.mayReuse() && !ctx.fullRefresh() && last != null && last.inputs().equals(inputs)
        && last.outputs().equals(memo.outputState(ctx))) {
      String reason = "inputs, settings and tables as run " + last.runId() + " left them";
      log(ctx, stage.name(), start, Instant.now(), "unchanged", null, reason, null, null);
      return new StageOutcome(stage.name(), "unchanged", Duration.between(start, Instant.now()), null, null, reason);
    }
    String missing = missingInput(ctx, stage.requires());
    if (missing == null && !stage.requiresAny().isEmpty()
        && stage.requiresAny().stream().allMatch(t -> skippedTables.containsKey(t) || missingInput(ctx, List.of(t)) != null)) {
      missing = noneHasRows(ctx, stage);
    }
    if (missing != null) {
      return skip(ctx, stage, start, missing, skippedTables);
    }
    StageResult result = null;
    String error = null;
    int exitCode = 0;
    // The job group names the stage in the Spark UI (jobs and SQL tabs) and in listeners; the
    // commit tag names it in each table's history.
    ctx.spark().sparkContext().setJobGroup("cxlake:" + stage.name(), "cxlake " + stage.name() + " (run " + ctx.runId() + ")",
        false);
    ctx.spark().conf().set(COMMIT_TAG, commitTag(ctx.runId(), stage.name()));
    CodegenChoice.Choice codegen = null;
    try {
      codegen = CodegenChoice.apply(ctx, stage);
      result = stage.run(ctx);
      if (result.failed()) {
        error = String.join("; ", result.problems());
      }
    } catch (NothingToDo e) {
      return skip(ctx, stage, start, e.getMessage(), skippedTables);
    } catch (CxlakeException e) {
      error = e.getMessage();
      exitCode = e.exitCode();
    } catch (Exception e) {
      // Spark's AnalysisException is a checked exception in Java terms.
      error = oneLine(e);
      Progress.warn("{} failed", stage.name(), e);
    } finally {
      if (codegen != null) {
        codegen.restore(ctx.spark());
      }
      ctx.spark().sparkContext().clearJobGroup();
      ctx.spark().conf().set(COMMIT_TAG, commitTag(ctx.runId(), null));
    }
    Instant end = Instant.now();
    boolean ok = error == null;
    log(ctx, stage.name(), start, end, ok ? "success" : "failed", result, error, ok ? inputs : null,
        ok && memo != null ? memo.outputState(ctx) : null);
    return new StageOutcome(stage.name(), error == null ? "success" : "failed", Duration.between(start, end),
        result, error, null, error == null ? 0 : Math.max(1, exitCode));
  }

  private static String noneHasRows(JobContext ctx, Stage stage) {
    return "none of " + String.join(", ", stage.requiresAny().stream().map(t -> ctx.catalog().name(t)).toList()) + " has rows";
  }

  /** Records a skipped stage; the stages that need what it writes are skipped in turn. */
  private static StageOutcome skip(JobContext ctx, Stage stage, Instant start, String reason,
      Map<TableRef, String> skippedTables) {
    log(ctx, stage.name(), start, Instant.now(), "skipped", null, reason, null, null);
    stage.writes().forEach(t -> skippedTables.put(t, "needs " + t + ", which " + stage.name() + " did not write"));
    return new StageOutcome(stage.name(), "skipped", Duration.between(start, Instant.now()), null, null, reason);
  }

  /** Why a required input cannot be used (missing or without rows), or null when all can. */
  static String missingInput(JobContext ctx, List<TableRef> required) {
    for (TableRef t : required) {
      String name = ctx.catalog().name(t);
      if (!ctx.spark().catalog().tableExists(name)) {
        return name + " does not exist";
      }
      if (ctx.spark().table(name).isEmpty()) {
        return name + " has no rows";
      }
    }
    return null;
  }

  /** The session setting whose value Delta writes into each commit's {@code userMetadata}. */
  static final String COMMIT_TAG = "spark.databricks.delta.commitInfo.userMetadata";

  /**
   * What each Delta commit of a run carries: the run id and, within a stage, its name
   * ({@code cxlake run ID stage NAME}). `cxlake history` shows which run and stage wrote a
   * version, and cx_ops.pipeline_run tells what that run did.
   */
  static String commitTag(String runId, String stage) {
    return "cxlake run " + runId + (stage == null ? "" : " stage " + stage);
  }

  /** The stage named in a commit's tag, or null. */
  static String stageOfCommit(String tag) {
    int at = tag.startsWith("cxlake run ") ? tag.lastIndexOf(" stage ") : -1;
    return at < 0 ? null : tag.substring(at + " stage ".length());
  }

  private static void log(JobContext ctx, String stage, Instant start, Instant end, String status, StageResult result,
      String error, String inputs, String outputs) {
    try {
      RunLog.record(ctx, stage, start, end, status, result == null ? null : result.rowsIn(),
          result == null ? null : result.rowsOut(), error, inputs, outputs);
    } catch (RuntimeException e) {
      Progress.warn("could not write the run log: {}", oneLine(e));
    }
  }

  /** A one-line cause: the innermost message, without stack traces. */
  public static String oneLine(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    String outer = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    String line = (t == e ? msg : outer).split("\n")[0];
    return line.length() > 500 ? line.substring(0, 500) + "…" : line;
  }
}
