package dev.datamix.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {
  @Test
  void meanAndSampleStandardDeviation() {
    MeanAndSpread s = MeanAndSpread.of(2, 4, 4, 4, 5, 5, 7, 9);
    assertEquals(5.0, s.mean(), 1e-15);
    assertEquals(Math.sqrt(32.0 / 7), s.sd(), 1e-15, "n - 1 in the denominator");
    assertEquals(0, MeanAndSpread.of(3.5).sd());
    assertEquals("5.0000 ± 2.1381", s.toString());
    assertEquals(s, MeanAndSpread.of(List.of(2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0)));
    assertEquals(Double.NaN, MeanAndSpread.of().mean());
  }

  @Test
  void bootstrapStandardErrorIsSigmaOverRootN() {
    // 400 values alternating 0 and 2: sd 1 (population), so the mean's se is 1/sqrt(400) = 0.05
    double[] v = new double[400];
    for (int i = 0; i < v.length; i++) {
      v[i] = 2 * (i % 2);
    }
    double se = Bootstrap.standardErrorOfMean(v, 2000, 7);
    assertEquals(0.05, se, 0.004);
    assertEquals(se, Bootstrap.standardErrorOfMean(v, 2000, 7), "deterministic per seed");
    assertEquals(0, Bootstrap.standardErrorOfMean(new double[] {1.5}, 100, 7));
    assertEquals(0, Bootstrap.standardErrorOfMean(new double[] {3, 3, 3, 3}, 100, 7), 1e-15);
    double[] quarter = new double[100];
    System.arraycopy(v, 0, quarter, 0, 100);
    assertEquals(0.1, Bootstrap.standardErrorOfMean(quarter, 2000, 7), 0.01, "a quarter of "
        + "the blocks doubles the error");
    assertThrows(IllegalArgumentException.class,
        () -> Bootstrap.standardErrorOfMean(v, 1, 7));
  }
}
