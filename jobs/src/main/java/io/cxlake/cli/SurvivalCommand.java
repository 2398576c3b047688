package io.cxlake.cli;

import io.cxlake.core.Stage;
import io.cxlake.pipeline.Modules;
import io.cxlake.survival.OwnDurationsStage;
import io.cxlake.survival.SurvivalStage;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "survival", mixinStandardHelpOptions = true,
    description = {"Survival (docs/survival.md): Kaplan-Meier retention curves with Greenwood bands and log-rank tests "
        + "by cohort, region, channel and NPS group; a Cox model of the hazard of churning by NPS group. Writes "
        + "survival_curve, survival_group, survival_model.",
        "With --features: the same on your own customer-level table with a duration and an event column (bring your "
            + "own durations)."})
class SurvivalCommand extends StageCommand {
  @Option(names = "--features", paramLabel = "PATH_OR_TABLE",
      description = "Your own customer-level table: a CSV/Parquet/Delta path or a table name.")
  String features;

  @Option(names = "--duration", paramLabel = "COL", description = "Duration column: time followed, 0 or more, in any unit (with --features).")
  String duration;

  @Option(names = "--event", paramLabel = "COL", description = "Event column: yes/true/1 = churned, no/false/0 = still a customer (with --features).")
  String event;

  @Option(names = "--id", paramLabel = "COL", description = "Customer id column, checked for blanks and duplicates (optional, with --features).")
  String id;

  @Option(names = "--format", paramLabel = "csv|parquet|delta",
      description = "Format of --features (default: from the file name; a name without a path is a table).")
  String format;

  @Override
  List<Stage> stages() {
    if (features == null) {
      if (duration != null || event != null || id != null || format != null) {
        throw new IllegalArgumentException("--duration, --event, --id and --format go with --features");
      }
      return Modules.registry().plan(List.of(SurvivalStage.NAME));
    }
    if (duration == null || event == null) {
      throw new IllegalArgumentException("--features needs --duration COL and --event COL");
    }
    if (format != null && !List.of("csv", "parquet", "delta").contains(format)) {
      throw new IllegalArgumentException("--format must be csv, parquet or delta, was '" + format + "'");
    }
    return List.of(Modules.registry().declared(SurvivalStage.NAME, new OwnDurationsStage(features, format, duration, event, id)));
  }
}
