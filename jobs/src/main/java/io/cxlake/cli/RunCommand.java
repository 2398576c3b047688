package io.cxlake.cli;

import io.cxlake.pipeline.Modules;
import io.cxlake.core.Stage;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
    description = "The whole pipeline in dependency order (from the stages' declared inputs and outputs), one run id "
        + "across stages; a stage whose required input is missing or empty is skipped with the reason.")
class RunCommand extends StageCommand {
  @Option(names = "--only", paramLabel = "STAGE", description = "Run only this stage.")
  String only;

  @Option(names = "--from", paramLabel = "STAGE", description = "Start at this stage.")
  String from;

  @Override
  List<Stage> stages() {
    return Modules.registry().select(only, from);
  }
}
