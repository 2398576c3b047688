package io.cxlake.notebook;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The charts the notebooks draw, from small Datasets (a KPI trend, a driver list, deciles):
 * each collects its rows — callers aggregate first — and draws with XChart into a PNG.
 */
public final class Charts {
  private static final int WIDTH = 900;
  private static final int HEIGHT = 420;
  /** More rows than this is an aggregation the caller forgot. */
  private static final int MAX_ROWS = 5000;

  private Charts() {}

  /** A drawn chart: its image for the notebook, its PNG bytes for files. */
  public static final class Chart {
    private final org.knowm.xchart.internal.chartpart.Chart<?, ?> chart;

    Chart(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
      this.chart = chart;
    }

    public String title() {
      return chart.getTitle();
    }

    public int seriesCount() {
      return chart.getSeriesMap().size();
    }

    public BufferedImage image() {
      return BitmapEncoder.getBufferedImage(chart);
    }

    public byte[] png() {
      try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
        ImageIO.write(image(), "png", out);
        return out.toByteArray();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static List<Row> collect(Dataset<Row> rows) {
    List<Row> list = rows.limit(MAX_ROWS + 1).collectAsList();
    if (list.size() > MAX_ROWS) {
      throw new IllegalArgumentException("a chart draws at most " + MAX_ROWS + " rows; aggregate or filter first");
    }
    return list;
  }

  private static double number(Row r, String column) {
    Object v = r.getAs(column);
    return v == null ? Double.NaN : ((Number) v).doubleValue();
  }

  /**
   * Lines over time, one per value of {@code series} (null: one line), each with a shaded band
   * between {@code low} and {@code high} (null: no band) — e.g. NPS by month with its 95% CI.
   */
  public static Chart trend(Dataset<Row> rows, String title, String x, String y, String low, String high, String series) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y).build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.getStyler().setDatePattern("yyyy-MM");
    chart.getStyler().setPlotGridLinesVisible(true);
    Map<String, List<Row>> groups = new LinkedHashMap<>();
    for (Row r : collect(rows.orderBy(x))) {
      groups.computeIfAbsent(series == null ? y : String.valueOf((Object) r.getAs(series)), k -> new ArrayList<>()).add(r);
    }
    // Colours are fixed here (XChart assigns them only when painting) so each band matches its line.
    Color[] palette = chart.getStyler().getSeriesColors();
    int colour = 0;
    for (Map.Entry<String, List<Row>> g : groups.entrySet()) {
      List<Date> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      List<Double> lo = new ArrayList<>();
      List<Double> hi = new ArrayList<>();
      for (Row r : g.getValue()) {
        if (r.getAs(y) == null) {
          continue;
        }
        xs.add(r.getAs(x));
        ys.add(number(r, y));
        if (low != null) {
          lo.add(number(r, low));
          hi.add(number(r, high));
        }
      }
      if (xs.isEmpty()) {
        continue;
      }
      Color c = palette[colour++ % palette.length];
      XYSeries line = chart.addSeries(g.getKey(), xs, ys);
      line.setMarker(SeriesMarkers.CIRCLE);
      line.setLineColor(c);
      line.setMarkerColor(c);
      if (low != null) {
        band(chart, g.getKey(), xs, lo, hi, c, groups.size());
      }
    }
    return new Chart(chart);
  }

