package dev.datamix.shootout;

import java.io.IOException;
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
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The shoot-out's charts, drawn with XChart and saved as PNG and SVG. */
public final class Plots {
  /** Plot width in pixels. */
  public static final int WIDTH = 900;
  /** Plot height in pixels. */
  public static final int HEIGHT = 520;

  private Plots() {}

  static {
    System.setProperty("java.awt.headless", "true");
  }

  /**
   * Mixture weights over steps as a stacked area: each domain's band is its weight.
   *
   * @param weights per domain (in order), the weight at each step
   */
  public static void weights(Path base, String title, double[] steps, Map<String, double[]> weights)
      throws IOException {
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
    // draw the highest band first so each lower band paints over it: a stacked area
    for (int d = names.size() - 1; d >= 0; d--) {
      c.addSeries(names.get(d), steps, tops[d]).setMarker(SeriesMarkers.NONE);
    }
    save(c, base);
  }

  /** One line per series. */
  public static void lines(Path base, String title, String xTitle, String yTitle,
      Map<String, double[][]> series) throws IOException {
    XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
        .yAxisTitle(yTitle).build();
    c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    for (Map.Entry<String, double[][]> e : series.entrySet()) {
      c.addSeries(e.getKey(), e.getValue()[0], e.getValue()[1]);
    }
    save(c, base);
  }

  /** Bars with error bars. */
  public static void bars(Path base, String title, String yTitle, List<String> labels, List<Double> values,
      List<Double> errors) throws IOException {
    CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
        .yAxisTitle(yTitle).build();
    c.getStyler().setLegendVisible(false);
    double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    c.getStyler().setYAxisMin(Math.max(0, min * 0.95));
    c.addSeries(yTitle, labels, values, errors);
    save(c, base);
  }

  private static void save(Chart<?, ?> chart, Path base) throws IOException {
    Files.createDirectories(base.toAbsolutePath().getParent());
    BitmapEncoder.saveBitmap(chart, base.toString(), BitmapEncoder.BitmapFormat.PNG);
    VectorGraphicsEncoder.saveVectorGraphic(chart, base.toString(),
        VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
  }
}
