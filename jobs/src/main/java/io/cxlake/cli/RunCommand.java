package io.cxlake.cli;

import io.cxlake.pipeline.Modules;
import io.cxlake.core.Stage;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
    description = "The whole pipeline in dependency order (from the stages' declared inputs and outputs), one run id "
        + "across stages; a stage whose required input is missing or empty is skipped with the reason, and one whose "
        + "inputs, settings and tables are as its last success left them is left out as unchanged (--full-refresh: "
        + "everything is redone).")
class RunCommand extends StageCommand {
  @Option(names = "--only", paramLabel = "STAGE", description = "Run only this stage (even when unchanged).")
  String only;

  @Option(names = "--from", paramLabel = "STAGE", description = "Start at this stage.")
  String from;

  @Override
  List<Stage> stages() {
    return Modules.registry().select(only, from);
  }
}
