package io.cxlake.cli;

import io.cxlake.pipeline.Modules;
import io.cxlake.churn.ChurnStage;
import io.cxlake.churn.OwnFeaturesStage;
import io.cxlake.core.JobRunner;
import io.cxlake.core.Stage;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "churn", mixinStandardHelpOptions = true,
    description = "Churn prediction (docs/churn.md): train, score or evaluate.",
    subcommands = {ChurnCommand.Train.class, ChurnCommand.Score.class, ChurnCommand.Evaluate.class})
class ChurnCommand implements Runnable {
  @ParentCommand
  Main global;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "churn needs train, score or evaluate (see --help)");
  }

  /** Runs one stage and prints the summary. */
  static int run(Main global, Stage stage) {
    try (Session s = Session.writing(global, "churn " + stage.name())) {
      List<Stage> stages = new java.util.ArrayList<>();
      stages.add(Modules.registry().declared(ChurnStage.NAME, stage));
      // Scores and models feed customer_360: the enrichment follows, as after `cxlake churn`.
      Modules.registry().plan(List.of(ChurnStage.NAME)).stream().skip(1).forEach(stages::add);
      return Pipeline.summarize(JobRunner.run(s.ctx, stages, s.guarded(JobRunner.Observer.NONE)), System.out);
    }
  }

  @Command(name = "train", mixinStandardHelpOptions = true,
      description = {"Trains on monthly point-in-time cutoffs of the gold tables, validates out of time, writes "
          + "churn_model_run and churn_model_decile and saves the model.",
          "With --features: trains and evaluates on your own customer-level table instead (bring your own features)."})
  static class Train implements Callable<Integer> {
    @ParentCommand
    ChurnCommand parent;

    @Mixin
    OwnTableOptions own;

    @Option(names = "--label", paramLabel = "COL", description = "Label column (yes/no, true/false or 1/0; with --features).")
    String label;

    @Option(names = "--id", paramLabel = "COL", description = "Customer id column (with --features).")
    String id;

    @Override
    public Integer call() {
      if (!own.given(OwnTableOptions.options("--label", label, "--id", id), OwnTableOptions.options())) {
        return run(parent.global, new ChurnStage(ChurnStage.Mode.TRAIN, null));
      }
      return run(parent.global, new OwnFeaturesStage(own.features, own.format, label, id));
    }
  }

  @Command(name = "score", mixinStandardHelpOptions = true,
      description = "Scores the active customers at the as-of date with the latest (or --run) model: churn_score with "
          + "probability, risk band and top 3 reasons; updates customer_360 and the run's PSI.")
  static class Score implements Callable<Integer> {
    @ParentCommand
    ChurnCommand parent;

    @Option(names = "--run", paramLabel = "RUN_ID", description = "Training run whose model to use (default: the latest).")
    String run;

    @Override
    public Integer call() {
      return ChurnCommand.run(parent.global, new ChurnStage(ChurnStage.Mode.SCORE, run));
    }
  }

  @Command(name = "evaluate", mixinStandardHelpOptions = true,
      description = "Judges the latest (or --run) model on the latest cutoff with a complete label window, as "
          + "deployed (its own calibration); writes a churn_model_run row of kind evaluate.")
  static class Evaluate implements Callable<Integer> {
    @ParentCommand
    ChurnCommand parent;

    @Option(names = "--run", paramLabel = "RUN_ID", description = "Training run whose model to evaluate (default: the latest).")
    String run;

    @Override
    public Integer call() {
      return ChurnCommand.run(parent.global, new ChurnStage(ChurnStage.Mode.EVALUATE, run));
    }
  }
}
