package dev.datamix.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The one chart stack of datamix, on XChart: line charts for the HTML reports (inline SVG, no
 * script, no network) and for the shoot-out's {@code report.md} (PNG and SVG files), stacked
 * mixture weights, and bars with error bars. Non-finite points are left out, and a long series
 * is thinned to at most {@link #MAX_POINTS} points, its last one kept.
 */
public final class Chart {
  /** The most points drawn per series. */
  public static final int MAX_POINTS = 600;
  /** Width of the files written for {@code report.md}, in pixels. */
  public static final int WIDTH = 900;
  /** Height of the files written for {@code report.md}, in pixels. */
  public static final int HEIGHT = 520;
  private static final int INLINE_WIDTH = 640;
  private static final int INLINE_HEIGHT = 320;

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final List<Series> series = new ArrayList<>();
  private double[] fixedY;

  private record Series(String name, double[] x, double[] y, boolean dashed) {}

  /**
   * @param title drawn above the plot
   * @param xLabel the horizontal axis
   * @param yLabel the vertical axis
   */
  public Chart(String title, String xLabel, String yLabel) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
  }

  /** Fixes the vertical axis to {@code [low, high]} (for example weights in [0, 1]). */
  public Chart yRange(double low, double high) {
    if (!(low < high)) {
      throw new IllegalArgumentException("yRange needs low < high, got " + low + " and " + high);
    }
    fixedY = new double[] {low, high};
    return this;
  }

  /** Adds a solid line. {@code x} and {@code y} must have the same length. */
  public Chart line(String name, double[] x, double[] y) {
    return add(name, x, y, false);
  }

  /** Adds a dashed line (for example a reference or target). */
  public Chart dashed(String name, double[] x, double[] y) {
    return add(name, x, y, true);
  }

  private Chart add(String name, double[] x, double[] y, boolean dashed) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("series '" + name + "': " + x.length + " x values but "
          + y.length + " y values");
    }
    double[][] points = finiteThinned(x, y);
    if (points[0].length > 0) {
      series.add(new Series(name, points[0], points[1], dashed));
    }
    return this;
  }

  /** The finite points of {@code (x, y)}, thinned to {@link #MAX_POINTS} with the last kept. */
  static double[][] finiteThinned(double[] x, double[] y) {
    int finite = 0;
    for (int i = 0; i < x.length; i++) {
      if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
        finite++;
      }
    }
    int stride = Math.max(1, (finite + MAX_POINTS - 1) / MAX_POINTS);
    List<double[]> kept = new ArrayList<>();
    int seen = 0;
    for (int i = 0; i < x.length; i++) {
      if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
        if (seen % stride == 0 || seen == finite - 1) {
          kept.add(new double[] {x[i], y[i]});
        }
        seen++;
      }
    }
    double[][] out = new double[2][kept.size()];
    for (int i = 0; i < kept.size(); i++) {
      out[0][i] = kept.get(i)[0];
      out[1][i] = kept.get(i)[1];
    }
    return out;
  }

  /** Whether any series has a finite point. */
  public boolean hasData() {
    return !series.isEmpty();
  }

  /** The series names, in order: those with at least one finite point. */
  List<String> seriesNames() {
    return series.stream().map(Series::name).toList();
  }

  /** The XChart chart of the given size. */
  XYChart toXChart(int width, int height) {
    XYChart c = new XYChartBuilder().width(width).height(height).title(title)
        .xAxisTitle(xLabel).yAxisTitle(yLabel).build();
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    c.getStyler().setMarkerSize(0);
    if (fixedY != null) {
      c.getStyler().setYAxisMin(fixedY[0]).setYAxisMax(fixedY[1]);
    }
    for (Series s : series) {
      XYSeries x = c.addSeries(s.name(), s.x(), s.y());
      x.setMarker(s.x().length == 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
      if (s.dashed()) {
        x.setLineStyle(SeriesLines.DASH_DASH);
      }
    }
    return c;
  }

  /** The chart as an inline {@code <svg>} element, for an HTML page. */
  public String toSvg() {
    if (!hasData()) {
      return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + INLINE_WIDTH + "\" height=\"40"
          + "\"><text x=\"8\" y=\"24\">" + HtmlReport.escape(title) + ": no data</text></svg>\n";
    }
    String svg = svg(toXChart(INLINE_WIDTH, INLINE_HEIGHT));
    // XChart draws text as outlines: a <title> keeps the chart's name readable and searchable
    int open = svg.indexOf('>') + 1;
    return svg.substring(0, open) + "<title>" + HtmlReport.escape(title) + "</title>"
        + svg.substring(open);
  }

  /** Writes {@code base.png} and {@code base.svg}. */
  public void save(Path base) throws IOException {
    save(toXChart(WIDTH, HEIGHT), base);
  }

  /**
   * Mixture weights over steps as a stacked area, each domain's band its weight, on [0, 1];
   * written as {@code base.png} and {@code base.svg}.
   *
   * @param weights per domain (in order), the weight at each step
   */
  public static void stackedWeights(Path base, String title, double[] steps,
      Map<String, double[]> weights) throws IOException {
    XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
        .xAxisTitle("step").yAxisTitle("cumulative weight").build();
    c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    c.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
    c.getStyler().setMarkerSize(0);
    double[] cumulative = new double[steps.length];
    List<String> names = List.copyOf(weights.keySet());
    double[][] tops = new double[names.size()][];
    for (int d = 0; d < names.size(); d++) {
      double[] w = weights.get(names.get(d));
      for (int i = 0; i < steps.length; i++) {
        cumulative[i] += w[i];
      }
      tops[d] = cumulative.clone();
    }
    // the highest band first, so that each lower band paints over it: a stacked area
    for (int d = names.size() - 1; d >= 0; d--) {
      c.addSeries(names.get(d), steps, tops[d]).setMarker(SeriesMarkers.NONE);
    }
    save(c, base);
  }

  /** Bars with error bars, written as {@code base.png} and {@code base.svg}. */
  public static void bars(Path base, String title, String yTitle, List<String> labels,
      List<Double> values, List<Double> errors) throws IOException {
    CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
        .yAxisTitle(yTitle).build();
    c.getStyler().setLegendVisible(false);
    double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    c.getStyler().setYAxisMin(Math.max(0, min * 0.95));
    c.addSeries(yTitle, labels, values, errors);
    save(c, base);
  }

  /** One line per series, written as {@code base.png} and {@code base.svg}. */
  public static void lines(Path base, String title, String xTitle, String yTitle,
      Map<String, double[][]> series) throws IOException {
    Chart c = new Chart(title, xTitle, yTitle);
    series.forEach((name, xy) -> c.line(name, xy[0], xy[1]));
    c.save(base);
  }

  private static void save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path base)
      throws IOException {
    Files.createDirectories(base.toAbsolutePath().getParent());
    BitmapEncoder.saveBitmap(chart, base.toString(), BitmapEncoder.BitmapFormat.PNG);
    VectorGraphicsEncoder.saveVectorGraphic(chart, base.toString(),
        VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
  }

  private static String svg(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      VectorGraphicsEncoder.saveVectorGraphic(chart, out,
          VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot draw chart " + chart.getTitle(), e);
    }
    String text = out.toString(StandardCharsets.UTF_8);
    int start = text.indexOf("<svg");
    return (start < 0 ? text : text.substring(start)).strip() + "\n";
  }
}
