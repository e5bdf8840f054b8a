package dev.datamix.stats;

import dev.datamix.random.Seeds;

/**
 * The bootstrap standard error of a mean (Efron, 1979, "Bootstrap methods: another look at the
 * jackknife", Annals of Statistics 7(1)): the standard deviation of the means of {@code
 * resamples} samples drawn with replacement from the values. Over a split's evaluation blocks it
 * says how far a loss would move on another sample of the same text, the evaluation-sample
 * variance that a seed spread does not contain.
 *
 * <p>Deterministic: resample {@code r}'s {@code i}-th draw is {@code hash(seed, r, i)}.
 */
public final class Bootstrap {
  /** Resamples used by the trainer's final evaluation. */
  public static final int DEFAULT_RESAMPLES = 1000;

  private Bootstrap() {}

  /**
   * The bootstrap standard error of the mean of {@code values}: 0 for fewer than two values.
   *
   * @throws IllegalArgumentException if {@code resamples < 2}
   */
  public static double standardErrorOfMean(double[] values, int resamples, long seed) {
    if (resamples < 2) {
      throw new IllegalArgumentException("resamples must be >= 2, got " + resamples);
    }
    int n = values.length;
    if (n < 2) {
      return 0;
    }
    double[] means = new double[resamples];
    for (int r = 0; r < resamples; r++) {
      double s = 0;
      for (int i = 0; i < n; i++) {
        s += values[(int) (Seeds.toUnitDouble(Seeds.hash(seed, r, i)) * n)];
      }
      means[r] = s / n;
    }
    return MeanAndSpread.of(means).sd();
  }
}
