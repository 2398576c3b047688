package io.cxlake.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import io.cxlake.report.Report.Chart;
import io.cxlake.report.Report.Page;
import io.cxlake.report.Report.Section;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report as files: one HTML page per {@link Page} from a Mustache template (HTML escaping
 * on: every table cell, title and note is escaped), each page's chart data as JSON inside it,
 * and the assets the pages load from disk: ECharts, report.js, report.css. Nothing is fetched
 * from the network, so the folder opens anywhere.
 */
public final class Site {
  /** The ECharts WebJar on the class path (jobs/pom.xml). */
  static final String ECHARTS_VERSION = "5.3.1";
  private static final String ECHARTS = "META-INF/resources/webjars/echarts/" + ECHARTS_VERSION + "/";
  private static final ObjectMapper JSON = new ObjectMapper();

  private Site() {}

  /** Who and what the report is of, printed in each page's footer. */
  public record Meta(String asOf, String catalog, String runId) {}

  /** Every file of the site by its path inside the report folder. */
  public static Map<String, byte[]> files(List<Page> pages, Meta meta) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    Mustache template = new DefaultMustacheFactory("report").compile("page.mustache");
    for (Page page : pages) {
      files.put(page.file(), render(template, page, pages, meta).getBytes(StandardCharsets.UTF_8));
    }
    files.put("assets/echarts.min.js", resource(ECHARTS + "dist/echarts.min.js"));
    files.put("assets/ECHARTS-LICENSE.txt", resource(ECHARTS + "LICENSE"));
    files.put("assets/ECHARTS-NOTICE.txt", resource(ECHARTS + "NOTICE"));
    files.put("assets/report.js", resource("report/report.js"));
    files.put("assets/report.css", resource("report/report.css"));
    return files;
  }

  private static String render(Mustache template, Page page, List<Page> pages, Meta meta) {
    // chart ids are numbered per page; the data of chart N is charts["chart-N"] in the JSON
    Map<String, Object> charts = new LinkedHashMap<>();
    List<Section> sections = new ArrayList<>();
    for (Section s : page.sections()) {
      List<Chart> numbered = new ArrayList<>();
      for (Chart c : s.charts()) {
        Chart n = new Chart("chart-" + (charts.size() + 1), c.title(), c.kind(), c.note(), c.data());
        charts.put(n.id(), Map.of("kind", n.kind(), "data", n.data()));
        numbered.add(n);
      }
      sections.add(new Section(s.title(), s.absent(), s.note(), s.figures(), numbered, s.tables(), s.texts()));
    }
    Map<String, Object> scope = new LinkedHashMap<>();
    scope.put("page", new Page(page.file(), page.title(), page.intro(), sections));
    scope.put("nav", pages.stream().map(p -> Map.of("file", p.file(), "title", p.title(), "current", p == page)).toList());
    scope.put("asOf", meta.asOf());
    scope.put("catalog", meta.catalog());
    scope.put("runId", meta.runId());
    scope.put("echartsVersion", ECHARTS_VERSION);
    scope.put("data", scriptJson(Map.of("charts", charts)));
    StringWriter out = new StringWriter();
    template.execute(out, scope);
    return out.toString();
  }

  /**
   * JSON safe inside a script element: "<", ">" and "&" only occur inside JSON strings, where
   * their \\u escapes mean the same, so no text of the data can close the element.
   */
  static String scriptJson(Object value) {
    try {
      return JSON.writeValueAsString(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
          .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("report data is not JSON: " + e.getMessage(), e);
    }
  }

  private static byte[] resource(String path) {
    try (InputStream in = Site.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(path + " is not on the class path (the jar is incomplete)");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
