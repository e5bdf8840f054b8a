package dev.datamix.benchmarks.report;

import java.util.Arrays;

/** The median that the benchmark pages report: one definition for every page. */
public final class Median {
  private Median() {}

  /**
   * The middle value, or the mean of the middle two for an even count; {@code values} is not
   * changed.
   *
   * @throws IllegalArgumentException if there are no values
   */
  public static double of(double... values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("values must not be empty for a median");
    }
    double[] a = values.clone();
    Arrays.sort(a);
    int n = a.length;
    return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
  }
}
