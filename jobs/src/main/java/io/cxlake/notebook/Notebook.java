package io.cxlake.notebook;

import io.cxlake.pipeline.Modules;
import io.cxlake.core.ConfigLoader;
import io.cxlake.core.CxlakeConfig;
import io.cxlake.core.JobContext;
import io.cxlake.core.JobRunner;
import io.cxlake.core.Lakehouse;
import io.cxlake.core.RunIds;
import io.cxlake.core.RunLease;
import io.cxlake.core.Stage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What a notebook cell needs, in one object: the session on the warehouse, gold tables by
 * name, Datasets shown as HTML tables, charts shown as images, and pipeline stages re-run
 * with a few settings changed. Display goes to the Jupyter kernel (rapaio's display
 * function, found by reflection so the library does not depend on the kernel); outside a
 * kernel it goes to a sink of the caller's (tests) or to standard output.
 */
public final class Notebook {
  /** Where shown things go: a MIME type and a payload (an HTML string or an image). */
  public interface Display {
    void show(String mimeType, Object payload);
  }

  private final SparkSession spark;
  private final ConfigLoader.Loaded loaded;
  private final Path repoRoot;
  private final Display display;
  private JobContext ctx;

  Notebook(SparkSession spark, ConfigLoader.Loaded loaded, Path repoRoot, Display display) {
    this.spark = spark;
    this.loaded = loaded;
    this.repoRoot = repoRoot;
    this.display = display;
    this.ctx = JobContext.create(spark, loaded, null, null, false);
  }

  /**
   * Opens the warehouse: {@code CXLAKE_WAREHOUSE} (set by {@code bin/cxlake notebook}) or the
   * demo warehouse {@code lakehouse/} of the repository; the repository's conf/cxlake.yaml.
   */
  public static Notebook open() {
    Path repo = Path.of(System.getProperty("cxlake.repo.root", ".")).toAbsolutePath().normalize();
    String warehouse = System.getenv().getOrDefault("CXLAKE_WAREHOUSE", repo.resolve("lakehouse").toString());
    return open(warehouse, repo);
  }

  /** Opens a given warehouse with the configuration of the repository at {@code repo}. */
  public static Notebook open(String warehouse, Path repo) {
    ConfigLoader.Loaded loaded = Modules.configLoader().load(repo.resolve("conf/cxlake.yaml").toString());
    // Notebook sessions are small and local: two cores' worth of partitions, no UI.
    SparkSession spark = Lakehouse.open(loaded.config(), warehouse, Map.of("spark.ui.enabled", "false",
        "spark.ui.showConsoleProgress", "false"));
    return new Notebook(spark, loaded, repo, kernelDisplay());
  }

  /** Opens with an existing session and a display sink (tests). */
  public static Notebook attach(SparkSession spark, ConfigLoader.Loaded loaded, Path repo, Display display) {
    return new Notebook(spark, loaded, repo, display);
  }

  public SparkSession spark() {
    return spark;
  }

  public JobContext context() {
    return ctx;
  }

  public CxlakeConfig config() {
    return ctx.config();
  }

  /** A table by name: db.table as given; a bare name from the gold database. */
  public Dataset<Row> table(String name) {
    return spark.table(name.contains(".") ? name : ctx.catalog().gold(name));
  }

  public Dataset<Row> sql(String query) {
    return spark.sql(query);
  }

  /** Shows the first 20 rows as an HTML table. */
  public void show(Dataset<Row> rows) {
    show(rows, 20);
  }

  public void show(Dataset<Row> rows, int maxRows) {
    display.show("text/html", HtmlTable.render(rows, maxRows));
  }

  /** Shows a chart as a PNG image. */
  public void show(Charts.Chart chart) {
    display.show("image/png", chart.image());
  }

  /** Shows markdown-free text as HTML (escaped). */
  public void note(String text) {
    display.show("text/html", "<p>" + HtmlTable.escape(text) + "</p>");
  }

