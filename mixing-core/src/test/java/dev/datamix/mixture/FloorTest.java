package dev.datamix.mixture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FloorTest {
  @Test
  void raisesWhatIsBelowTheFloorAndKeepsTheOthersProportions() {
    // 0.01 and 0.04 go up to 0.1; 0.55 and 0.4 share 0.8 in proportion 55:40
    assertArrayEquals(new double[] {0.1, 0.1, 0.8 * 55 / 95, 0.8 * 40 / 95},
        Mixtures.withFloor(new double[] {1, 4, 55, 40}, 0.1), 1e-12);
    // raising one can push another under: 0.09 is only below after the first pass
    assertArrayEquals(new double[] {0.25, 0.25, 0.25, 0.25},
        Mixtures.withFloor(new double[] {0, 0.09, 0.1, 10}, 0.25), 1e-12);
    assertArrayEquals(new double[] {0.5, 0.5}, Mixtures.withFloor(new double[] {2, 2}, 0),
        1e-15);
    assertThrows(IllegalArgumentException.class,
        () -> Mixtures.withFloor(new double[] {1, 1, 1}, 0.4));
  }
}
