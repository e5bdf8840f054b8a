package dev.datamix.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The charts beside {@link Chart}'s lines: mixture weights as stacked areas, bars (with error
 * bars, or grouped), and the XChart writers both use (PNG and SVG files, compacted inline SVG).
 */
public final class Charts {
  private Charts() {}

  /** XChart draws text as outlines: a {@code <title>} keeps the chart's name readable. */
  static String titled(String svg, String title) {
    int open = svg.indexOf('>') + 1;
    return svg.substring(0, open) + "<title>" + HtmlReport.escape(title) + "</title>"
        + svg.substring(open);
  }

  /**
   * Mixture weights over steps as a stacked area, each domain's band its weight, on [0, 1];
   * written as {@code base.png} and {@code base.svg}.
   *
   * @param weights per domain (in order), the weight at each step
   */
  public static void stackedWeights(Path base, String title, double[] steps,
      Map<String, double[]> weights) throws IOException {
    save(stacked(title, steps, weights, Chart.WIDTH, Chart.HEIGHT, Chart.MAX_POINTS), base);
  }

  /** {@link #stackedWeights} as an inline {@code <svg>} element, for an HTML page. */
  public static String stackedWeightsSvg(String title, double[] steps,
      Map<String, double[]> weights) {
    return titled(svg(stacked(title, steps, weights, Chart.INLINE_WIDTH, Chart.INLINE_HEIGHT,
        Chart.INLINE_POINTS)), title);
  }

  private static XYChart stacked(String title, double[] steps, Map<String, double[]> weights,
      int width, int height, int maxPoints) {
    XYChart c = new XYChartBuilder().width(width).height(height).title(title)
        .xAxisTitle("step").yAxisTitle("cumulative weight").build();
    c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    c.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
    c.getStyler().setMarkerSize(0);
    int stride = Math.max(1, (steps.length + maxPoints - 1) / maxPoints);
    int[] at = java.util.stream.IntStream.range(0, steps.length)
        .filter(i -> i % stride == 0 || i == steps.length - 1).toArray();
    double[] x = new double[at.length];
    for (int i = 0; i < at.length; i++) {
      x[i] = steps[at[i]];
    }
    double[] cumulative = new double[x.length];
    List<String> names = List.copyOf(weights.keySet());
    double[][] tops = new double[names.size()][];
    for (int d = 0; d < names.size(); d++) {
      double[] w = weights.get(names.get(d));
      for (int i = 0; i < x.length; i++) {
        cumulative[i] += Double.isFinite(w[at[i]]) ? w[at[i]] : 0;
      }
      tops[d] = cumulative.clone();
    }
    // the highest band first, so that each lower band paints over it: a stacked area
    for (int d = names.size() - 1; d >= 0; d--) {
      c.addSeries(names.get(d), x, tops[d]).setMarker(SeriesMarkers.NONE);
    }
    return c;
  }

  /**
   * Grouped bars, one group per label and one bar per series (for example the token shares a
   * policy asked for and those its batches held), as an inline {@code <svg>} element.
   */
  public static String groupedBarsSvg(String title, String yTitle, List<String> labels,
      Map<String, List<Double>> series) {
    CategoryChart c = new CategoryChartBuilder().width(Chart.INLINE_WIDTH).height(Chart.INLINE_HEIGHT)
        .title(title).yAxisTitle(yTitle).build();
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    c.getStyler().setXAxisLabelRotation(30);
    series.forEach((name, values) -> c.addSeries(name, labels, values));
    return titled(svg(c), title);
  }

  /** Bars with error bars, written as {@code base.png} and {@code base.svg}. */
  public static void bars(Path base, String title, String yTitle, List<String> labels,
      List<Double> values, List<Double> errors) throws IOException {
    CategoryChart c = new CategoryChartBuilder().width(Chart.WIDTH).height(Chart.HEIGHT).title(title)
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

  static void save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path base)
      throws IOException {
    Files.createDirectories(base.toAbsolutePath().getParent());
    BitmapEncoder.saveBitmap(chart, base.toString(), BitmapEncoder.BitmapFormat.PNG);
    VectorGraphicsEncoder.saveVectorGraphic(chart, base.toString(),
        VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
  }

  static String svg(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      VectorGraphicsEncoder.saveVectorGraphic(chart, out,
          VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot draw chart " + chart.getTitle(), e);
    }
    String text = out.toString(StandardCharsets.UTF_8);
    int start = text.indexOf("<svg");
    return SvgCompactor.compact((start < 0 ? text : text.substring(start)).strip()) + "\n";
  }
}
