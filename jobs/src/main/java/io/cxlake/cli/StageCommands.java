package io.cxlake.cli;

import io.cxlake.platform.StageRegistry;
import io.cxlake.core.JobRunner;
import io.cxlake.core.Stage;
import io.cxlake.pipeline.Modules;
import io.cxlake.platform.StageModule;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** Runs a list of stages in one session and prints the summary. */
abstract class StageCommand implements Callable<Integer> {
  @ParentCommand
  Main global;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(names = "--profile",
      description = "Also measure and print the fixed costs: the cold SELECT 1 of this machine, start-up, and per stage "
          + "the Spark jobs, tasks, Delta commits and files written.")
  boolean profile;

  abstract List<Stage> stages();

  /** Says where the report is when the stages included it. */
  void printReport(Session s, List<JobRunner.StageOutcome> outcomes) {
    Pipeline.printReport(s.ctx, outcomes, System.out);
  }

  @Override
  public Integer call() {
    Profile p = profile ? new Profile() : null;
    int code;
    try (Session s = Session.writing(global, spec.name())) {
      List<JobRunner.StageOutcome> outcomes = JobRunner.run(s.ctx, stages(),
          s.guarded(p == null ? JobRunner.Observer.NONE : p.attach(s)));
      code = Pipeline.summarize(outcomes, System.out);
      printReport(s, outcomes);
    }
    if (p != null) {
      p.measureFloor(global);
      p.print(System.out);
    }
    return code;
  }
}

/**
 * The command of one registered stage module (`cxlake segment`, ...): its description is the
 * module's; it runs the stage and, when the stage feeds customer_360, the enrichment step.
 */
@Command(mixinStandardHelpOptions = true)
class ModuleCommand extends StageCommand {
  private final StageRegistry registry;
  private final String module;

  ModuleCommand(StageRegistry registry, String module) {
    this.registry = registry;
    this.module = module;
  }

  @Override
  List<Stage> stages() {
    return registry.plan(List.of(module));
  }

  /** Adds a command for every registered module that has no hand-written command of its own. */
  static void addAll(CommandLine cli, StageRegistry registry) {
    for (StageModule m : registry.modules()) {
      if (!cli.getSubcommands().containsKey(m.name())) {
        CommandLine sub = new CommandLine(new ModuleCommand(registry, m.name()));
        sub.getCommandSpec().usageMessage().description(m.description());
        cli.addSubcommand(m.name(), sub);
      }
    }
  }
}
