package io.cxlake.cli;

import io.cxlake.pipeline.Modules;
import io.cxlake.generate.GenerateConfig;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cxlake.core.ConfigLoader;
import io.cxlake.core.JobContext;
import io.cxlake.core.JobRunner;
import io.cxlake.core.RunIds;
import io.cxlake.core.StageProfiler;
import io.cxlake.core.Stage;
import io.cxlake.generate.Generator;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * Generates data at a scale into a temporary folder, runs every pipeline stage in one session
 * on a temporary warehouse, and reports per stage: wall time, rows in/out, rows per second
 * and the driver's peak heap during the stage. With {@code --incremental-day} the last day of
 * the history is held back, landed after the full build, and the pipeline's second run (the
 * daily batch a scheduler would start) is timed against the first.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmark: generate at --scale, run every stage, print and write per-stage figures as JSON.")
class BenchCommand implements Callable<Integer> {
  @ParentCommand
  Main global;

  @Option(names = "--scale", defaultValue = "0.1", description = "Data scale (default: ${DEFAULT-VALUE}).")
  double scale;

  @Option(names = "--seed", defaultValue = "7", description = "Generator seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--output", paramLabel = "FILE", description = "JSON result file (default: bench-scale-<F>.json).")
  Path output;

  @Option(names = "--keep", description = "Keep the generated data and warehouse.")
  boolean keep;

  @Option(names = "--incremental-day", description = "Hold back the last day of history, build the rest, then land"
      + " that day and time the incremental run against the full build.")
  boolean incrementalDay;

