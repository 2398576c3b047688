package io.cxlake.cli;

import io.cxlake.churn.ChurnStage;
import io.cxlake.core.JobRunner;
import io.cxlake.core.Stage;
import io.cxlake.curate.CurateStage;
import io.cxlake.drivers.DriversStage;
import io.cxlake.drivers.JourneyStage;
import io.cxlake.ingest.IngestStage;
import io.cxlake.metrics.AlertsStage;
import io.cxlake.metrics.MetricsStage;
import io.cxlake.segment.ClusterStage;
import io.cxlake.segment.SegmentStage;
import java.io.PrintStream;
import java.util.List;

/** The stages of the whole pipeline in dependency order; later stages add themselves here. */
final class Pipeline {
  private Pipeline() {}

  static List<Stage> stages() {
    return List.of(new IngestStage(), new CurateStage(), new MetricsStage(), new SegmentStage(), new ClusterStage(),
        new ChurnStage(), new DriversStage(), new JourneyStage(), new io.cxlake.text.VoiceStage(), new AlertsStage());
  }

  /** Stages to run for --only / --from (null: all). */
  static List<Stage> select(String only, String from) {
    List<Stage> all = stages();
    List<String> names = all.stream().map(Stage::name).toList();
    if (only != null) {
      if (!names.contains(only)) {
        throw new IllegalArgumentException("--only: unknown stage '" + only + "' (stages: " + names + ")");
      }
      return all.stream().filter(s -> s.name().equals(only)).toList();
    }
    if (from != null) {
      int i = names.indexOf(from);
      if (i < 0) {
        throw new IllegalArgumentException("--from: unknown stage '" + from + "' (stages: " + names + ")");
      }
      return all.subList(i, all.size());
    }
    return all;
  }

  /** Prints the per-stage summary; returns the exit code (0 when every stage succeeded). */
  static int summarize(List<JobRunner.StageOutcome> outcomes, PrintStream out) {
    out.println();
    out.printf("%-10s %-8s %9s %12s %12s  %s%n", "stage", "status", "seconds", "rows in", "rows out", "note");
    int code = 0;
    String failed = null;
    for (JobRunner.StageOutcome o : outcomes) {
      if (o.error() != null) {
        failed = o.stage();
      }
      String note = o.error() != null ? o.error() : "skipped".equals(o.status()) ? "not run: " + failed + " failed" : "";
      out.printf("%-10s %-8s %9.1f %12s %12s  %s%n", o.stage(), o.status(), o.elapsed().toMillis() / 1000.0,
          o.result() == null ? "-" : o.result().rowsIn(), o.result() == null ? "-" : o.result().rowsOut(), note);
      if (o.error() != null) {
        code = 1;
      }
    }
    return code;
  }
}
