package dev.datamix.xgboost;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.mixlaw.MixRegressor;
import dev.datamix.mixlaw.MixRegressors;
import dev.datamix.mixlaw.Spearman;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GradientBoostedTreesTest {
  static double planted(double[] r) {
    return 2.0 + Math.exp(0.3 * r[0] - 1.2 * r[1] + 0.1 * r[2] - 0.5 * r[3]);
  }

  static double[][] mixtures(int n, long seed) {
    Random random = new Random(seed);
    double[][] x = new double[n][4];
    for (double[] r : x) {
      double s = 0;
      for (int j = 0; j < 4; j++) {
        r[j] = -Math.log(1 - random.nextDouble());
        s += r[j];
      }
      for (int j = 0; j < 4; j++) {
        r[j] /= s;
      }
    }
    return x;
  }

  /**
   * The trees learn the planted law's ordering from 200 runs: ρ above 0.9 on 200 unseen ones,
   * and predictions within 0.05 of it where the training runs are dense (it cannot extrapolate).
   */
  @Test
  void isFoundByNameAndLearnsAPlantedLaw() {
    MixRegressor gbt = MixRegressors.load().get("gbt");
    double[][] x = mixtures(200, 1);
    double[] y = new double[x.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = planted(x[i]);
    }
    MixRegressor.Fitted f = gbt.fit(x, y, 3);
    double[][] test = mixtures(200, 2);
    double[] truth = new double[test.length];
    for (int i = 0; i < truth.length; i++) {
      truth[i] = planted(test[i]);
    }
    double[] p = f.predictAll(test);
    assertTrue(Spearman.correlation(p, truth) > 0.9, "rho " + Spearman.correlation(p, truth));
    assertEquals(planted(new double[] {.25, .25, .25, .25}), f.predict(new double[] {.25, .25,
        .25, .25}), 0.05);
    assertArrayEquals(p, gbt.fit(x, y, 3).predictAll(test), "same data and seed, same model");
  }
}
