package dev.datamix.stats;

import java.util.Locale;

/**
 * The paired difference {@code a_s − b_s} over seeds {@code s} (two methods run with the same
 * seeds, so the seed's share of the noise cancels), with a two-sided 95% Student-t interval on
 * its mean: {@code mean ± t(0.975, n − 1)·sd/√n}. With one pair the interval is unbounded.
 *
 * @param mean the mean difference
 * @param sd the sample standard deviation of the differences
 * @param n the number of pairs
 * @param halfWidth half the 95% interval's width (infinite for {@code n < 2})
 */
public record PairedDifference(double mean, double sd, int n, double halfWidth) {
  // t(0.975, df) for df = 1..30 (standard tables)
  private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
      2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080,
      2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};

  /**
   * The difference of paired values.
   *
   * @throws IllegalArgumentException if the arrays differ in length or are empty, or hold a
   *     non-finite value
   */
  public static PairedDifference of(double[] a, double[] b) {
    if (a.length != b.length || a.length == 0) {
      throw new IllegalArgumentException("paired values need the same number (> 0) on each "
          + "side, got " + a.length + " and " + b.length);
    }
    double[] d = new double[a.length];
    for (int i = 0; i < d.length; i++) {
      if (!Double.isFinite(a[i]) || !Double.isFinite(b[i])) {
        throw new IllegalArgumentException("pair " + i + " is not finite: " + a[i] + ", " + b[i]);
      }
      d[i] = a[i] - b[i];
    }
    MeanAndSpread ms = MeanAndSpread.of(d);
    int n = d.length;
    double half = n < 2 ? Double.POSITIVE_INFINITY : t975(n - 1) * ms.sd() / Math.sqrt(n);
    return new PairedDifference(ms.mean(), ms.sd(), n, half);
  }

  /**
   * The difference of values matched by seed: {@code a[i]} pairs with the {@code b[j]} of the
   * first {@code j} whose seed equals {@code seedsA[i]}; a seed without a partner, or a pair with
   * a non-finite value, is left out.
   *
   * @return the difference over the pairs left, or null if none is
   * @throws IllegalArgumentException if a side's seeds and values differ in length
   */
  public static PairedDifference bySeed(long[] seedsA, double[] a, long[] seedsB, double[] b) {
    if (seedsA.length != a.length) {
      throw new IllegalArgumentException("seedsA and a must have one seed per value, got "
          + seedsA.length + " seeds and " + a.length + " values");
    }
    if (seedsB.length != b.length) {
      throw new IllegalArgumentException("seedsB and b must have one seed per value, got "
          + seedsB.length + " seeds and " + b.length + " values");
    }
    double[] x = new double[a.length];
    double[] y = new double[a.length];
    int n = 0;
    for (int i = 0; i < a.length; i++) {
      int j = 0;
      while (j < seedsB.length && seedsB[j] != seedsA[i]) {
        j++;
      }
      if (j < seedsB.length && Double.isFinite(a[i]) && Double.isFinite(b[j])) {
        x[n] = a[i];
        y[n++] = b[j];
      }
    }
    return n == 0 ? null : of(java.util.Arrays.copyOf(x, n), java.util.Arrays.copyOf(y, n));
  }

  /** The 0.975 quantile of Student's t with {@code df} degrees of freedom. */
  static double t975(int df) {
    if (df < 1) {
      throw new IllegalArgumentException("degrees of freedom must be >= 1, got " + df);
    }
    if (df <= T975.length) {
      return T975[df - 1];
    }
    // Cornish-Fisher expansion around the normal quantile: within 1e-3 beyond df = 30
    double z = 1.959964;
    double g1 = (z * z * z + z) / 4;
    double g2 = (5 * Math.pow(z, 5) + 16 * z * z * z + 3 * z) / 96;
    return z + g1 / df + g2 / ((double) df * df);
  }

  /** The interval's lower end. */
  public double low() {
    return mean - halfWidth;
  }

  /** The interval's upper end. */
  public double high() {
    return mean + halfWidth;
  }

  /** Whether the interval lies entirely below 0 (a lower loss than the other side). */
  public boolean below() {
    return high() < 0;
  }

  /** Whether the interval lies entirely above 0. */
  public boolean above() {
    return low() > 0;
  }

  /** {@code mean [low, high]} with {@code decimals} decimals. */
  public String plain(int decimals) {
    String f = "%+." + decimals + "f";
    return Double.isInfinite(halfWidth) ? String.format(Locale.ROOT, f + " [n = 1]", mean)
        : String.format(Locale.ROOT, f + " [" + f + ", " + f + "]", mean, low(), high());
  }
}
