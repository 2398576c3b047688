package io.cxlake.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the report shows, before it becomes HTML: pages of sections, each with headline figures,
 * charts (a kind and its data, drawn in the browser by report.js) and tables. Built by
 * {@link Pages} from gold tables; rendered by {@link Site}.
 */
public final class Report {
  private Report() {}

  /** A page: one file of the site. */
  public record Page(String file, String title, String intro, List<Section> sections) {}

  /**
   * A part of a page about one table or question. {@code absent} says in one line why it has
   * nothing to show (its table is missing or has no rows for the as-of date); then the rest is empty.
   */
  public record Section(String title, String absent, String note, List<Figure> figures, List<Chart> charts,
      List<Table> tables, List<Text> texts) {

    public static Section absent(String title, String why) {
      return new Section(title, why, null, List.of(), List.of(), List.of(), List.of());
    }

    public static Builder of(String title) {
      return new Builder(title);
    }

    /** Mustache: whether there is anything to show. */
    public boolean present() {
      return absent == null;
    }
  }

  /** Collects a section. */
  public static final class Builder {
    private final String title;
    private String note;
    private final List<Figure> figures = new ArrayList<>();
    private final List<Chart> charts = new ArrayList<>();
    private final List<Table> tables = new ArrayList<>();
    private final List<Text> texts = new ArrayList<>();

    private Builder(String title) {
      this.title = title;
    }

    public Builder note(String text) {
      note = text;
      return this;
    }

    public Builder figure(Figure f) {
      figures.add(f);
      return this;
    }

    public Builder chart(Chart c) {
      charts.add(c);
      return this;
    }

    public Builder table(Table t) {
      tables.add(t);
      return this;
    }

    public Builder text(Text t) {
      texts.add(t);
      return this;
    }

    public Section build() {
      return new Section(title, null, note, figures, charts, tables, texts);
    }
  }

  /**
   * A headline figure: a KPI's value and its change, with a plain-words verdict on the change
   * ({@code verdict}: e.g. "significant drop (p = 0.003)") and a direction that is named, never
   * only coloured: up, down or flat.
   */
  public record Figure(String name, String value, String change, String direction, String verdict) {}

  /**
   * A chart: {@code kind} and {@code data} are what report.js draws (line, bar, heatmap, scatter,
   * step, forest; see its renderers); data is plain lists, maps, strings and numbers, embedded
   * in the page as JSON.
   */
  public record Chart(String id, String title, String kind, String note, Map<String, Object> data) {}

  /** A preformatted text (a model card), folded under its title. */
  public record Text(String title, String body) {}

  /** A table of text cells (formatted for people); {@code numeric} marks columns aligned right. */
  public record Table(String title, List<String> header, List<List<String>> rows, List<Boolean> numeric) {

    /** Mustache: the rows with their cells' alignment. */
    public List<List<Map<String, Object>>> cells() {
      List<List<Map<String, Object>>> out = new ArrayList<>();
      for (List<String> row : rows) {
        List<Map<String, Object>> cells = new ArrayList<>();
        for (int i = 0; i < row.size(); i++) {
          Map<String, Object> cell = new LinkedHashMap<>();
          cell.put("text", row.get(i) == null ? "" : row.get(i));
          cell.put("numeric", i < numeric.size() && numeric.get(i));
          cells.add(cell);
        }
        out.add(cells);
      }
      return out;
    }
  }
}
