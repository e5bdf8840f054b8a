package dev.datamix.signal;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No policy ever sees an infinite measurement: every observation kind rejects ±∞ (and a NaN
 * where "not measured" has no meaning) when it is made, naming the parameter and the value. The
 * trainer sends a non-finite loss as NaN and drops a non-finite probe; the policy contract test
 * covers what policies do with those.
 */
class InfiniteMeasurementsTest {
  private static void rejected(Executable make, String parameter, double value) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make);
    assertTrue(e.getMessage().contains(parameter) && e.getMessage().contains(
        String.valueOf(value)), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(doubles = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
  void everyKindRejectsInfinity(double inf) {
    rejected(() -> new Observation.HeldOutLoss(3, DoubleVector.of(1, inf)), "loss[1]", inf);
    rejected(() -> new Observation.TrainingLoss(3, DoubleVector.of(inf, 1),
        DoubleVector.of(1, 1)), "loss[0]", inf);
    rejected(() -> BlockLosses.of(3, new int[] {0, 1}, new long[] {4, 5},
        new float[] {2f, (float) inf}, 2), "losses[1]", (float) inf);
    rejected(() -> new Observation.GradientAlignment(3, DoubleVector.of(0.5, inf),
        DoubleVector.of(1, 1), 1, DoubleVector.empty()), "scores[1]", inf);
    rejected(() -> new Observation.GradientAlignment(3, DoubleVector.of(0.5, 0.1),
        DoubleVector.of(1, inf), 1, DoubleVector.empty()), "probeNorms[1]", inf);
    rejected(() -> new Observation.GradientAlignment(3, DoubleVector.of(0.5),
        DoubleVector.of(1), inf, DoubleVector.empty()), "targetNorm", inf);
  }

  @ParameterizedTest
  @ValueSource(doubles = {Double.NaN})
  void anAlignmentScoreCannotBeNotMeasured(double nan) {
    rejected(() -> new Observation.GradientAlignment(3, DoubleVector.of(nan),
        DoubleVector.of(1), 1, DoubleVector.empty()), "scores[0]", nan);
  }
}
