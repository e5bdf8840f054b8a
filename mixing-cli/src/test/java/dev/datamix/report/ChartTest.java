package dev.datamix.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartTest {
  @TempDir Path dir;

  @Test
  void nonFinitePointsAreLeftOutAndLongSeriesThinnedKeepingTheLast() {
    double[][] p = Chart.finiteThinned(new double[] {0, 1, 2, 3}, new double[] {1, Double.NaN,
        Double.POSITIVE_INFINITY, 4});
    assertArrayEquals(new double[] {0, 3}, p[0]);
    assertArrayEquals(new double[] {1, 4}, p[1]);
    double[] x = new double[10_001];
    for (int i = 0; i < x.length; i++) {
      x[i] = i;
    }
    double[][] thin = Chart.finiteThinned(x, x);
    assertTrue(thin[0].length <= Chart.MAX_POINTS + 1, thin[0].length + " points");
    assertEquals(0, thin[0][0]);
    assertEquals(10_000, thin[0][thin[0].length - 1], "the last point is kept");
  }

  @Test
  void aSeriesWithoutAFinitePointIsNotDrawnAndAChartWithoutDataSaysSo() {
    Chart c = new Chart("t <1>", "x", "y").line("empty", new double[] {1},
        new double[] {Double.NaN});
    assertFalse(c.hasData());
    assertEquals("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"40\"><text "
        + "x=\"8\" y=\"24\">t &lt;1&gt;: no data</text></svg>\n", c.toSvg());
    c.line("one", new double[] {1, 2}, new double[] {3, 4});
    assertEquals(List.of("one"), c.seriesNames());
  }

  @Test
  void weightsKeepAFixedAxisAndTheInlineSvgIsOneSelfContainedElement() {
    Chart c = new Chart("Mixture weights", "step", "weight").yRange(0, 1)
        .line("code", new double[] {0, 1, 2}, new double[] {0.2, 0.25, 0.3})
        .dashed("target", new double[] {0, 2}, new double[] {0.5, 0.5});
    var xchart = c.toXChart(640, 320, Chart.MAX_POINTS);
    assertEquals(0.0, xchart.getStyler().getYAxisMin());
    assertEquals(1.0, xchart.getStyler().getYAxisMax());
    String svg = c.toSvg();
    assertTrue(svg.startsWith("<svg") && svg.strip().endsWith("</svg>"), svg.substring(0, 80));
    assertFalse(svg.contains("<?xml") || svg.contains("<!DOCTYPE") || svg.contains("<script"));
    assertTrue(svg.length() > 2000, "the chart is drawn: " + svg.length() + " characters");
    assertTrue(svg.contains("<title>Mixture weights</title>"), "the title is readable text");
  }

  @Test
  void filesForReportsArePngAndSvgOfTheStatedSize() throws Exception {
    Charts.stackedWeights(dir.resolve("w"), "weights", new double[] {0, 1},
        Map.of("a", new double[] {0.5, 0.4}));
    Charts.bars(dir.resolve("b"), "bars", "bpb", List.of("x", "y"), List.of(2.0, 3.0),
        List.of(0.1, 0.2));
    for (String f : List.of("w", "b")) {
      BufferedImage image = ImageIO.read(dir.resolve(f + ".png").toFile());
      assertEquals(Chart.WIDTH, image.getWidth());
      assertEquals(Chart.HEIGHT, image.getHeight());
      assertTrue(Files.readString(dir.resolve(f + ".svg")).contains("<svg"));
    }
  }

  @Test
  void badInputIsNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Chart("t", "x", "y").line("s", new double[] {1, 2}, new double[] {1}));
    assertEquals("series 's': 2 x values but 1 y values", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Chart("t", "x", "y").yRange(1, 1));
    assertEquals("yRange needs low < high, got 1.0 and 1.0", e.getMessage());
  }
}
