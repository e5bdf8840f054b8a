package dev.datamix.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The one chart stack of datamix, on XChart: line charts (and mean ± sd bands) for the HTML
 * reports (inline SVG, no script, no network) and for the shoot-out's {@code report.md} (PNG and
 * SVG files); {@link Charts} has the stacked weights, the bars and the writers. Non-finite points are left out, and a long series
 * is thinned to at most {@link #MAX_POINTS} points, its last one kept.
 */
public final class Chart {
  /** The most points drawn per series. */
  public static final int MAX_POINTS = 600;
  /** Width of the files written for {@code report.md}, in pixels. */
  public static final int WIDTH = 900;
  /** Height of the files written for {@code report.md}, in pixels. */
  public static final int HEIGHT = 520;
  static final int INLINE_WIDTH = 640;
  static final int INLINE_HEIGHT = 320;
  /** The most points drawn per series in an inline chart: a page holds dozens of them. */
  static final int INLINE_POINTS = 200;

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final List<Series> series = new ArrayList<>();
  private double[] fixedY;
  private boolean rangeAfterFirst;
  private double tailFrom = Double.NaN;
  private boolean logLog;

  /**
   * A line, or with {@code high} a band between {@code y} (its low side) and {@code high}; a band
   * always follows its line in {@link #series} ({@link #band} adds both, or only the line).
   */
  private record Series(String name, double[] x, double[] y, boolean dashed, double[] high) {}

  /** Colours by series order; a band takes its line's colour, translucent. */
  private static final java.awt.Color[] PALETTE = {new java.awt.Color(31, 119, 180),
      new java.awt.Color(255, 127, 14), new java.awt.Color(44, 160, 44),
      new java.awt.Color(214, 39, 40), new java.awt.Color(148, 103, 189),
      new java.awt.Color(140, 86, 75), new java.awt.Color(227, 119, 194),
      new java.awt.Color(127, 127, 127), new java.awt.Color(188, 189, 34),
      new java.awt.Color(23, 190, 207)};

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

  /**
   * Scales the vertical axis to every point but each series' first: the first evaluation of a
   * fresh model (8 bits/byte) would otherwise flatten every difference that matters.
   */
  public Chart rangeAfterFirst() {
    rangeAfterFirst = true;
    return this;
  }

  /**
   * Shows only the points whose x is at least {@code fraction} of the largest x, with the
   * vertical axis scaled to them: the end of training, where methods differ by hundredths.
   */
  public Chart tail(double fraction) {
    if (!(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException("tail fraction must be in (0, 1), got " + fraction);
    }
    tailFrom = fraction;
    return this;
  }

  /**
   * Adds a line at {@code mean} with a translucent band {@code mean ± sd} of the same colour (a
   * mean over seeds and its spread).
   */
  public Chart band(String name, double[] x, double[] mean, double[] sd) {
    if (x.length != mean.length || x.length != sd.length) {
      throw new IllegalArgumentException("band '" + name + "': " + x.length + " x values, "
          + mean.length + " means, " + sd.length + " spreads");
    }
    List<double[]> kept = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      if (Double.isFinite(x[i]) && Double.isFinite(mean[i]) && Double.isFinite(sd[i])) {
        kept.add(new double[] {x[i], mean[i] - sd[i], mean[i] + sd[i]});
      }
    }
    line(name, x, mean);
    if (kept.size() > 1) {
      double[][] b = new double[3][kept.size()];
      for (int i = 0; i < kept.size(); i++) {
        for (int k = 0; k < 3; k++) {
          b[k][i] = kept.get(i)[k];
        }
      }
      series.add(new Series(name + " ± sd", b[0], b[1], false, b[2]));
    }
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
      series.add(new Series(name, points[0], points[1], dashed, null));
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
  XYChart toXChart(int width, int height, int maxPoints) {
    XYChart c = new XYChartBuilder().width(width).height(height).title(title)
        .xAxisTitle(xLabel).yAxisTitle(yLabel).build();
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    c.getStyler().setMarkerSize(logLog ? 6 : 0);
    if (logLog) {
      c.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true);
    }
    double[] range = fixedY != null ? fixedY : !Double.isNaN(tailFrom) ? tailRange()
        : rangeAfterFirst ? rangeAfterFirstPoints() : null;
    if (!Double.isNaN(tailFrom) && range != null) {
      c.getStyler().setXAxisMin(range[2]);
    }
    if (range != null) {
      c.getStyler().setYAxisMin(range[0]).setYAxisMax(range[1]);
    }
    int colour = 0;
    java.awt.Color base = PALETTE[0]; // the colour of the last line: a band's
    for (Series all : series) {
      Series s = thin(all, maxPoints);
      if (s.high() != null) {
        double[] px = new double[2 * s.x().length];
        double[] py = new double[px.length];
        for (int i = 0; i < s.x().length; i++) {
          px[i] = s.x()[i];
          py[i] = s.high()[i];
          px[px.length - 1 - i] = s.x()[i];
          py[px.length - 1 - i] = s.y()[i];
        }
        XYSeries band = c.addSeries(s.name(), px, py);
        band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
        band.setFillColor(new java.awt.Color(base.getRed(), base.getGreen(), base.getBlue(), 60));
        band.setLineColor(new java.awt.Color(0, 0, 0, 0));
        band.setMarker(SeriesMarkers.NONE);
        band.setShowInLegend(false);
        continue;
      }
      XYSeries x = c.addSeries(s.name(), s.x(), s.y());
      java.awt.Color col = PALETTE[colour++ % PALETTE.length];
      base = col;
      x.setLineColor(col);
      x.setMarkerColor(col);
      x.setMarker(s.x().length == 1 || logLog ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
      if (s.dashed()) {
        x.setLineStyle(SeriesLines.DASH_DASH);
      }
    }
    return c;
  }

  /** {@code s} at most {@code max} points: every k-th, the last kept. */
  private static Series thin(Series s, int max) {
    int n = s.x().length;
    if (n <= max) {
      return s;
    }
    int stride = (n + max - 1) / max;
    int[] at = java.util.stream.IntStream.range(0, n).filter(i -> i % stride == 0 || i == n - 1)
        .toArray();
    double[] x = new double[at.length];
    double[] y = new double[at.length];
    double[] high = s.high() == null ? null : new double[at.length];
    for (int i = 0; i < at.length; i++) {
      x[i] = s.x()[at[i]];
      y[i] = s.y()[at[i]];
      if (high != null) {
        high[i] = s.high()[at[i]];
      }
    }
    return new Series(s.name(), x, y, s.dashed(), high);
  }

  /** The vertical range of every point after each series' first, padded by 5%; or null. */
  private double[] rangeAfterFirstPoints() {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      // a band's first point is at its line's first x, so skipping index 0 skips both
      for (int i = s.x().length > 1 ? 1 : 0; i < s.x().length; i++) {
        lo = Math.min(lo, s.y()[i]);
        hi = Math.max(hi, s.high() == null ? s.y()[i] : s.high()[i]);
      }
    }
    if (!(lo < hi)) {
      return null;
    }
    double pad = 0.05 * (hi - lo);
    return new double[] {lo - pad, hi + pad};
  }

  /** {@code [low, high, xFrom]} of the points in the tail, padded by 5%; or null. */
  private double[] tailRange() {
    double xMax = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      xMax = Math.max(xMax, s.x()[s.x().length - 1]);
    }
    double from = tailFrom * xMax;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (int i = 0; i < s.x().length; i++) {
        if (s.x()[i] >= from) {
          lo = Math.min(lo, s.y()[i]);
          hi = Math.max(hi, s.high() == null ? s.y()[i] : s.high()[i]);
        }
      }
    }
    if (!(lo < hi)) {
      return null;
    }
    double pad = 0.05 * (hi - lo);
    return new double[] {lo - pad, hi + pad, from};
  }

  /** The chart as an inline {@code <svg>} element, for an HTML page. */
  public String toSvg() {
    if (!hasData()) {
      return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + INLINE_WIDTH + "\" height=\"40"
          + "\"><text x=\"8\" y=\"24\">" + HtmlReport.escape(title) + ": no data</text></svg>\n";
    }
    return Charts.titled(Charts.svg(toXChart(INLINE_WIDTH, INLINE_HEIGHT, INLINE_POINTS)),
        title);
  }

  /** Both axes logarithmic (scaling curves over decades); every value must be positive. */
  public Chart logLog() {
    this.logLog = true;
    return this;
  }

  /** Writes {@code base.png} and {@code base.svg}. */
  public void save(Path base) throws IOException {
    Charts.save(toXChart(WIDTH, HEIGHT, MAX_POINTS), base);
  }
}
