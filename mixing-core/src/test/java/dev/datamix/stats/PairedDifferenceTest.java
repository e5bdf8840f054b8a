package dev.datamix.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PairedDifferenceTest {
  @Test
  void theIntervalIsTheStudentTIntervalOfTheDifferences() {
    // differences -0.03, -0.01, -0.02: mean -0.02, sd 0.01, t(0.975, 2) = 4.303
    PairedDifference d = PairedDifference.of(new double[] {3.37, 3.40, 3.39},
        new double[] {3.40, 3.41, 3.41});
    assertEquals(-0.02, d.mean(), 1e-12);
    assertEquals(0.01, d.sd(), 1e-12);
    assertEquals(4.303 * 0.01 / Math.sqrt(3), d.halfWidth(), 1e-12);
    assertEquals("-0.0200 [-0.0448, +0.0048]", d.plain(4));
    assertFalse(d.below() || d.above(), "three seeds this noisy cannot tell");
    // differences -0.03, -0.025, -0.02: the interval [-0.0374, -0.0126] excludes 0
    PairedDifference tight = PairedDifference.of(new double[] {3.37, 3.385, 3.39},
        new double[] {3.40, 3.41, 3.41});
    assertTrue(tight.below(), tight.plain(4));
  }

  @Test
  void aNoisyDifferenceIncludesZeroAndOnePairHasNoInterval() {
    PairedDifference d = PairedDifference.of(new double[] {1, 2, 3}, new double[] {2, 1, 3});
    assertFalse(d.below() || d.above(), d.plain(3));
    PairedDifference one = PairedDifference.of(new double[] {1}, new double[] {2});
    assertTrue(Double.isInfinite(one.halfWidth()));
    assertTrue(one.plain(2).contains("n = 1"), one.plain(2));
  }

  @Test
  void valuesArePairedBySeedAndUnpairedOrNonFiniteOnesLeftOut() {
    // a: seeds 3, 1, 2, 9; b: seeds 1, 2, 3 in another order; seed 9 has no partner, seed 2 a NaN
    PairedDifference d = PairedDifference.bySeed(new long[] {3, 1, 2, 9},
        new double[] {3.0, 1.5, 2.0, 7.0}, new long[] {1, 2, 3},
        new double[] {1.0, Double.NaN, 3.5});
    assertEquals(2, d.n());
    assertEquals(((3.0 - 3.5) + (1.5 - 1.0)) / 2, d.mean(), 1e-12);
    assertEquals(null, PairedDifference.bySeed(new long[] {9}, new double[] {1},
        new long[] {1}, new double[] {1}));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PairedDifference.bySeed(new long[] {1, 2}, new double[] {1}, new long[] {1},
            new double[] {1}));
    assertTrue(e.getMessage().contains("seedsA and a") && e.getMessage().contains("2 seeds and 1"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> PairedDifference.bySeed(
        new long[] {1}, new double[] {1}, new long[] {1}, new double[] {1, 2}));
    assertTrue(e.getMessage().contains("seedsB and b") && e.getMessage().contains("1 seeds and 2"),
        e.getMessage());
  }

  @Test
  void quantilesBeyondTheTableAreCloseToTheNormal() {
    assertEquals(2.042, PairedDifference.t975(30), 1e-12);
    assertEquals(2.021, PairedDifference.t975(40), 2e-3);
    assertEquals(1.984, PairedDifference.t975(100), 2e-3);
  }

  @Test
  void badInputIsNamed() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PairedDifference.of(
        new double[] {1}, new double[] {1, 2})).getMessage().contains("same number"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PairedDifference.of(
        new double[] {Double.NaN}, new double[] {1})).getMessage().contains("pair 0"));
  }
}
