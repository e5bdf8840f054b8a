package dev.datamix.distributed;

/**
 * The {@code k}-th largest of many floats without sorting or copying them: a radix search over
 * the floats' bits in two passes of 16 bits each. Each pass asks its {@link Counts} for a
 * histogram of 65,536 buckets, which a single process fills from its values and data-parallel
 * ranks fill from their shards and add up with one all-reduce ({@link #allReduced}), so the
 * threshold is the same on every rank and equal to a single process's. Scratch memory: two
 * histograms (1 MB) whatever the number of values; time: two passes over them.
 *
 * <p>LFR's phase-boundary selection (Prakriya et al., CoNLL 2025) keeps the blocks whose mean
 * loss is above the threshold; see {@link dev.datamix.lfr.LfrPolicy}.
 */
public final class ThresholdSearch {
  /** Buckets per pass. */
  public static final int BUCKETS = 1 << 16;

  private ThresholdSearch() {}

  /**
   * The histograms of a set of floats; NaN values are not counted.
   */
  public interface Counts {
    /**
     * Counts of the values by the high 16 bits of their {@link #key} ({@code high < 0}), or,
     * among the values whose high 16 bits are {@code high}, by the low 16 bits.
     */
    long[] histogram(int high);
  }

  /**
   * The threshold: the {@code k}-th largest value, and how many values lie strictly above it.
   *
   * @param value the {@code k}-th largest value ({@code +∞} when {@code k} is 0)
   * @param above how many counted values are {@code > value}
   * @param total how many values were counted
   */
  public record Threshold(float value, long above, long total) {}

  /**
   * An order-preserving unsigned key of a non-NaN float: {@code a < b} (as floats) iff {@code
   * key(a) < key(b)} (unsigned); {@code -0.0} and {@code 0.0} share a key.
   */
  public static int key(float f) {
    int bits = Float.floatToRawIntBits(f + 0f); // -0.0 + 0.0 is 0.0
    return bits ^ (bits >> 31 | 0x80000000); // positive: the sign bit set; negative: all flipped
  }

  /** The float of a key from {@link #key}. */
  public static float value(int key) {
    return Float.intBitsToFloat(key < 0 ? key & 0x7FFFFFFF : ~key);
  }

  /**
   * The {@code k}-th largest counted value, {@code k} chosen from the count of values by {@code
   * kOfTotal} (for example a share of them).
   *
   * @throws IllegalArgumentException if {@code k} is negative or above the count
   */
  public static Threshold kthLargest(Counts counts, java.util.function.LongUnaryOperator kOfTotal) {
    long[] high = counts.histogram(-1);
    long total = 0;
    for (long c : high) {
      total += c;
    }
    long k = kOfTotal.applyAsLong(total);
    if (k < 0 || k > total) {
      throw new IllegalArgumentException("k must be in [0, " + total + "], got " + k);
    }
    if (k == 0) {
      return new Threshold(Float.POSITIVE_INFINITY, 0, total);
    }
    long above = 0;
    int bucket = BUCKETS - 1;
    while (above + high[bucket] < k) {
      above += high[bucket--];
    }
    long[] low = counts.histogram(bucket);
    int digit = BUCKETS - 1;
    while (above + low[digit] < k) {
      above += low[digit--];
    }
    return new Threshold(value(bucket << 16 | digit), above, total);
  }

  /** Counts a rank fills from its own values, added up over every rank of {@code c}. */
  public static Counts allReduced(Collective c, Counts local) {
    return high -> {
      long[] mine = local.histogram(high);
      double[] asDoubles = new double[mine.length];
      for (int i = 0; i < mine.length; i++) {
        asDoubles[i] = mine[i]; // exact: counts stay far below 2^53
      }
      double[] sum = c.allReduceSum(asDoubles);
      long[] out = new long[sum.length];
      for (int i = 0; i < sum.length; i++) {
        out[i] = (long) sum[i];
      }
      return out;
    };
  }

  /** Floats by index: the values a histogram counts. */
  @FunctionalInterface
  public interface IndexedFloats {
    /** The value at {@code i}; NaN for one that is not counted. */
    float get(int i);
  }

  /**
   * The {@link Counts#histogram} of {@code values[0, n)}: by the keys' high 16 bits ({@code high
   * < 0}), or by the low 16 bits of those whose high bits are {@code high}; NaN not counted.
   * Counted in {@code int}s (fewer than 2^31 values), half the cache of longs.
   */
  public static long[] histogram(IndexedFloats values, int n, int high) {
    int[] counts = new int[BUCKETS];
    if (high < 0) {
      // two tables, even and odd values: equal values in a row (LFR's store often holds few
      // distinct means) would otherwise chain every increment on the one before it
      int[] odd = new int[BUCKETS];
      int i = 0;
      for (; i + 1 < n; i += 2) {
        float a = values.get(i);
        float b = values.get(i + 1);
        counts[key(a) >>> 16] += a == a ? 1 : 0;
        odd[key(b) >>> 16] += b == b ? 1 : 0;
      }
      if (i < n) {
        float a = values.get(i);
        counts[key(a) >>> 16] += a == a ? 1 : 0;
      }
      for (int b = 0; b < BUCKETS; b++) {
        counts[b] += odd[b];
      }
    } else {
      for (int i = 0; i < n; i++) {
        int key = key(values.get(i)); // NaN's key has high bits no float has
        if (key >>> 16 == high) {
          counts[key & 0xFFFF]++;
        }
      }
    }
    long[] h = new long[BUCKETS];
    for (int b = 0; b < BUCKETS; b++) {
      h[b] = counts[b];
    }
    return h;
  }
}
