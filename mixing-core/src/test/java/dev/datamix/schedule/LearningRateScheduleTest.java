package dev.datamix.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {
  @Test
  void warmupCosineHitsItsBoundaries() {
    LearningRateSchedule s = LearningRateSchedule.warmupCosine(1e-3, 10, 110, 1e-4);
    assertEquals(1e-4, s.at(0), 1e-15, "step 0 is the first of 10 warmup steps");
    assertEquals(1e-3, s.at(9), 1e-15);
    assertEquals(1e-3, s.at(10), 1e-15, "cosine starts at the peak");
    assertEquals(1e-4 + 0.9e-3 / 2, s.at(60), 1e-15, "half way down");
    assertEquals(1e-4, s.at(110), 1e-15);
    assertEquals(1e-4, s.at(10_000), 1e-15);
    assertEquals(s.at(37), s.at(37), 0, "pure function");
  }

  @Test
  void badParametersAreNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LearningRateSchedule.warmupCosine(1e-3, 10, 5, 0));
    assertEquals("need 0 <= warmupSteps <= totalSteps and totalSteps > 0, got warmupSteps 10 "
        + "and totalSteps 5", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.constant(Double.NaN));
    assertThrows(IllegalArgumentException.class,
        () -> LearningRateSchedule.warmupCosine(1e-3, 0, 5, 1e-2));
  }
}
