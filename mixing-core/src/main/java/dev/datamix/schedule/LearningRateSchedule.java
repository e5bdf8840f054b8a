package dev.datamix.schedule;

/**
 * A learning rate as a pure function of the step: same step in, same value out, no hidden
 * counter, so a resumed run gets exactly the rates of an uninterrupted one.
 *
 * @see <a href="https://arxiv.org/abs/1608.03983">Loshchilov and Hutter, SGDR: Stochastic
 *     Gradient Descent with Warm Restarts, 2017 (cosine annealing)</a>
 */
@FunctionalInterface
public interface LearningRateSchedule {

  /** The learning rate at {@code step} ({@code >= 0}). */
  double at(long step);

  /** A constant rate. */
  static LearningRateSchedule constant(double lr) {
    checkRate("lr", lr);
    return step -> lr;
  }

  /**
   * Linear warmup from 0 to {@code peak} over {@code warmupSteps}, then cosine decay to {@code
   * min} at {@code totalSteps}, and {@code min} after: {@code η_t = η_min + (η_max − η_min)/2 ·
   * (1 + cos(π·(t − t_w)/(T − t_w)))}.
   *
   * @throws IllegalArgumentException naming the parameter for negative rates, {@code min > peak},
   *     or {@code warmupSteps > totalSteps}
   */
  static LearningRateSchedule warmupCosine(double peak, long warmupSteps, long totalSteps,
      double min) {
    checkRate("peak", peak);
    checkRate("min", min);
    if (min > peak) {
      throw new IllegalArgumentException("min (" + min + ") must be <= peak, got peak " + peak);
    }
    if (warmupSteps < 0 || totalSteps <= 0 || warmupSteps > totalSteps) {
      throw new IllegalArgumentException("need 0 <= warmupSteps <= totalSteps and totalSteps > 0,"
          + " got warmupSteps " + warmupSteps + " and totalSteps " + totalSteps);
    }
    return step -> {
      if (step < warmupSteps) {
        return peak * (step + 1) / warmupSteps;
      }
      if (step >= totalSteps) {
        return min;
      }
      double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
      return min + (peak - min) / 2 * (1 + Math.cos(Math.PI * progress));
    };
  }

  private static void checkRate(String name, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(name + " must be finite and >= 0, got " + v);
    }
  }
}