  /**
   * Step lines over a number, one per value of {@code series}, each with a shaded band between
   * {@code low} and {@code high} where both are given — e.g. Kaplan–Meier curves with their
   * confidence bands. Each line starts at 1 at x = 0.
   */
  public static Chart steps(Dataset<Row> rows, String title, String x, String y, String low, String high, String series) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y).build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.getStyler().setPlotGridLinesVisible(true);
    chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
    Map<String, List<Row>> groups = new LinkedHashMap<>();
    for (Row r : collect(rows.orderBy(x))) {
      groups.computeIfAbsent(String.valueOf((Object) r.getAs(series)), k -> new ArrayList<>()).add(r);
    }
    Color[] palette = chart.getStyler().getSeriesColors();
    int colour = 0;
    for (Map.Entry<String, List<Row>> g : groups.entrySet()) {
      List<Double> xs = new ArrayList<>(List.of(0.0));
      List<Double> ys = new ArrayList<>(List.of(1.0));
      List<Double> bx = new ArrayList<>();
      List<Double> lo = new ArrayList<>();
      List<Double> hi = new ArrayList<>();
      for (Row r : g.getValue()) {
        xs.add(number(r, x));
        ys.add(number(r, y));
        if (low != null && r.getAs(low) != null && r.getAs(high) != null) {
          bx.add(number(r, x));
          lo.add(number(r, low));
          hi.add(number(r, high));
        }
      }
      Color c = palette[colour++ % palette.length];
      XYSeries line = chart.addSeries(g.getKey(), xs, ys);
      line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
      line.setMarker(SeriesMarkers.NONE);
      line.setLineColor(c);
      if (bx.size() > 1) {
        band(chart, g.getKey(), bx, lo, hi, c, groups.size());
      }
    }
    return new Chart(chart);
  }

  /** A shaded band in the line's colour: a polygon along the lower bounds and back along the upper ones. */
  private static <X> void band(XYChart chart, String name, List<X> xs, List<Double> lo, List<Double> hi, Color c,
      int lines) {
    List<X> px = new ArrayList<>(xs);
    List<Double> py = new ArrayList<>(lo);
    for (int i = xs.size() - 1; i >= 0; i--) {
      px.add(xs.get(i));
      py.add(hi.get(i));
    }
    XYSeries band = chart.addSeries(name + " CI", px, py);
    band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
    band.setMarker(SeriesMarkers.NONE);
    band.setFillColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), lines > 2 ? 30 : 60));
    band.setLineColor(new Color(0, 0, 0, 0));
    band.setShowInLegend(false);
  }

  /**
   * A forest plot: per row (top to bottom in row order) the estimate as a point and its interval
   * as a line, on a logarithmic axis with the no-effect line at {@code reference} — e.g. hazard
   * ratios with their 95% CIs.
   */
  public static Chart forest(Dataset<Row> rows, String title, String label, String estimate, String low, String high,
      double reference) {
    List<Row> list = collect(rows);
    XYChart chart = new XYChartBuilder().width(WIDTH).height(Math.max(HEIGHT, 60 + 28 * list.size())).title(title)
        .xAxisTitle(estimate + " (log scale)").build();
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setPlotGridLinesVisible(true);
    chart.getStyler().setYAxisMin(-0.5).setYAxisMax(list.size() - 0.5);
    List<String> names = new ArrayList<>();
    list.forEach(r -> names.add(String.valueOf((Object) r.getAs(label))));
    // row i sits at y = n - 1 - i, so the first row is on top; ticks show the row's label
    int n = list.size();
    chart.getStyler().setyAxisTickLabelsFormattingFunction(v -> {
      int i = n - 1 - (int) Math.round(v);
      return Math.abs(v - Math.round(v)) < 1e-9 && i >= 0 && i < n ? names.get(i) : "";
    });
    double min = reference;
    double max = reference;
    List<Double> px = new ArrayList<>();
    List<Double> py = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Row r = list.get(i);
      double y = n - 1 - i;
      XYSeries ci = chart.addSeries("ci " + i, List.of(number(r, low), number(r, high)), List.of(y, y));
      ci.setMarker(SeriesMarkers.NONE);
      ci.setLineColor(Color.DARK_GRAY);
      px.add(number(r, estimate));
      py.add(y);
      min = Math.min(min, number(r, low));
      max = Math.max(max, number(r, high));
    }
    XYSeries none = chart.addSeries("no effect", List.of(reference, reference), List.of(-0.5, n - 0.5));
    none.setMarker(SeriesMarkers.NONE);
    none.setLineColor(Color.GRAY);
    XYSeries points = chart.addSeries(estimate, px, py);
    points.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    points.setMarker(SeriesMarkers.DIAMOND);
    points.setMarkerColor(new Color(0, 90, 181));
    chart.getStyler().setXAxisMin(min / 1.2).setXAxisMax(max * 1.2);
    return new Chart(chart);
  }

  /**
   * Bars of {@code value} per {@code category}, in row order; with {@code low}/{@code high}
   * given, their interval ends are drawn as markers on each bar (e.g. importance with its CI).
   */
  public static Chart bar(Dataset<Row> rows, String title, String category, String value, String low, String high) {
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(category)
        .yAxisTitle(value).build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    chart.getStyler().setXAxisLabelRotation(30);
    chart.getStyler().setOverlapped(true);
    List<String> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    List<Double> lo = new ArrayList<>();
    List<Double> hi = new ArrayList<>();
    for (Row r : collect(rows)) {
      xs.add(String.valueOf((Object) r.getAs(category)));
      ys.add(number(r, value));
      if (low != null) {
        lo.add(number(r, low));
        hi.add(number(r, high));
      }
    }
    chart.addSeries(value, xs, ys);
    if (low != null) {
      for (Map.Entry<String, List<Double>> end : Map.of(low, lo, high, hi).entrySet()) {
        CategorySeries s = chart.addSeries(end.getKey(), xs, end.getValue());
        s.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.DIAMOND);
        s.setMarkerColor(Color.DARK_GRAY);
      }
    }
    return new Chart(chart);
  }

  /**
   * Points of {@code x} against {@code y}, labelled by {@code label}, split into quadrants at
   * {@code xCut} and {@code yCut} (e.g. driver importance against performance).
   */
  public static Chart quadrant(Dataset<Row> rows, String title, String label, String x, String y, double xCut, double yCut) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT + 80).title(title).xAxisTitle(x).yAxisTitle(y).build();
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setMarkerSize(10);
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    List<Row> list = collect(rows);
    for (Row r : list) {
      xs.add(number(r, x));
      ys.add(number(r, y));
    }
    chart.addSeries(y, xs, ys);
    // The cut lines and labels are in data coordinates (false = not screen pixels).
    chart.addAnnotation(new AnnotationLine(xCut, true, false));
    chart.addAnnotation(new AnnotationLine(yCut, false, false));
    double span = ys.stream().mapToDouble(Double::doubleValue).max().orElse(1)
        - ys.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    for (int i = 0; i < list.size(); i++) {
      // each label just above its point
      chart.addAnnotation(new AnnotationText(String.valueOf((Object) list.get(i).getAs(label)), xs.get(i),
          ys.get(i) + 0.04 * (span == 0 ? 1 : span), false));
    }
    return new Chart(chart);
  }

  /**
   * One line per column in {@code series} over {@code x} (e.g. lift by decile for the model
   * and the baseline), with a dashed reference line at {@code reference} (NaN: none).
   */
  public static Chart lines(Dataset<Row> rows, String title, String x, double reference, String... series) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x)
        .yAxisTitle(String.join(", ", series)).build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    List<Row> list = collect(rows.orderBy(x));
    for (String s : series) {
      List<Double> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      for (Row r : list) {
        if (r.getAs(s) != null) {
          xs.add(number(r, x));
          ys.add(number(r, s));
        }
      }
      chart.addSeries(s, xs, ys).setMarker(SeriesMarkers.CIRCLE);
    }
    if (!Double.isNaN(reference)) {
      chart.addAnnotation(new AnnotationLine(reference, false, false));
    }
    return new Chart(chart);
  }

  /**
   * Calibration: observed rate against mean predicted probability per bin, with the diagonal
   * a perfectly calibrated model lies on.
   */
  public static Chart calibration(Dataset<Row> rows, String title, String predicted, String observed) {
    XYChart chart = new XYChartBuilder().width(HEIGHT + 120).height(HEIGHT + 120).title(title)
        .xAxisTitle(predicted).yAxisTitle(observed).build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (Row r : collect(rows.orderBy(predicted))) {
      xs.add(number(r, predicted));
      ys.add(number(r, observed));
    }
    chart.addSeries("model", xs, ys).setMarker(SeriesMarkers.CIRCLE);
    XYSeries diagonal = chart.addSeries("perfect calibration", List.of(0.0, 1.0), List.of(0.0, 1.0));
    diagonal.setMarker(SeriesMarkers.NONE);
    diagonal.setLineColor(Color.GRAY);
    return new Chart(chart);
  }
}
