package io.cxlake.cluster;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The report the cluster run wrote, opened in a real browser: Debian's Chromium, installed by
 * the project's own {@code bin/cxlake browser-setup}, loads every page headless from disk.
 * Asserted: no console message (errors, failed loads, ECharts warnings), every chart container
 * drawn (an SVG with shapes), no section without data (the sample data feeds every stage).
 * Screenshots at 1280 px and at phone width go to jobs/target/report-screenshots/.
 */
class ReportBrowserIT {
  private static final List<String> PAGES = List.of("index.html", "experience.html", "operations.html", "segments.html",
      "churn.html", "drivers.html", "voice.html", "value.html");
  /** The flags of a headless run on a machine without network (bin/cxlake-browser uses the same). */
  private static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
      "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--hide-scrollbars", "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000");

  private record Result(String stdout, String stderr) {}

  private static Result run(List<String> cmd, Path dir) throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "out-", ".txt");
    Path err = Files.createTempFile(dir, "err-", ".txt");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(3, TimeUnit.MINUTES)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      fail(String.join(" ", cmd) + " did not finish in 3 minutes");
    }
    Result r = new Result(Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + " failed:\n" + r.stdout + r.stderr);
    return r;
  }

  private static List<String> chromium(String browser, Path profile, String... args) {
    List<String> cmd = new ArrayList<>(List.of(browser));
    cmd.addAll(FLAGS);
    cmd.add("--user-data-dir=" + profile);
    cmd.addAll(List.of(args));
    return cmd;
  }

  @Test
  void everyPageOpensInChromiumWithEveryChartDrawnAndNoConsoleMessage() throws Exception {
    ClusterWarehouse warehouse = ClusterWarehouse.get();
    assertEquals(0, warehouse.exitCode, "the cluster run failed");
    Path reports = warehouse.warehouse.resolve("report");
    List<Path> dates;
    try (Stream<Path> s = Files.list(reports)) {
      dates = s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith(".")).toList();
    }
    assertEquals(1, dates.size(), "one report per as-of date under " + reports + ": " + dates);
    Path report = dates.get(0);
    try (Stream<Path> s = Files.list(reports)) {
      assertEquals(List.of(report), s.toList(), "no temporary folder is left beside the report");
    }
    assertTrue(warehouse.driverOutput.contains("Report: " + report + "/index.html"), "the run prints where the report is");

    Path repo = TestSpark.repoRoot();
    Path work = Files.createTempDirectory("cxlake-browser-");
    long t0 = System.nanoTime();
    Result setup = run(List.of("bash", repo.resolve("bin/cxlake").toString(), "browser-setup"), work);
    String browser = setup.stdout.strip().lines().reduce((a, b) -> b).orElseThrow();
    System.err.printf("report browser test: browser-setup %.1f s (%s)%n", (System.nanoTime() - t0) / 1e9, browser);
    Path shots = repo.resolve("jobs/target/report-screenshots");
    Files.createDirectories(shots);
    Pattern chart = Pattern.compile("<div class=\"chart\" id=\"(chart-\\d+)\"[^>]*>");
    int charts = 0;
    for (String page : PAGES) {
      Path file = report.resolve(page);
      assertTrue(Files.isRegularFile(file), file + " is missing");
      String url = file.toUri().toString();
      Result dom = run(chromium(browser, Files.createTempDirectory(work, "profile-"), "--window-size=1280,2400",
          "--dump-dom", url), work);
      List<String> console = dom.stderr.lines().filter(l -> l.contains(":CONSOLE")).toList();
      assertEquals(List.of(), console, page + " wrote to the browser console");
      assertFalse(dom.stdout.contains("data-errors="), page + " caught a script error:\n" + errors(dom.stdout));
      assertFalse(dom.stdout.contains("class=\"absent\""), page + " has a section without data");
      Matcher m = chart.matcher(dom.stdout);
      List<Integer> starts = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      while (m.find()) {
        starts.add(m.start());
        ids.add(m.group(1));
        assertTrue(m.group().contains("data-rendered=\"true\""), page + " " + m.group(1) + " was not drawn: " + m.group());
      }
      assertFalse(ids.isEmpty(), page + " has no chart");
      assertTrue(dom.stdout.contains("data-charts=\"" + ids.size() + "\""), page + ": charts set up vs containers");
      for (int i = 0; i < starts.size(); i++) {
        String drawn = dom.stdout.substring(starts.get(i), i + 1 < starts.size() ? starts.get(i + 1) : dom.stdout.length());
        assertTrue(drawn.contains("<svg"), page + " " + ids.get(i) + " has no SVG");
        long shapes = Pattern.compile("<(path|rect|circle|polyline|polygon)\\b").matcher(drawn).results().count();
        assertTrue(shapes >= 10, page + " " + ids.get(i) + " has only " + shapes + " shapes");
      }
      charts += ids.size();
      String name = page.replace(".html", "");
      run(chromium(browser, Files.createTempDirectory(work, "profile-"), "--window-size=1280,2400",
          "--screenshot=" + shots.resolve(name + ".png"), url), work);
      assertTrue(Files.size(shots.resolve(name + ".png")) > 20_000, name + ".png is blank");
      if (page.equals("index.html") || page.equals("experience.html")) {
        run(chromium(browser, Files.createTempDirectory(work, "profile-"), "--window-size=390,1800",
            "--screenshot=" + shots.resolve(name + "-phone.png"), url), work);
        assertTrue(Files.size(shots.resolve(name + "-phone.png")) > 20_000, name + "-phone.png is blank");
      }
    }
    System.err.printf("report browser test: %d pages, %d charts drawn, %.1f s; screenshots in %s%n", PAGES.size(), charts,
        (System.nanoTime() - t0) / 1e9, shots);
  }

  private static String errors(String dom) {
    Matcher m = Pattern.compile("<ul id=\"report-errors\"[^>]*>(.*?)</ul>", Pattern.DOTALL).matcher(dom);
    return m.find() ? m.group(1) : "(no error list)";
  }
}
