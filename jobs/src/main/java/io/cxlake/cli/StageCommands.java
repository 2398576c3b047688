package io.cxlake.cli;

import io.cxlake.core.JobRunner;
import io.cxlake.core.Stage;
import io.cxlake.curate.CurateStage;
import io.cxlake.ingest.IngestStage;
import io.cxlake.metrics.AlertsStage;
import io.cxlake.metrics.MetricsStage;
import io.cxlake.segment.ClusterStage;
import io.cxlake.segment.SegmentStage;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** Runs a list of stages in one session and prints the summary. */
abstract class StageCommand implements Callable<Integer> {
  @ParentCommand
  Main global;

  abstract List<Stage> stages();

  @Override
  public Integer call() {
    try (Session s = new Session(global)) {
      return Pipeline.summarize(JobRunner.run(s.ctx, stages()), System.out);
    }
  }
}

@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = "Landing files -> bronze Delta tables (new or changed files only).")
class IngestCommand extends StageCommand {
  @Override
  List<Stage> stages() {
    return List.of(new IngestStage());
  }
}

@Command(name = "curate", mixinStandardHelpOptions = true,
    description = "Bronze -> silver: typed, validated, deduplicated, upserted; bad rows to cx_ops.quarantine.")
class CurateCommand extends StageCommand {
  @Override
  List<Stage> stages() {
    return List.of(new CurateStage());
  }
}

@Command(name = "metrics", mixinStandardHelpOptions = true,
    description = "Silver -> gold marts: dimensions, facts, customer_360, kpi_experience, kpi_operations, kpi_heart "
        + "(only the periods new data touches; --full-refresh rebuilds).")
class MetricsCommand extends StageCommand {
  @Override
  List<Stage> stages() {
    return List.of(new MetricsStage());
  }
}

@Command(name = "alerts", mixinStandardHelpOptions = true,
    description = "KPI alerts against trailing and last-year baselines, thresholds, and the detractor follow-up list; "
        + "prints a summary.")
class AlertsCommand extends StageCommand {
  @Override
  List<Stage> stages() {
    return List.of(new AlertsStage());
  }
}

@Command(name = "segment", mixinStandardHelpOptions = true,
    description = "RFM scores and segments (customer_rfm) and the ABC value model with Pareto classes (customer_value) "
        + "for the latest customer_360 snapshot (or --as-of).")
class SegmentCommand extends StageCommand {
  @Override
  List<Stage> stages() {
    return List.of(new SegmentStage());
  }
}

@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = "Clusters customers on the configured features (k by silhouette), writes customer_cluster and "
        + "cluster_profile with plain-language labels.")
class ClusterCommand extends StageCommand {
  @Override
  List<Stage> stages() {
    return List.of(new ClusterStage());
  }
}

@Command(name = "drivers", mixinStandardHelpOptions = true,
    description = "Key-driver analysis of the configured outcomes (NPS, CSAT, repurchase, renewal ...) on the attribute "
        + "ratings: relative weights with bootstrap CIs, significance against a noise probe, quadrants, Kano; writes key_driver.")
class DriversCommand extends StageCommand {
  @Override
  List<Stage> stages() {
    return List.of(new io.cxlake.drivers.DriversStage());
  }
}

@Command(name = "journey", mixinStandardHelpOptions = true,
    description = "Touchpoint journey per period, journey stage and touchpoint: volume, scores, complaints, response "
        + "times, top driver and pain index; writes touchpoint_journey.")
class JourneyCommand extends StageCommand {
  @Override
  List<Stage> stages() {
    return List.of(new io.cxlake.drivers.JourneyStage());
  }
}

@Command(name = "voice", mixinStandardHelpOptions = true,
    description = "Voice of the customer: PII redaction of verbatims, language and tokens, sentiment learned from the "
        + "scores, LDA topics and ranked pain points; writes voice_response, voice_topic, voice_customer.")
class VoiceCommand extends StageCommand {
  @Override
  List<Stage> stages() {
    return List.of(new io.cxlake.text.VoiceStage());
  }
}
