package io.cxlake.cli;

import io.cxlake.core.HadoopFiles;
import io.cxlake.core.JobRunner;
import io.cxlake.core.Stage;
import io.cxlake.pipeline.Modules;
import io.cxlake.report.ReportStage;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"The CX report (docs/report.md): a static HTML site of the as-of date's gold tables, with charts "
        + "(overview, experience, operations, segments & clusters, churn, drivers, voice & journey, value & survival). "
        + "It opens from disk in any browser: no server, nothing fetched from the network.",
        "Writes <report.dir>/<as-of>/ (default: <warehouse>/report/<as-of>/), or --out."})
class ReportCommand extends StageCommand {
  @Option(names = "--out", paramLabel = "DIR",
      description = "Folder to write the site to (a local path or a Hadoop URI); replaced when it exists.")
  String out;

  @Override
  void printReport(Session s, List<JobRunner.StageOutcome> outcomes) {
    if (out == null) {
      super.printReport(s, outcomes);
    } else if (outcomes.stream().allMatch(o -> o.status().equals("success"))) {
      System.out.println();
      System.out.println("Report: " + HadoopFiles.display(HadoopFiles.qualify(out)) + "/index.html");
    }
  }

  @Override
  List<Stage> stages() {
    ReportStage report = new ReportStage(out);
    // a site written to --out says nothing about <report.dir>/<as-of>, which pipeline runs check
    return List.of(out == null ? Modules.registry().declared(ReportStage.NAME, report)
        : Modules.registry().declaredElsewhere(ReportStage.NAME, report));
  }
}