  /**
   * Runs registered pipeline stages by name (as in `cxlake run --only`, e.g. "cluster") on this
   * warehouse with settings changed by a YAML snippet in the syntax of conf/cxlake.yaml (e.g.
   * {@code "segmentation: {cluster: {k: 4}}"}), validated like the file (a bad key names
   * itself). Stages write their tables as in a pipeline run, customer_360 enrichment included;
   * the summary is shown, and a failed stage raises its one-line cause.
   */
  public List<JobRunner.StageOutcome> run(String yamlOverrides, String... stages) {
    return run(yamlOverrides, Modules.registry().plan(List.of(stages)));
  }

  /** Runs hand-built stages (e.g. churn training alone: {@code new ChurnStage(Mode.TRAIN, null)}), as above. */
  public List<JobRunner.StageOutcome> run(String yamlOverrides, Stage... stages) {
    return run(yamlOverrides, List.of(stages));
  }

  private List<JobRunner.StageOutcome> run(String yamlOverrides, List<Stage> stages) {
    ConfigLoader.Loaded settings = withOverrides(yamlOverrides);
    String runId = RunIds.next();
    List<JobRunner.StageOutcome> out;
    // A notebook writes like any command: one writer per catalog (a scheduled run may be going).
    try (RunLease lease = RunLease.acquire(spark, settings.config(), runId,
        "notebook " + String.join(",", stages.stream().map(Stage::name).toList()))) {
      JobContext runCtx = JobContext.create(spark, settings, runId, null, null, false);
      lease.recordTakeover(runCtx);
      out = JobRunner.run(runCtx, stages);
    }
    StringBuilder html = new StringBuilder("<table><tr><th>stage</th><th>status</th><th>seconds</th><th>rows out</th></tr>");
    for (JobRunner.StageOutcome o : out) {
      html.append("<tr><td>").append(o.stage()).append("</td><td>").append(o.status()).append("</td><td>")
          .append(String.format("%.1f", o.elapsed().toMillis() / 1000.0)).append("</td><td>")
          .append(o.result() == null ? "" : o.result().rowsOut()).append("</td></tr>");
    }
    display.show("text/html", html.append("</table>").toString());
    for (JobRunner.StageOutcome o : out) {
      if (o.failed()) {
        throw new io.cxlake.core.CxlakeException(o.stage() + " failed: " + o.error());
      }
    }
    return out;
  }

  /** The repository's configuration with a YAML snippet merged over it. */
  ConfigLoader.Loaded withOverrides(String yaml) {
    return Modules.configLoader().overlay(loaded, yaml, "<notebook settings>");
  }

  /** rapaio-jupyter-kernel's display(mime, object) when running in that kernel, else stdout. */
  static Display kernelDisplay() {
    try {
      Class<?> global = Class.forName("org.rapaio.jupyter.kernel.global.Global");
      Method mimeDisplay = global.getMethod("display", String.class, Object.class);
      Method objectDisplay = global.getMethod("display", Object.class);
      return (mime, payload) -> {
        try {
          // Images go through the kernel's image renderer (PNG); HTML as a text/html bundle.
          if (payload instanceof BufferedImage) {
            objectDisplay.invoke(null, payload);
          } else {
            mimeDisplay.invoke(null, mime, payload);
          }
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("the kernel's display failed: " + e, e);
        }
      };
    } catch (ReflectiveOperationException notInTheKernel) {
      return (mime, payload) -> System.out.println(payload instanceof String s ? s : "[" + mime + "]");
    }
  }

  /** Collects what would be shown (tests). */
  public static final class Recorder implements Display {
    public final List<String> mimeTypes = new ArrayList<>();
    public final List<Object> payloads = new ArrayList<>();

    @Override
    public void show(String mimeType, Object payload) {
      mimeTypes.add(mimeType);
      payloads.add(payload);
    }
  }
}
