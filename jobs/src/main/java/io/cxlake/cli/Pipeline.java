package io.cxlake.cli;

import io.cxlake.core.JobRunner;
import java.io.PrintStream;
import java.util.List;

/** The per-stage summary of a run (the stages themselves come from io.cxlake.pipeline.Modules). */
final class Pipeline {
  private Pipeline() {}

  /**
   * Prints the per-stage summary; returns the exit code: 0 when every stage succeeded or was
   * skipped for missing input, 1 when one failed, 2 when a stage found a configuration error.
   */
  /** Where the run's report is, when the report stage ran: the last line a person reads. */
  static void printReport(io.cxlake.core.JobContext ctx, List<JobRunner.StageOutcome> outcomes, PrintStream out) {
    if (outcomes.stream().anyMatch(o -> o.stage().equals(io.cxlake.report.ReportStage.NAME) && o.status().equals("success"))) {
      String at = io.cxlake.report.ReportStage.location(ctx, io.cxlake.report.ReportStage.asOf(ctx));
      out.println();
      out.println("Report: " + io.cxlake.core.HadoopFiles.display(at) + "/index.html (open it in a browser; no server needed)");
    }
  }

  static int summarize(List<JobRunner.StageOutcome> outcomes, PrintStream out) {
    out.println();
    out.printf("%-10s %-8s %9s %12s %12s  %s%n", "stage", "status", "seconds", "rows in", "rows out", "note");
    int code = 0;
    for (JobRunner.StageOutcome o : outcomes) {
      String note = o.error() != null ? o.error() : o.reason() != null ? o.reason() : "";
      out.printf("%-10s %-8s %9.1f %12s %12s  %s%n", o.stage(), o.status(), o.elapsed().toMillis() / 1000.0,
          o.result() == null ? "-" : o.result().rowsIn(), o.result() == null ? "-" : o.result().rowsOut(), note);
      code = Math.max(code, o.exitCode());
    }
    return code;
  }
}
