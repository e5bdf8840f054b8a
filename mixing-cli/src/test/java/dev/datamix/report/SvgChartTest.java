package dev.datamix.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SvgChartTest {
  private static int count(String s, String part) {
    return s.split(java.util.regex.Pattern.quote(part), -1).length - 1;
  }

  @Test
  void aNaNBreaksTheLineAndALonePointIsADot() {
    double nan = Double.NaN;
    String svg = new SvgChart("t", "x", "y")
        .line("a", new double[] {0, 1, 2, 3, 4, 5}, new double[] {1, 2, nan, 3, 4, nan})
        .line("b", new double[] {0, 1, 2}, new double[] {nan, 5, nan})
        .toSvg();
    assertEquals(2, count(svg, "<polyline"), svg);
    assertEquals(1, count(svg, "<circle"), svg);
    assertTrue(svg.startsWith("<svg") && svg.strip().endsWith("</svg>"));
  }

  @Test
  void ticksAreRoundAndInsideTheRange() {
    List<Double> unit = SvgChart.ticks(0, 1);
    assertEquals(6, unit.size(), unit.toString());
    for (int i = 0; i < 6; i++) {
      assertEquals(0.2 * i, unit.get(i), 1e-12);
    }
    for (double t : SvgChart.ticks(1.37, 8.02)) {
      assertTrue(t >= 1.37 && t <= 8.02 && Math.abs(t - Math.rint(t)) < 1e-9, "tick " + t);
    }
    assertEquals(List.of(0.0, 100_000.0, 200_000.0, 300_000.0, 400_000.0),
        SvgChart.ticks(0, 409_600));
  }

  @Test
  void textIsEscapedAndBadInputNamed() {
    String svg = new SvgChart("a <b> & \"c\"", "x", "y").line("d<e", new double[] {0, 1},
        new double[] {0, 1}).toSvg();
    assertTrue(svg.contains("a &lt;b&gt; &amp; &quot;c&quot;") && svg.contains("d&lt;e"));
    assertFalse(new SvgChart("t", "x", "y").line("n", new double[] {1},
        new double[] {Double.NaN}).hasData());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SvgChart("t", "x", "y").line("s", new double[] {1, 2}, new double[] {1}));
    assertTrue(e.getMessage().contains("series 's': 2 x values but 1 y values"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new SvgChart("t", "x", "y").yRange(1, 1));
    assertTrue(e.getMessage().contains("yRange needs low < high, got 1.0 and 1.0"));
  }
}
