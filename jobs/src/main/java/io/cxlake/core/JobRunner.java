package io.cxlake.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs stages in order under one run id: step counter, timing, one run-log row per stage.
 * A failing stage stops the stages after it (they depend on its output): they are returned
 * as "skipped", not run and not logged. The failure is returned, not thrown, so the caller
 * can print the summary before exiting non-zero.
 */
public final class JobRunner {
  private JobRunner() {}

  /** The outcome of one stage. */
  public record StageOutcome(String stage, String status, Duration elapsed, StageResult result, String error) {}

  public static List<StageOutcome> run(JobContext ctx, List<Stage> stages) {
    List<StageOutcome> outcomes = new ArrayList<>();
    int i = 0;
    for (Stage stage : stages) {
      i++;
      Progress.step(i, stages.size(), stage.name(), "run " + ctx.runId());
      Instant start = Instant.now();
      StageResult result = null;
      String error = null;
      try {
        result = stage.run(ctx);
        if (result.failed()) {
          error = String.join("; ", result.problems());
        }
      } catch (CxlakeException e) {
        error = e.getMessage();
      } catch (Exception e) {
        // Spark's AnalysisException is a checked exception in Java terms.
        error = oneLine(e);
        Progress.warn("{} failed", stage.name(), e);
      }
      Instant end = Instant.now();
      String status = error == null ? "success" : "failed";
      try {
        RunLog.record(ctx, stage.name(), start, end, status,
            result == null ? null : result.rowsIn(), result == null ? null : result.rowsOut(), error);
      } catch (RuntimeException e) {
        Progress.warn("could not write the run log: {}", oneLine(e));
      }
      outcomes.add(new StageOutcome(stage.name(), status, Duration.between(start, end), result, error));
      if (error != null) {
        for (Stage later : stages.subList(i, stages.size())) {
          outcomes.add(new StageOutcome(later.name(), "skipped", Duration.ZERO, null, null));
        }
        break;
      }
    }
    return outcomes;
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
