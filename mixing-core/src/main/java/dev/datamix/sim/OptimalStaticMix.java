package dev.datamix.sim;

import dev.datamix.mixlaw.MixConstraints;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The best static mix of a token budget on a {@link SimulatedLearner}, by direct search of its
 * analytic final losses ({@link SimulatedLearner#heldOutLossAfter}): the best of 20,000 uniform
 * draws from the simplex inside the bounds, then moves of mass between pairs of domains, halving
 * the move until {@code 1e-6}. The mean held-out loss is convex in the mix for the learner's
 * power laws, so this converges to the optimum; the mixing-law tests measure proposals against it.
 */
public final class OptimalStaticMix {
  private OptimalStaticMix() {}

  /** The mean over domains of the held-out loss after {@code tokens} tokens of mix {@code r}. */
  public static double meanLoss(SimulatedLearner learner, double[] r, long tokens) {
    double[] t = new double[r.length];
    for (int i = 0; i < r.length; i++) {
      t[i] = r[i] * tokens;
    }
    return Arrays.stream(learner.heldOutLossAfter(t)).average().orElseThrow();
  }

  /**
   * The mix minimising {@link #meanLoss} within {@code bounds}.
   *
   * @throws IllegalArgumentException if no draw satisfies the bounds
   */
  public static double[] find(SimulatedLearner learner, long tokens, MixConstraints bounds) {
    int k = learner.domains().size();
    SplittableRandom random = new SplittableRandom(99);
    double[] best = null;
    double bestLoss = Double.POSITIVE_INFINITY;
    for (int n = 0; n < 20_000; n++) {
      double[] r = new double[k];
      double s = 0;
      for (int i = 0; i < k; i++) {
        r[i] = -Math.log(1 - random.nextDouble());
        s += r[i];
      }
      for (int i = 0; i < k; i++) {
        r[i] /= s;
      }
      double l = bounds.admits(r) ? meanLoss(learner, r, tokens) : Double.POSITIVE_INFINITY;
      if (l < bestLoss) {
        best = r;
        bestLoss = l;
      }
    }
    if (best == null) {
      throw new IllegalArgumentException("no uniform draw satisfies the bounds");
    }
    for (double step = 0.05; step > 1e-6; step /= 2) {
      for (boolean moved = true; moved; ) {
        moved = false;
        for (int i = 0; i < k; i++) {
          for (int j = 0; j < k; j++) {
            double[] r = best.clone();
            double delta = Math.min(step, r[i]);
            r[i] -= delta;
            r[j] += delta;
            if (i != j && delta > 0 && bounds.admits(r)) {
              double l = meanLoss(learner, r, tokens);
              if (l < bestLoss - 1e-12) {
                best = r;
                bestLoss = l;
                moved = true;
              }
            }
          }
        }
      }
    }
    return best;
  }
}