  @Override
  public Integer call() throws IOException {
    long started = System.currentTimeMillis(); // the JVM's start-up ends here, not after generating
    if (global.warehouse != null || global.landing != null) {
      // a benchmark on a user's warehouse would write into it: bench owns its folders
      throw new CommandLine.ParameterException(new CommandLine(this), "bench generates its data and builds its warehouse"
          + " in a temporary folder (kept with --keep): --warehouse and --landing do not apply to it");
    }
    ConfigLoader.Loaded loaded = global.loadConfig();
    // checked before minutes of generating: ingest needs the sources file (run from the
    // repository, or --config naming a configuration whose sources file maps generated data)
    Modules.configLoader().loadSources(loaded.sourcesFile());
    Path work = Files.createTempDirectory("cxlake-bench-");
    Path landing = work.resolve("landing");
    Path nextDay = incrementalDay ? work.resolve("next-day") : null;
    List<Map<String, Object>> stages = new ArrayList<>();
    List<Map<String, Object>> dayStages = new ArrayList<>();
    GenerateConfig g = loaded.config().get(GenerateConfig.SECTION);
    resetPeaks();
    long t0 = System.nanoTime();
    Generator.Summary summary = Generator.generate(new Generator.Params(scale, seed, landing, g.dirtyRate(),
        g.endDateValue(), g.months(), nextDay));
    long generated = summary.rowCounts().values().stream().mapToLong(m -> m.get("total")).sum();
    stages.add(figures("generate", (System.nanoTime() - t0) / 1e9, 0, generated, "success"));
    global.landing = landing.toString();
    long landedOnTheDay = summary.rowCounts().values().stream().mapToLong(m -> m.get("next_day")).sum();
    int code;
    Profile profile = new Profile();
    Profile dayProfile = new Profile();
    try (Session s = new Session(global, work.resolve("warehouse").toString(), "bench", started)) {
      StageProfiler full = profile.attach(s);
      code = runPipeline(s.ctx, s.guarded(full), stages);
      if (incrementalDay && code == 0) {
        full.close();
        land(nextDay, landing);
        // a new run over the same warehouse, as the next day's scheduled job would start
        JobContext day = JobContext.create(s.spark, s.loaded, RunIds.next(), global.asOf, global.landing, false);
        code = runPipeline(day, s.guarded(dayProfile.attach(s)), dayStages);
      }
    } finally {
      if (!keep) {
        delete(work);
      }
    }
    profile.measureFloor(global);
    dayProfile.sameFloorAs(profile);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("scale", scale);
    result.put("seed", seed);
    result.put("started_at", Instant.ofEpochMilli(System.currentTimeMillis() - Math.round((System.nanoTime() - t0) / 1e6)).toString());
    result.put("cores", Runtime.getRuntime().availableProcessors());
    result.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
    result.put("stages", stages);
    result.put("profile", profile.toMap());
    result.put("total_seconds", stageSeconds(stages));
    double fullBuild = stageSeconds(stages.subList(1, stages.size()));
    if (incrementalDay) {
      Map<String, Object> day = new LinkedHashMap<>();
      day.put("date", g.endDateValue().toString());
      day.put("rows_landed", landedOnTheDay);
      day.put("stages", dayStages);
      day.put("total_seconds", stageSeconds(dayStages));
      day.put("full_build_seconds", fullBuild);
      day.put("share_of_full_build", dayStages.isEmpty() ? null : stageSeconds(dayStages) / fullBuild);
      day.put("profile", dayProfile.toMap());
      result.put("incremental_day", day);
    }
    if (keep) {
      result.put("work_dir", work.toString());
    }
    Path file = output != null ? output : Path.of(String.format("bench-scale-%s.json", scale));
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), result);
    print(stages);
    profile.print(System.out);
    if (incrementalDay && !dayStages.isEmpty()) {
      System.out.printf("%nincremental day %s: %d rows landed after the full build%n", g.endDateValue(), landedOnTheDay);
      print(dayStages);
      dayProfile.print(System.out);
      System.out.printf("incremental day %.1f s = %.1f%% of the full build's %.1f s%n", stageSeconds(dayStages),
          100 * stageSeconds(dayStages) / fullBuild, fullBuild);
    }
    System.out.println("written: " + file.toAbsolutePath());
    return code;
  }

  /** Runs the pipeline's stages in order into {@code figures}; 1 at the first failure, else 0. */
  private static int runPipeline(JobContext ctx, JobRunner.Observer observer, List<Map<String, Object>> figures) {
    for (Stage stage : Modules.registry().pipeline()) {
      resetPeaks();
      JobRunner.StageOutcome r = JobRunner.run(ctx, List.of(stage), observer).get(0);
      figures.add(figures(stage.name(), r.elapsed().toMillis() / 1000.0,
          r.result() == null ? 0 : r.result().rowsIn(), r.result() == null ? 0 : r.result().rowsOut(), r.status()));
      if (r.error() != null) {
        // the stage line of the run log says only "failed": the cause must not disappear
        System.err.println("cxlake bench: " + stage.name() + " failed: " + r.error());
        return 1;
      }
    }
    return 0;
  }

  /** Moves the next-day files into the landing folder, entity by entity (their names are their own). */
  private static void land(Path nextDay, Path landing) throws IOException {
    try (Stream<Path> entities = Files.list(nextDay)) {
      for (Path entity : entities.filter(Files::isDirectory).toList()) {
        Path target = Files.createDirectories(landing.resolve(entity.getFileName().toString()));
        try (Stream<Path> files = Files.list(entity)) {
          for (Path f : files.toList()) {
            Files.move(f, target.resolve(f.getFileName().toString()));
          }
        }
      }
    }
  }

  private static double stageSeconds(List<Map<String, Object>> stages) {
    return stages.stream().mapToDouble(m -> (Double) m.get("seconds")).sum();
  }

  private static void print(List<Map<String, Object>> stages) {
    System.out.printf("%-10s %-8s %9s %12s %12s %12s %10s%n", "stage", "status", "seconds", "rows in", "rows out", "rows/s", "peak MB");
    for (Map<String, Object> m : stages) {
      System.out.printf("%-10s %-8s %9.1f %12d %12d %12.0f %10d%n", m.get("stage"), m.get("status"), m.get("seconds"),
          m.get("rows_in"), m.get("rows_out"), m.get("rows_per_second"), m.get("peak_heap_mb"));
    }
  }

  private static Map<String, Object> figures(String stage, double seconds, long in, long out, String status) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("stage", stage);
    m.put("status", status);
    m.put("seconds", Math.round(seconds * 100) / 100.0);
    m.put("rows_in", in);
    m.put("rows_out", out);
    m.put("rows_per_second", seconds > 0 ? Math.round(Math.max(in, out) / seconds) * 1.0 : 0.0);
    m.put("peak_heap_mb", peakHeapMb());
    return m;
  }

  private static void resetPeaks() {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        p.resetPeakUsage();
      }
    }
  }

  /** Sum of the heap pools' peaks since the last reset: an upper bound of the heap in use. */
  private static long peakHeapMb() {
    long bytes = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
        bytes += p.getPeakUsage().getUsed();
      }
    }
    return bytes / (1024 * 1024);
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
