package io.cxlake.cluster;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxlake.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The seven analysis notebooks, executed headless the way CI and users do it
 * ({@code bin/cxlake notebook-setup}, then {@code bin/cxlake notebook-run}) against the
 * warehouse the cluster run wrote: every cell runs, and each notebook shows tables and charts.
 */
class NotebooksIT {

  private static String run(Path repo, Path log, long minutes, String warehouse, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("bash", repo.resolve("bin/cxlake").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    if (warehouse != null) {
      pb.environment().put("CXLAKE_WAREHOUSE", warehouse);
      // the notebooks rerun stages on the cluster run's warehouse: the same customer keys
      pb.environment().put(io.cxlake.platform.PseudonymSecret.ENV, ClusterWarehouse.PSEUDONYM_SECRET);
    }
    Process p = pb.start();
    if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      fail(String.join(" ", args) + " did not finish in " + minutes + " minutes; see " + log);
    }
    String out = Files.readString(log);
    assertEquals(0, p.exitValue(), () -> String.join(" ", args) + " failed:\n"
        + (out.length() > 6000 ? out.substring(out.length() - 6000) : out));
    return out;
  }

  @Test
  void everyNotebookRunsAndShowsItsTablesAndCharts() throws Exception {
    ClusterWarehouse warehouse = ClusterWarehouse.get();
    Path repo = TestSpark.repoRoot();
    Path logs = Files.createTempDirectory("cxlake-notebooks-");
    long t0 = System.nanoTime();
    run(repo, logs.resolve("setup.log"), 15, null, "notebook-setup");
    long t1 = System.nanoTime();
    List<String> notebooks;
    try (Stream<Path> files = Files.list(repo.resolve("notebooks"))) {
      notebooks = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".ipynb")).sorted().toList();
    }
    assertEquals(List.of("01-experience-kpis.ipynb", "02-segments-and-clusters.ipynb", "03-churn.ipynb",
        "04-key-drivers.ipynb", "05-voice.ipynb", "06-customer-value.ipynb", "07-survival.ipynb"), notebooks);
    List<String> args = new ArrayList<>(List.of("notebook-run"));
    notebooks.forEach(n -> args.add("notebooks/" + n));
    String out = run(repo, logs.resolve("run.log"), 40, warehouse.warehouse.toString(), args.toArray(String[]::new));
    System.err.printf("notebooks: setup %.1f s, seven notebooks executed in %.1f s%n",
        (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9);
    System.err.println(out.lines().filter(l -> l.startsWith("cxlake:")).reduce("", (a, b) -> a + b + "\n"));

    ObjectMapper json = new ObjectMapper();
    for (String n : notebooks) {
      JsonNode nb = json.readTree(repo.resolve("jobs/target/notebooks").resolve(n).toFile());
      int images = 0;
      int tables = 0;
      int errors = 0;
      for (JsonNode cell : nb.get("cells")) {
        for (JsonNode o : cell.path("outputs")) {
          errors += "error".equals(o.path("output_type").asText()) ? 1 : 0;
          images += o.path("data").has("image/png") ? 1 : 0;
          tables += o.path("data").path("text/html").toString().contains("<table") ? 1 : 0;
        }
      }
      assertEquals(0, errors, n);
      assertTrue(images >= 2, n + ": charts shown " + images);
      assertTrue(tables >= 2, n + ": tables shown " + tables);
    }
    // Executed outputs stay out of the repository: the notebooks there carry none.
    for (String n : notebooks) {
      for (JsonNode cell : json.readTree(repo.resolve("notebooks").resolve(n).toFile()).get("cells")) {
        assertEquals(0, cell.path("outputs").size(), n + " is committed with outputs");
      }
    }
  }
}
