package io.cxlake.cli;

import io.cxlake.core.Stage;
import io.cxlake.pipeline.Modules;
import io.cxlake.survival.OwnDurationsStage;
import io.cxlake.survival.SurvivalStage;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "survival", mixinStandardHelpOptions = true,
    description = {"Survival (docs/survival.md): Kaplan-Meier retention curves with Greenwood bands and log-rank tests "
        + "by cohort, region, channel and NPS group; a Cox model of the hazard of churning by NPS group. Writes "
        + "survival_curve, survival_group, survival_model.",
        "With --features: the same on your own customer-level table with a duration and an event column (bring your "
            + "own durations)."})
class SurvivalCommand extends StageCommand {
  @Mixin
  OwnTableOptions own;

  @Option(names = "--duration", paramLabel = "COL", description = "Duration column: time followed, 0 or more, in any unit (with --features).")
  String duration;

  @Option(names = "--event", paramLabel = "COL", description = "Event column: yes/true/1 = churned, no/false/0 = still a customer (with --features).")
  String event;

  @Option(names = "--id", paramLabel = "COL", description = "Customer id column, checked for blanks and duplicates (optional, with --features).")
  String id;

  @Option(names = "--weight", paramLabel = "COL",
      description = "Case weight column, a number above 0: the Cox model weighs each customer by it (optional, with --features).")
  String weight;

  @Override
  List<Stage> stages() {
    if (!own.given(OwnTableOptions.options("--duration", duration, "--event", event),
        OwnTableOptions.options("--id", id, "--weight", weight))) {
      return Modules.registry().plan(List.of(SurvivalStage.NAME));
    }
    return List.of(Modules.registry().declared(SurvivalStage.NAME,
        new OwnDurationsStage(own.features, own.format, duration, event, id, weight)));
  }
}
