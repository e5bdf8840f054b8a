package dev.datamix.sim;

import dev.datamix.mixture.Mixture;
import dev.datamix.signal.DoubleVector;
import dev.datamix.signal.Observation;
import java.util.List;
import java.util.function.IntToDoubleFunction;

/**
 * The simulated learner's gradient alignment, DGA's one-step look-ahead in closed form: with
 * {@code s} each loss's decrease per token, {@code <g_i, g_target> = t_i·s_target} and {@code
 * <g_i, g_j> = (T[i][j]·s_i + T[j][i]·s_j)/2}; a probe mixture's score and norm are the
 * corresponding weighted sums.
 */
final class SimulatedAlignment {
  private SimulatedAlignment() {}

  /**
   * @param names the learner's domains, which every probe must name in order
   * @param slopes {@code s_i}
   * @param transfer {@code T}
   * @param targetTransfer {@code t}
   * @param targetSlope {@code s_target}
   * @param noise the relative noise factor of probe {@code p}'s score
   */
  static Observation.GradientAlignment measure(long step, List<Mixture> probes, boolean gram,
      List<String> names, double[] slopes, double[][] transfer, double[] targetTransfer,
      double targetSlope, IntToDoubleFunction noise) {
    int k = slopes.length;
    double[][] g = new double[k][k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        g[i][j] = 0.5 * (transfer[i][j] * slopes[i] + transfer[j][i] * slopes[j]);
      }
    }
    int m = probes.size();
    double[] scores = new double[m];
    double[] norms = new double[m];
    double[] gramOut = gram ? new double[m * m] : new double[0];
    for (int p = 0; p < m; p++) {
      Mixture mp = probes.get(p);
      if (!mp.names().equals(names)) {
        throw new IllegalArgumentException(
            "probe domains must equal the learner's: expected " + names + ", got " + mp.names());
      }
      double a = 0;
      for (int i = 0; i < k; i++) {
        a += mp.weight(i) * targetTransfer[i] * targetSlope;
      }
      scores[p] = a * noise.applyAsDouble(p);
      norms[p] = Math.sqrt(Math.max(0, quadratic(g, mp, mp)));
      if (gram) {
        for (int q = 0; q < m; q++) {
          gramOut[p * m + q] = quadratic(g, mp, probes.get(q));
        }
      }
    }
    return new Observation.GradientAlignment(step, DoubleVector.of(scores),
        DoubleVector.of(norms), Math.sqrt(targetSlope), DoubleVector.of(gramOut));
  }

  private static double quadratic(double[][] g, Mixture p, Mixture q) {
    double v = 0;
    for (int i = 0; i < g.length; i++) {
      for (int j = 0; j < g.length; j++) {
        v += p.weight(i) * g[i][j] * q.weight(j);
      }
    }
    return v;
  }
}
