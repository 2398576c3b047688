package io.cxlake.report;

import static org.apache.spark.sql.functions.max;

import io.cxlake.core.CxlakeException;
import io.cxlake.core.HadoopFiles;
import io.cxlake.core.JobContext;
import io.cxlake.core.NothingToDo;
import io.cxlake.core.Progress;
import io.cxlake.core.Stage;
import io.cxlake.core.StageResult;
import io.cxlake.core.TableRef;
import io.cxlake.platform.AsOf;
import io.cxlake.platform.StageModule;
import java.io.IOException;
import java.io.OutputStream;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;

/**
 * The CX report: a static HTML site of the as-of date's gold tables (docs/report.md), written
 * to {@code <report.dir>/<as-of>/} (or --out). It reads gold tables only, so only pseudonymous
 * keys can appear. The site is written beside its final place and then moved in, so a reader
 * never sees half a report, and a rerun replaces it.
 */
public final class ReportStage implements Stage {
  public static final String NAME = "report";

  /** The gold tables the pages read. */
  static final List<String> READS = List.of("kpi_experience", "kpi_operations", "cx_alert", "detractor_followup",
      "customer_rfm", "customer_value", "cluster_profile", "churn_model_run", "churn_model_decile", "churn_score",
      "customer_value_at_risk", "key_driver", "voice_topic", "voice_response", "touchpoint_journey", "value_at_risk",
      "survival_curve", "survival_group", "survival_model");

  public static final StageModule MODULE = StageModule.define(NAME,
          "Report: a static HTML site of the as-of date (overview, experience, operations, segments, churn, drivers, "
              + "voice & journey, value & survival) with ECharts charts; opens from disk, no server. Writes "
              + "<report.dir>/<as-of>/index.html.")
      .config(ReportConfig.SECTION)
      // KPIs, or texts alone (a reviews corpus has no customers and no KPIs, but a voice page)
      .requiresAny(TableRef.gold("kpi_experience"), TableRef.gold("kpi_operations"), TableRef.gold("voice_response"))
      // customer_360: its latest snapshot is the as-of date
      .optional(Stream.concat(Stream.of("customer_360"), READS.stream()).map(TableRef::gold).toArray(TableRef[]::new))
      .afterAll()
      // rebuilt when a table it reads, its settings or its pages moved; nothing to check (and so
      // always run, then skipped) when there is no as-of date to report on
      .writesFiles(ctx -> {
        try {
          return List.of(location(ctx, asOf(ctx)) + "/index.html");
        } catch (NothingToDo e) {
          return List.of();
        }
      })
      .build(registry -> new ReportStage(null));

  /** Pages built at once (measured at scale 1 on 2 cores: see docs/report.md). */
  static final int PARALLEL_PAGES = 4;

  private final String out;

  /** @param out the folder to write the site to (--out), or null for {@code <report.dir>/<as-of>} */
  public ReportStage(String out) {
    this.out = out;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(JobContext ctx) {
    ReportConfig cfg = ctx.config().get(ReportConfig.SECTION);
    LocalDate asOf = asOf(ctx);
    String target = out != null ? HadoopFiles.qualify(out) : location(ctx, asOf);
    Pages pages = new Pages(name -> {
      String table = ctx.catalog().gold(name);
      return ctx.spark().catalog().tableExists(table) ? ctx.spark().table(table) : null;
    }, asOf, cfg.topCustomers());
    List<Report.Page> all = pages.all(PARALLEL_PAGES);
    Map<String, byte[]> files = Site.files(all, new Site.Meta(asOf.toString(), ctx.config().catalog().goldDb(), ctx.runId()));
    long bytes = write(files, target, ctx.spark().sparkContext().hadoopConfiguration());
    long absent = all.stream().flatMap(p -> p.sections().stream()).filter(s -> !s.present()).count();
    Progress.info("report: {} ({} pages, {} sections without data)", HadoopFiles.display(target) + "/index.html",
        all.size(), absent);
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("pages", (long) all.size());
    counts.put("sections_without_data", absent);
    counts.put("bytes", bytes);
    return new StageResult(0, 0, counts, List.of());
  }

  /** Where the report of an as-of date goes without --out: {@code <report.dir>/<as-of>}, a Hadoop URI. */
  public static String location(JobContext ctx, LocalDate asOf) {
    String dir = ctx.config().get(ReportConfig.SECTION).dir();
    String root = dir != null ? HadoopFiles.qualify(dir) : ctx.catalog().filesRoot(ctx.spark()) + "/report";
    return root.replaceAll("/+$", "") + "/" + asOf;
  }

  /** The as-of date of customer_360's latest snapshot, or of the latest texts when there are no customers (reviews only). */
  public static LocalDate asOf(JobContext ctx) {
    return AsOf.resolveOr(ctx, () -> {
      String voice = ctx.catalog().gold("voice_response");
      if (ctx.spark().catalog().tableExists(voice)) {
        Row r = ctx.spark().table(voice).agg(max("as_of_date")).first();
        if (!r.isNullAt(0)) {
          return r.getDate(0).toLocalDate();
        }
      }
      throw new NothingToDo("no customer_360 snapshot and no texts: no as-of date to report on");
    });
  }

  /**
   * Writes the files into a sibling folder, then swaps it in for {@code target}; on a failure the
   * sibling is removed and the previous report stays. Returns the bytes written.
   */
  static long write(Map<String, byte[]> files, String target, org.apache.hadoop.conf.Configuration conf) {
    Path dest = new Path(target);
    Path tmp = new Path(dest.getParent(), "." + dest.getName() + ".tmp-" + System.nanoTime());
    // an instance of its own: no .crc beside each file of a local report, and the session's
    // cached file system keeps its settings
    try (FileSystem fs = FileSystem.newInstance(dest.toUri(), conf)) {
      fs.setWriteChecksum(false);
      try {
        long bytes = 0;
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
          try (OutputStream o = fs.create(new Path(tmp, f.getKey()), true)) {
            o.write(f.getValue());
          }
          bytes += f.getValue().length;
        }
        if (fs.exists(dest) && !fs.delete(dest, true)) {
          throw new IOException("could not remove the previous report " + dest);
        }
        if (!fs.rename(tmp, dest)) {
          throw new IOException("could not move " + tmp + " to " + dest);
        }
        return bytes;
      } catch (IOException e) {
        fs.delete(tmp, true);
        throw e;
      }
    } catch (IOException e) {
      throw new CxlakeException("writing the report to " + HadoopFiles.display(target) + " failed: " + e.getMessage(), 1, e);
    }
  }
}
