package io.cxlake.cli;

import io.cxlake.core.Stage;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
    description = "The whole pipeline in dependency order, one run id across stages.")
class RunCommand extends StageCommand {
  @Option(names = "--only", paramLabel = "STAGE", description = "Run only this stage.")
  String only;

  @Option(names = "--from", paramLabel = "STAGE", description = "Start at this stage.")
  String from;

  @Override
  List<Stage> stages() {
    return Pipeline.select(only, from);
  }
}
