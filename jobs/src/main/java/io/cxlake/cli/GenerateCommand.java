package io.cxlake.cli;

import io.cxlake.generate.GenerateConfig;
import io.cxlake.core.CxlakeConfig;
import io.cxlake.generate.Generator;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Writes synthetic landing data with planted truths (_truth.json) in the canonical layout.")
class GenerateCommand implements Callable<Integer> {
  @ParentCommand
  Main global;

  @Option(names = "--scale", defaultValue = "0.01", description = "1 = ~100k customers, ~1.5M orders (default: ${DEFAULT-VALUE}).")
  double scale;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (its entity folders are replaced).")
  Path out;

  @Option(names = "--dirty-rate", paramLabel = "R", description = "Dirty rows planted per clean row (default: generate.dirty_rate).")
  Double dirtyRate;

  @Option(names = "--end-date", paramLabel = "YYYY-MM-DD", converter = Main.DateConverter.class,
      description = "Last day of history (default: generate.end_date).")
  LocalDate endDate;

  @Option(names = "--months", description = "Months of history (default: generate.months).")
  Integer months;

  @Option(names = "--next-day", paramLabel = "DIR", description = "Write the rows of the last day to DIR instead"
      + " (same layout, file names ending -next-day): land them after a build of --out to run an incremental day.")
  Path nextDay;

  @Override
  public Integer call() {
    GenerateConfig g = global.loadConfig().config().get(GenerateConfig.SECTION);
    long t0 = System.nanoTime();
    Generator.Summary s = Generator.generate(new Generator.Params(scale, seed, out,
        dirtyRate != null ? dirtyRate : g.dirtyRate(), endDate != null ? endDate : g.endDateValue(),
        months != null ? months : g.months(), nextDay));
    double secs = (System.nanoTime() - t0) / 1e9;
    System.out.printf("generated %d customers into %s in %.1f s%n", s.customers(), s.out().toAbsolutePath(), secs);
    System.out.printf("%-18s %10s %8s %9s%n", "entity", "rows", "dirty", "next day");
    for (Map.Entry<String, Map<String, Long>> e : s.rowCounts().entrySet()) {
      System.out.printf("%-18s %10d %8d %9d%n", e.getKey(), e.getValue().get("total"), e.getValue().get("dirty"),
          e.getValue().get("next_day"));
    }
    if (nextDay != null) {
      System.out.println("next day: " + nextDay.toAbsolutePath() + " (the rows dated on the end date; not in --out)");
    }
    System.out.println("truth: " + s.out().resolve("_truth.json").toAbsolutePath());
    return 0;
  }
}
