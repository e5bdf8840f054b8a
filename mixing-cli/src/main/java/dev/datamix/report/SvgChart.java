package dev.datamix.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart written as inline SVG, so that a report is one self-contained HTML file (no
 * script, no image files, no network). Non-finite values break a line; a series with a single
 * finite point is drawn as a dot. Long series are thinned to at most {@link #MAX_POINTS} points.
 */
public final class SvgChart {
  /** Points drawn per series at most. */
  public static final int MAX_POINTS = 600;

  static final String[] PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
      "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  private static final int WIDTH = 640;
  private static final int HEIGHT = 320;
  private static final int LEFT = 64;
  private static final int RIGHT = 150;
  private static final int TOP = 28;
  private static final int BOTTOM = 44;

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
  public SvgChart(String title, String xLabel, String yLabel) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
  }

  /** Fixes the vertical axis to {@code [low, high]} (for example weights in [0, 1]). */
  public SvgChart yRange(double low, double high) {
    if (!(low < high)) {
      throw new IllegalArgumentException("yRange needs low < high, got " + low + " and " + high);
    }
    fixedY = new double[] {low, high};
    return this;
  }

  /** Adds a solid line. {@code x} and {@code y} must have the same length. */
  public SvgChart line(String name, double[] x, double[] y) {
    return add(name, x, y, false);
  }

  /** Adds a dashed line (for example a reference or target). */
  public SvgChart dashed(String name, double[] x, double[] y) {
    return add(name, x, y, true);
  }

  private SvgChart add(String name, double[] x, double[] y, boolean dashed) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("series '" + name + "': " + x.length + " x values but "
          + y.length + " y values");
    }
    series.add(new Series(name, x.clone(), y.clone(), dashed));
    return this;
  }

  /** Whether any series has a finite point. */
  public boolean hasData() {
    for (Series s : series) {
      for (int i = 0; i < s.x.length; i++) {
        if (Double.isFinite(s.x[i]) && Double.isFinite(s.y[i])) {
          return true;
        }
      }
    }
    return false;
  }

  /** The chart as an {@code <svg>} element. */
  public String toSvg() {
    double[] xr = range(true);
    double[] yr = fixedY != null ? fixedY : range(false);
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
        + "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" "
        + "font-size=\"11\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"16\" font-size=\"13\" "
        + "font-weight=\"bold\">%s</text>%n", LEFT, escape(title)));
    b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
        + "fill=\"none\" stroke=\"#888\"/>%n", LEFT, TOP, plotW, plotH));
    for (double t : ticks(xr[0], xr[1])) {
      double px = LEFT + (t - xr[0]) / (xr[1] - xr[0]) * plotW;
      b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
          + "stroke=\"#eee\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
          px, TOP, px, TOP + plotH, px, TOP + plotH + 14, format(t)));
    }
    for (double t : ticks(yr[0], yr[1])) {
      double py = TOP + plotH - (t - yr[0]) / (yr[1] - yr[0]) * plotH;
      b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
          + "stroke=\"#eee\"/><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
          LEFT, py, LEFT + plotW, py, LEFT - 4, py + 4, format(t)));
    }
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s"
        + "</text>%n", LEFT + plotW / 2, HEIGHT - 8, escape(xLabel)));
    b.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" text-anchor=\"middle\" "
        + "transform=\"rotate(-90 14 %d)\">%s</text>%n", TOP + plotH / 2, TOP + plotH / 2,
        escape(yLabel)));
    for (int s = 0; s < series.size(); s++) {
      Series ser = series.get(s);
      String color = PALETTE[s % PALETTE.length];
      String dash = ser.dashed ? " stroke-dasharray=\"5,3\"" : "";
      int stride = Math.max(1, (ser.x.length + MAX_POINTS - 1) / MAX_POINTS);
      StringBuilder pts = new StringBuilder();
      int inLine = 0;
      for (int i = 0; i < ser.x.length; i += stride) {
        if (!Double.isFinite(ser.x[i]) || !Double.isFinite(ser.y[i])) {
          inLine = flush(b, pts, inLine, color, dash);
          continue;
        }
        double px = LEFT + (ser.x[i] - xr[0]) / (xr[1] - xr[0]) * plotW;
        double py = TOP + plotH - (ser.y[i] - yr[0]) / (yr[1] - yr[0]) * plotH;
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
        inLine++;
      }
      flush(b, pts, inLine, color, dash);
      int ly = TOP + 10 + s * 15;
      b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
          + "stroke=\"%s\" stroke-width=\"2\"%s/><text x=\"%d\" y=\"%d\">%s</text>%n",
          WIDTH - RIGHT + 8, ly, WIDTH - RIGHT + 26, ly, color, dash, WIDTH - RIGHT + 30,
          ly + 4, escape(ser.name)));
    }
    b.append("</svg>\n");
    return b.toString();
  }

  private static int flush(StringBuilder b, StringBuilder pts, int count, String color,
      String dash) {
    if (count == 1) {
      String[] xy = pts.toString().trim().split(",");
      b.append(String.format(Locale.ROOT, "<circle cx=\"%s\" cy=\"%s\" r=\"2.5\" fill=\"%s\"/>%n",
          xy[0], xy[1], color));
    } else if (count > 1) {
      b.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" "
          + "stroke-width=\"1.5\"%s points=\"%s\"/>%n", color, dash, pts.toString().trim()));
    }
    pts.setLength(0);
    return 0;
  }

  private double[] range(boolean x) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (int i = 0; i < s.x.length; i++) {
        if (Double.isFinite(s.x[i]) && Double.isFinite(s.y[i])) {
          double v = x ? s.x[i] : s.y[i];
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (lo > hi) {
      return new double[] {0, 1};
    }
    if (hi - lo < 1e-12 * Math.max(1, Math.abs(hi))) {
      double pad = Math.max(Math.abs(hi) * 0.05, 1e-6);
      return new double[] {lo - pad, hi + pad};
    }
    if (!x) {
      double pad = (hi - lo) * 0.04;
      return new double[] {lo - pad, hi + pad};
    }
    return new double[] {lo, hi};
  }

  /** About five round tick values inside {@code [lo, hi]}. */
  static List<Double> ticks(double lo, double hi) {
    double raw = (hi - lo) / 5;
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = mag * (raw / mag < 1.5 ? 1 : raw / mag < 3.5 ? 2 : raw / mag < 7.5 ? 5 : 10);
    List<Double> t = new ArrayList<>();
    double first = Math.ceil(lo / step - 1e-9);
    for (int i = 0; (first + i) * step <= hi + step * 1e-9; i++) {
      double v = (first + i) * step;
      t.add(Math.abs(v) < step * 1e-9 ? 0 : v);
    }
    return t;
  }

  private static String format(double v) {
    double a = Math.abs(v);
    if (a >= 1e4) {
      String[] suffix = {"k", "M", "G", "T"};
      int k = Math.min(suffix.length, (int) Math.floor(Math.log10(a) / 3));
      return format(v / Math.pow(1000, k)) + suffix[k - 1];
    }
    if (a != 0 && a < 1e-3) {
      return String.format(Locale.ROOT, "%.1e", v);
    }
    String s = String.format(Locale.ROOT, "%.4f", v);
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  /** Escapes text for XML and HTML. */
  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
