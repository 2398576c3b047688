package io.cxlake.pipeline;

import io.cxlake.alerts.AlertsStage;
import io.cxlake.churn.ChurnStage;
import io.cxlake.clv.ClvStage;
import io.cxlake.contract.QualityConfig;
import io.cxlake.core.ConfigLoader;
import io.cxlake.curate.CurateStage;
import io.cxlake.drivers.DriversStage;
import io.cxlake.drivers.JourneyStage;
import io.cxlake.generate.GenerateConfig;
import io.cxlake.ingest.IngestStage;
import io.cxlake.maintain.MaintenanceConfig;
import io.cxlake.metrics.MetricsStage;
import io.cxlake.platform.StageRegistry;
import io.cxlake.report.ReportStage;
import io.cxlake.segment.ClusterStage;
import io.cxlake.segment.SegmentStage;
import io.cxlake.survival.SurvivalStage;
import io.cxlake.text.VoiceStage;
import io.cxlake.value.ValueStage;
import java.util.List;

/**
 * The registration of every stage module: adding a stage is one line here (its package
 * declares the rest). The order given is only the tie-break of the pipeline order, which
 * follows from the declared reads and writes.
 */
public final class Modules {
  private Modules() {}

  private static final StageRegistry REGISTRY = new StageRegistry(
      List.of(IngestStage.MODULE, CurateStage.MODULE, MetricsStage.MODULE, SegmentStage.MODULE, ClusterStage.MODULE,
          ChurnStage.MODULE, ClvStage.MODULE, DriversStage.MODULE, JourneyStage.MODULE, VoiceStage.MODULE, AlertsStage.MODULE,
          ValueStage.MODULE, SurvivalStage.MODULE, ReportStage.MODULE),
      // Sections of what is not a pipeline stage: the writer's quality checks, maintain, generate.
      List.of(QualityConfig.SECTION, MaintenanceConfig.SECTION, GenerateConfig.SECTION));

  public static StageRegistry registry() {
    return REGISTRY;
  }

  /** A configuration loader for every registered section. */
  public static ConfigLoader configLoader() {
    return new ConfigLoader(REGISTRY.sections());
  }
}
