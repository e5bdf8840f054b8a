package dev.datamix.mixlaw;

import java.util.Arrays;
import java.util.Comparator;

/** Spearman's rank correlation, ties given their average rank. */
public final class Spearman {
  private Spearman() {}

  /**
   * The Pearson correlation of the ranks of {@code a} and {@code b}; NaN when either is constant
   * or shorter than 2.
   *
   * @throws IllegalArgumentException if the lengths differ or a value is not finite
   */
  public static double correlation(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("a and b must have the same length, got " + a.length
          + " and " + b.length);
    }
    for (int i = 0; i < a.length; i++) {
      if (!Double.isFinite(a[i]) || !Double.isFinite(b[i])) {
        throw new IllegalArgumentException("values must be finite, got a[" + i + "] = " + a[i]
            + ", b[" + i + "] = " + b[i]);
      }
    }
    if (a.length < 2) {
      return Double.NaN;
    }
    return pearson(ranks(a), ranks(b));
  }

  static double[] ranks(double[] v) {
    Integer[] order = new Integer[v.length];
    for (int i = 0; i < v.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> v[i]));
    double[] r = new double[v.length];
    for (int i = 0; i < v.length; ) {
      int j = i;
      while (j + 1 < v.length && v[order[j + 1]] == v[order[i]]) {
        j++;
      }
      double rank = (i + j) / 2.0 + 1;
      for (int m = i; m <= j; m++) {
        r[order[m]] = rank;
      }
      i = j + 1;
    }
    return r;
  }

  private static double pearson(double[] x, double[] y) {
    double mx = Arrays.stream(x).average().orElse(0);
    double my = Arrays.stream(y).average().orElse(0);
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
    return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
  }
}
