package io.cxlake.cli;

import io.cxlake.core.StageProfiler;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fixed costs of a command, each beside its floor: the start-up of the session, per stage the
 * Spark jobs, tasks, Delta commits and data files it launched or wrote, and the cold
 * {@code SELECT 1} of this machine (a child JVM started after the session has stopped, so the
 * two never compete for the cores).
 */
final class Profile {
  private double coldSelectSeconds = Double.NaN;
  private Session.Startup startup;
  private StageProfiler profiler;

  /** Starts counting on the session's Spark context; returns the observer to give the job runner. */
  StageProfiler attach(Session s) {
    startup = s.startup;
    profiler = new StageProfiler(s.spark, s.ctx.catalog().filesRoot(s.spark));
    return profiler;
  }

  /** Measures the floor; call after the session has stopped. */
  void measureFloor(Main global) {
    String master = global.loadConfig().config().runtime().master();
    coldSelectSeconds = ColdSelect.measure(master == null ? "local[*]" : master);
  }

  /** The floor measured by {@code other} (one child JVM serves every profile of a command). */
  void sameFloorAs(Profile other) {
    coldSelectSeconds = other.coldSelectSeconds;
  }

  void print(PrintStream out) {
    if (profiler == null) {
      return; // the session did not open: nothing was measured
    }
    out.println();
    out.printf("floor: cold SELECT 1 in a fresh JVM %.1f s; start-up %.1f s (JVM %.1f, session %.1f, metastore and ops tables %.1f)%n",
        coldSelectSeconds, startup.total(), startup.jvm(), startup.session(), startup.catalog());
    out.printf("%-10s %9s %7s %8s %8s %7s %11s %9s%n", "stage", "seconds", "jobs", "tasks", "commits", "files",
        "shuffle MB", "heap MB");
    long jobs = 0;
    long tasks = 0;
    long commits = 0;
    long files = 0;
    long shuffle = 0;
    long peakHeap = 0;
    double seconds = 0;
    for (StageProfiler.Figures f : profiler.figures()) {
      out.printf("%-10s %9.1f %7d %8d %8d %7d %11.1f %9d%n", f.stage(), f.seconds(), f.jobs(), f.tasks(), f.commits(),
          f.filesWritten(), f.shuffleBytes() / 1e6, f.peakHeapBytes() >> 20);
      jobs += f.jobs();
      tasks += f.tasks();
      commits += f.commits();
      files += f.filesWritten();
      shuffle += f.shuffleBytes();
      peakHeap = Math.max(peakHeap, f.peakHeapBytes());
      seconds += f.seconds();
    }
    out.printf("%-10s %9.1f %7d %8d %8d %7d %11.1f %9d%n", "total", seconds, jobs, tasks, commits, files, shuffle / 1e6,
        peakHeap >> 20);
    out.println("(shuffle MB: written to shuffle files; heap MB: the driver's peak heap right after a garbage collection)");
    out.printf("total with start-up: %.1f s = %.1f x the cold SELECT 1%n", seconds + startup.total(),
        (seconds + startup.total()) / coldSelectSeconds);
  }

  /** The same figures for a JSON report. */
  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    if (profiler == null) {
      return m;
    }
    m.put("cold_select_seconds", Double.isNaN(coldSelectSeconds) ? null : round(coldSelectSeconds));
    m.put("startup_seconds", Map.of("jvm", round(startup.jvm()), "session", round(startup.session()),
        "metastore_and_ops_tables", round(startup.catalog())));
    List<Map<String, Object>> stages = profiler.figures().stream().map(f -> {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("stage", f.stage());
      s.put("seconds", round(f.seconds()));
      s.put("spark_jobs", f.jobs());
      s.put("tasks", f.tasks());
      s.put("delta_commits", f.commits());
      s.put("files_written", f.filesWritten());
      s.put("shuffle_bytes_written", f.shuffleBytes());
      s.put("peak_heap_after_gc_bytes", f.peakHeapBytes());
      return s;
    }).toList();
    m.put("stages", stages);
    return m;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
