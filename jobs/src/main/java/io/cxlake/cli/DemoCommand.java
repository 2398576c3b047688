package io.cxlake.cli;

import io.cxlake.pipeline.Modules;
import io.cxlake.core.JobRunner;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Runs the pipeline on data-samples/ (or --landing) and shows what it produced and where.")
class DemoCommand implements Callable<Integer> {
  @ParentCommand
  Main global;

  @Option(names = "--profile", description = "Also print the fixed costs per stage and the cold SELECT 1 floor (as `run --profile`).")
  boolean profile;

  @Override
  public Integer call() {
    Profile p = profile ? new Profile() : null;
    int code;
    try (Session s = Session.writing(global, "demo")) {
      List<JobRunner.StageOutcome> outcomes = JobRunner.run(s.ctx, Modules.registry().pipeline(),
          s.guarded(p == null ? JobRunner.Observer.NONE : p.attach(s)));
      code = Pipeline.summarize(outcomes, System.out);
      System.out.println();
      System.out.println("Tables (warehouse " + s.warehouse() + "):");
      TablesCommand.print(s.spark, s.ctx.catalog(), System.out);
      System.out.println();
      System.out.println("Query them, e.g.:");
      System.out.println("  bin/cxlake sql \"SELECT period_start, slice_value, nps, nps_ci_low, nps_ci_high, low_confidence FROM "
          + s.ctx.catalog().gold("kpi_experience") + " WHERE period_type = 'month' AND slice = 'region' ORDER BY 1 DESC, 2\"");
      System.out.println("  bin/cxlake sql \"SELECT severity, message FROM " + s.ctx.catalog().gold("cx_alert")
          + " WHERE alert_kind = 'change' ORDER BY period_start DESC\"");
      System.out.println("  bin/cxlake sql \"SELECT segment, count(*), avg(monetary) FROM " + s.ctx.catalog().gold("customer_rfm")
          + " GROUP BY segment ORDER BY 2 DESC\"");
      System.out.println("  bin/cxlake sql \"SELECT DISTINCT cluster_id, cluster_label, customers, share_pct FROM "
          + s.ctx.catalog().gold("cluster_profile") + " ORDER BY cluster_id\"");
      System.out.println("  bin/cxlake sql \"SELECT customer_key, round(churn_probability, 3), risk_band, reason_1, reason_2 FROM "
          + s.ctx.catalog().gold("churn_score") + " ORDER BY churn_probability DESC LIMIT 10\"");
      System.out.println("  bin/cxlake sql \"SELECT model_card FROM " + s.ctx.catalog().gold("churn_model_run")
          + " ORDER BY created_at DESC LIMIT 1\" --format csv");
      System.out.println("  bin/cxlake sql \"SELECT importance_rank, driver, round(importance_pct, 1), significant, quadrant, kano_class FROM "
          + s.ctx.catalog().gold("key_driver") + " WHERE outcome = 'nps' AND slice_type = 'all' ORDER BY importance_rank\"");
      System.out.println("  bin/cxlake sql \"SELECT period_start, touchpoint, round(pain_index, 2), pain_rank, top_driver FROM "
          + s.ctx.catalog().gold("touchpoint_journey") + " WHERE is_complete ORDER BY period_start DESC, pain_rank LIMIT 10\"");
      System.out.println("  bin/cxlake sql \"SELECT pain_rank, topic_key, topic_label, texts, round(negative_pct, 1), pain_score FROM "
          + s.ctx.catalog().gold("voice_topic") + " WHERE period_type = 'last_12_months' AND slice_type = 'all' ORDER BY pain_rank\"");
      System.out.println("  bin/cxlake sql \"SELECT reason, count(*) FROM " + s.ctx.catalog().ops("quarantine")
          + " GROUP BY reason ORDER BY 2 DESC\"");
      System.out.println("  bin/cxlake tables        # every table with its grain and comment");
      System.out.println("Column meanings: docs/data-dictionary.md; formulas: docs/metrics.md; segments and clusters: docs/segmentation.md; churn: docs/churn.md; drivers and journey: docs/drivers.md; voice: docs/voice.md; the report: docs/report.md");
      Pipeline.printReport(s.ctx, outcomes, System.out);
    }
    if (p != null) {
      p.measureFloor(global);
      p.print(System.out);
    }
    return code;
  }
}
