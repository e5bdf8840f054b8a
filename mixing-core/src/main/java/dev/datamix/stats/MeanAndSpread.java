package dev.datamix.stats;

import java.util.List;
import java.util.Locale;

/**
 * The mean of some values and their sample standard deviation ({@code n − 1} in the
 * denominator; 0 for a single value).
 *
 * @param mean the arithmetic mean, NaN for no values
 * @param sd the sample standard deviation
 */
public record MeanAndSpread(double mean, double sd) {
  /** The mean and sample standard deviation of {@code values}. */
  public static MeanAndSpread of(double... values) {
    double m = 0;
    for (double v : values) {
      m += v;
    }
    m = values.length == 0 ? Double.NaN : m / values.length;
    double ss = 0;
    for (double v : values) {
      ss += (v - m) * (v - m);
    }
    return new MeanAndSpread(m, values.length > 1 ? Math.sqrt(ss / (values.length - 1)) : 0);
  }

  /** The mean and sample standard deviation of {@code values}. */
  public static MeanAndSpread of(List<Double> values) {
    return of(values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** {@code mean ± sd} with {@code decimals} decimals. */
  public String plain(int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f ± %." + decimals + "f", mean, sd);
  }

  @Override
  public String toString() {
    return plain(4);
  }
}
