package dev.datamix.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.random.Seeds;
import dev.datamix.state.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ScalingLawFitterTest {

  private static double[] doubles(JsonNode a) {
    double[] v = new double[a.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = a.get(i).asDouble();
    }
    return v;
  }

  @Test
  void matchesTheScipyReferenceOnPinnedPoints() throws IOException {
    JsonNode ref;
    try (InputStream in = getClass().getResourceAsStream("/scaling/reference_fit.json")) {
      ref = Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    DataScalingFit fit = ScalingLawFitter.leastSquares()
        .fitData(doubles(ref.get("tokens")), doubles(ref.get("loss")));
    assertEquals(ref.get("E").asDouble(), fit.irreducible(), 1e-5);
    assertEquals(ref.get("B").asDouble(), fit.amplitude(), 1e-3 * ref.get("B").asDouble());
    assertEquals(ref.get("beta").asDouble(), fit.exponent(), 1e-5);
    assertEquals(ref.get("prediction_at_1e8").asDouble(), fit.predict(1e8), 1e-6);
    assertFalse(fit.flagged(), fit.toString());
    assertTrue(fit.rSquared() > 0.99 && fit.seExponent() > 0, fit.toString());
  }

  /**
   * An optimizer stopped by its iteration limit (commons-math throws TooManyIterationsException,
   * not TooManyEvaluationsException) gives a flagged fit, never an exception: ADO refits
   * unattended in the middle of a run, where one such fit once stopped a real-text run.
   */
  @Test
  void anIterationLimitGivesAFlaggedFitNotAnException() {
    double[] d = new double[12];
    double[] l = new double[12];
    for (int i = 0; i < d.length; i++) {
      d[i] = 1e4 * (i + 1);
      l[i] = 2 + 5 * Math.pow(d[i], -0.3) + 0.05 * Seeds.toGaussian(Seeds.hash(5, i),
          Seeds.hash(6, i));
    }
    DataScalingFit fit = ScalingLawFitter.huber(1e-3, 1).fitData(d, l);
    assertTrue(fit.flagged() && fit.flag().contains("did not converge"), fit.toString());
    assertTrue(Double.isFinite(fit.irreducible()) && Double.isFinite(fit.exponent()),
        fit.toString());
  }

  @Test
  void recoversKnownParametersFromNoisyPoints() {
    double e = 2.4;
    double b = 120;
    double beta = 0.42;
    int n = 24;
    double[] d = new double[n];
    double[] l = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = 5e4 * Math.pow(1.4, i);
      double noise = 0.004 * Seeds.toGaussian(Seeds.hash(3, i), Seeds.hash(4, i));
      l[i] = e + b * Math.pow(d[i], -beta) + noise;
    }
    DataScalingFit fit = ScalingLawFitter.leastSquares().fitData(d, l);
    assertEquals(e, fit.irreducible(), 0.05, fit.toString());
    assertEquals(beta, fit.exponent(), 0.05, fit.toString());
    assertEquals(e + b * Math.pow(1e9, -beta), fit.predict(1e9), 0.03);
    assertTrue(Math.abs(fit.irreducible() - e) < 4 * fit.seIrreducible() + 1e-3,
        "E within 4 standard errors: " + fit);
  }

  @Test
  void huberIgnoresAnOutlierThatPullsLeastSquares() {
    double[] d = {1e5, 2e5, 4e5, 8e5, 1.6e6, 3.2e6, 6.4e6, 1.28e7};
    double[] l = new double[d.length];
    for (int i = 0; i < d.length; i++) {
      l[i] = 1.5 + 30 * Math.pow(d[i], -0.3);
    }
    l[5] += 0.5; // a bad evaluation
    DataScalingFit plain = ScalingLawFitter.leastSquares().fitData(d, l);
    DataScalingFit robust = ScalingLawFitter.huber(0.01).fitData(d, l);
    double truth = 1.5 + 30 * Math.pow(1e8, -0.3);
    assertTrue(Math.abs(robust.predict(1e8) - truth) < Math.abs(plain.predict(1e8) - truth) / 3,
        "robust " + robust.predict(1e8) + " plain " + plain.predict(1e8) + " truth " + truth);
  }

  @Test
  void fitsTheChinchillaLawAcrossModelSizes() {
    double[] sizes = {1e6, 4e6, 1.6e7};
    int perSize = 6;
    double[] n = new double[sizes.length * perSize];
    double[] d = new double[n.length];
    double[] l = new double[n.length];
    for (int s = 0; s < sizes.length; s++) {
      for (int i = 0; i < perSize; i++) {
        int k = s * perSize + i;
        n[k] = sizes[s];
        d[k] = 1e6 * Math.pow(2, i);
        l[k] = 1.7 + 400 * Math.pow(n[k], -0.34) + 410 * Math.pow(d[k], -0.28);
      }
    }
    ChinchillaFit fit = ScalingLawFitter.leastSquares().fitChinchilla(n, d, l);
    assertEquals(1.7 + 400 * Math.pow(6.4e7, -0.34) + 410 * Math.pow(1e9, -0.28),
        fit.predict(6.4e7, 1e9), 0.01, fit.toString());
    assertTrue(fit.rmse() < 1e-4, fit.toString());
    IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
        () -> ScalingLawFitter.leastSquares().fitChinchilla(new double[6], new double[6],
            new double[6]));
    assertTrue(one.getMessage().contains("2 model sizes") || one.getMessage().contains("tokens"),
        one.getMessage());
  }

  @Test
  void badInputIsAnErrorAndRisingLossesAreFlagged() {
    IllegalArgumentException few = assertThrows(IllegalArgumentException.class,
        () -> ScalingLawFitter.leastSquares().fitData(new double[] {1, 2, 3},
            new double[] {3, 2, 1}));
    assertEquals("a scaling-law fit needs at least 4 points, got 3", few.getMessage());
    IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
        () -> ScalingLawFitter.leastSquares().fitData(new double[] {1, 2, 3, 4},
            new double[] {3, Double.NaN, 2, 1}));
    assertEquals("loss[1] must be finite, got NaN", nan.getMessage());
    IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
        () -> ScalingLawFitter.leastSquares().fitData(new double[] {0, 2, 3, 4},
            new double[] {3, 2, 2, 1}));
    assertTrue(zero.getMessage().startsWith("tokens[0]"), zero.getMessage());
    DataScalingFit rising = ScalingLawFitter.leastSquares()
        .fitData(new double[] {1e5, 2e5, 4e5, 8e5}, new double[] {2.0, 2.1, 2.2, 2.3});
    assertTrue(rising.flagged() && rising.flag().contains("do not decrease"), rising.toString());
    assertTrue(Double.isFinite(rising.predict(1e7)), "never a silent NaN");
  }
}
