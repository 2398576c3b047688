package io.cxlake.cli;

import io.cxlake.core.JobRunner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Runs the pipeline on data-samples/ (or --landing) and shows what it produced and where.")
class DemoCommand implements Callable<Integer> {
  @ParentCommand
  Main global;

  @Override
  public Integer call() {
    try (Session s = new Session(global)) {
      int code = Pipeline.summarize(JobRunner.run(s.ctx, Pipeline.stages()), System.out);
      System.out.println();
      System.out.println("Tables (warehouse " + s.warehouse() + "):");
      TablesCommand.print(s.spark, s.ctx.catalog(), System.out);
      System.out.println();
      System.out.println("Query them, e.g.:");
      System.out.println("  bin/cxlake sql \"SELECT reason, count(*) FROM " + s.ctx.catalog().ops("quarantine")
          + " GROUP BY reason ORDER BY 2 DESC\"");
      System.out.println("  bin/cxlake tables");
      return code;
    }
  }
}
