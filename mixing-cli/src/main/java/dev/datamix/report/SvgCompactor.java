package dev.datamix.report;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shrinks the SVG XChart writes, without changing what it draws: XChart emits every segment of a
 * series as its own styled {@code <line>} (about 200 bytes each) and every coordinate with up to
 * 15 decimals, so a report of a dozen 600-step runs weighed tens of megabytes. Runs of touching
 * segments of one style become one {@code <polyline>}, and geometry attributes keep 1 decimal (a
 * tenth of a pixel in a 640-pixel chart). Text, titles and styles are left as they are.
 */
final class SvgCompactor {
  private static final Pattern LINE = Pattern.compile("<line style=\"([^\"]*)\" x1=\"([^\"]*)\" "
      + "x2=\"([^\"]*)\" y1=\"([^\"]*)\" y2=\"([^\"]*)\"/>");
  private static final Pattern GEOMETRY = Pattern.compile(
      "(\\s(?:d|x1|x2|y1|y2|x|y|width|height|points)=\")([^\"]*)(\")");
  private static final Pattern DECIMAL = Pattern.compile("-?\\d+\\.\\d+");

  private SvgCompactor() {}

  /** The same drawing in fewer bytes. */
  static String compact(String svg) {
    return roundGeometry(mergeLines(svg));
  }

  private static String mergeLines(String svg) {
    Matcher m = LINE.matcher(svg);
    StringBuilder out = new StringBuilder(svg.length() / 4);
    int copied = 0;
    String style = null;
    String lastX = null;
    String lastY = null;
    StringBuilder points = null;
    while (m.find()) {
      String between = svg.substring(copied, m.start());
      boolean continues = points != null && between.isBlank() && m.group(1).equals(style)
          && m.group(2).equals(lastX) && m.group(4).equals(lastY);
      if (!continues) {
        flush(out, style, points);
        out.append(between);
        style = m.group(1);
        points = new StringBuilder().append(m.group(2)).append(',').append(m.group(4));
      }
      points.append(' ').append(m.group(3)).append(',').append(m.group(5));
      lastX = m.group(3);
      lastY = m.group(5);
      copied = m.end();
    }
    flush(out, style, points);
    out.append(svg, copied, svg.length());
    return out.toString();
  }

  private static void flush(StringBuilder out, String style, StringBuilder points) {
    if (points != null) {
      out.append("<polyline style=\"").append(style).append("\" points=\"").append(points)
          .append("\"/>");
    }
  }

  private static String roundGeometry(String svg) {
    Matcher m = GEOMETRY.matcher(svg);
    StringBuilder out = new StringBuilder(svg.length());
    while (m.find()) {
      Matcher d = DECIMAL.matcher(m.group(2));
      StringBuilder v = new StringBuilder();
      while (d.find()) {
        d.appendReplacement(v, round(Double.parseDouble(d.group())));
      }
      d.appendTail(v);
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + v + m.group(3)));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String round(double x) {
    String s = String.format(Locale.ROOT, "%.1f", x);
    if (s.endsWith(".0")) {
      s = s.substring(0, s.length() - 2);
    }
    return s.equals("-0") ? "0" : s;
  }
}
