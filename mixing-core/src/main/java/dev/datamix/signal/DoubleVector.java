package dev.datamix.signal;

import java.util.Arrays;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * An immutable vector of doubles, one entry per domain (or per probe). {@code NaN} marks an entry
 * that was not measured. Used instead of {@code double[]} in value types so that equality is by
 * content.
 */
public final class DoubleVector {
  private static final DoubleVector EMPTY = new DoubleVector(new double[0]);

  private final double[] values;

  private DoubleVector(double[] values) {
    this.values = values;
  }

  /** A vector holding a copy of {@code values}. */
  public static DoubleVector of(double... values) {
    return values.length == 0 ? EMPTY : new DoubleVector(values.clone());
  }

  /** The vector of length zero. */
  public static DoubleVector empty() {
    return EMPTY;
  }

  /** A vector of {@code size} entries all equal to {@code value}. */
  public static DoubleVector filled(int size, double value) {
    double[] v = new double[size];
    Arrays.fill(v, value);
    return new DoubleVector(v);
  }

  /** Number of entries. */
  public int size() {
    return values.length;
  }

  /** Entry {@code i}. */
  public double get(int i) {
    return values[i];
  }

  /** Whether entry {@code i} is {@code NaN}, meaning "not measured". */
  public boolean isMissing(int i) {
    return Double.isNaN(values[i]);
  }

  /** A copy of the entries. */
  public double[] toArray() {
    return values.clone();
  }

  @Override
  public boolean equals(Object o) {
    return this == o || (o instanceof DoubleVector v && Arrays.equals(values, v.values));
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    StringJoiner j = new StringJoiner(", ", "[", "]");
    for (double v : values) {
      j.add(String.format(Locale.ROOT, "%.6g", v));
    }
    return j.toString();
  }
}
