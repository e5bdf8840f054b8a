package dev.datamix.sampler;

/**
 * Walker's alias method in Vose's numerically stable form: O(K) to build, O(1) per draw. Each
 * column is one {@code long}: its keep threshold as an integer over the coin's 32 bits (the
 * coin {@code c} keeps the column when {@code c < keep·2^32}, i.e. when {@code c <
 * ceil(keep·2^32)}, exactly the comparison of the double form) and its alias, so a draw reads
 * one array entry, one cache line, at any K. {@link #rebuild} refills the table in place for new
 * weights, reusing its arrays: a weight change allocates nothing. Vose's two work lists share one
 * array, the small one growing from the bottom and the large one from the top (together they
 * never hold more than K columns), in the same order as two stacks: the same table.
 *
 * @see <a href="https://doi.org/10.1109/32.92917">M. D. Vose, A linear algorithm for generating
 *     random numbers with a given distribution, IEEE TSE 1991</a>
 */
final class AliasTable {
  private static final double COIN = 0x1.0p32;

  private final long[] packed;
  private final double[] scaled;
  private final int[] work;

  /**
   * Builds the table for non-negative weights with a positive sum (not necessarily normalised).
   */
  AliasTable(double[] weights) {
    int k = weights.length;
    packed = new long[k];
    scaled = new double[k];
    work = new int[k];
    rebuild(weights);
  }

  /** Refills the table for {@code weights}, of this table's length. */
  void rebuild(double[] weights) {
    int k = weights.length;
    double sum = 0;
    for (double w : weights) {
      sum += w;
    }
    int ns = 0; // small: work[0 .. ns)
    int top = k; // large: work[top .. k), its last pushed at work[top]
    for (int i = 0; i < k; i++) {
      double x = weights[i] * k / sum;
      scaled[i] = x;
      if (x < 1.0) {
        work[ns++] = i;
      } else {
        work[--top] = i;
      }
    }
    while (ns > 0 && top < k) {
      int s = work[--ns];
      int l = work[top++];
      set(s, scaled[s], l);
      double rest = (scaled[l] + scaled[s]) - 1.0;
      scaled[l] = rest;
      if (rest < 1.0) {
        work[ns++] = l;
      } else {
        work[--top] = l;
      }
    }
    // What is left is 1 up to rounding: keep it. A zero-weight column never lands here with
    // probability above rounding, because zero weights start in the small stack and are paired.
    while (top < k) {
      int l = work[top++];
      set(l, 1.0, l);
    }
    int first = -1;
    while (ns > 0) {
      int s = work[--ns];
      if (weights[s] > 0) {
        set(s, 1.0, s);
      } else {
        first = first >= 0 ? first : firstPositive(weights);
        set(s, 0.0, first);
      }
    }
  }

  private void set(int column, double keepProbability, int alias) {
    packed[column] = (long) Math.ceil(keepProbability * COIN) << 31 | alias; // 33 + 31 bits
  }

  private static int firstPositive(double[] w) {
    for (int i = 0; i < w.length; i++) {
      if (w[i] > 0) {
        return i;
      }
    }
    throw new IllegalArgumentException("weights must have a positive sum");
  }

  /** A draw from 64 random bits: the high 32 pick a column, the low 32 toss its coin. */
  int sample(long bits) {
    int column = (int) (((bits >>> 32) * packed.length) >>> 32);
    long entry = packed[column];
    return (bits & 0xFFFFFFFFL) < entry >>> 31 ? column : (int) (entry & 0x7FFFFFFF);
  }

  int size() {
    return packed.length;
  }

  /** Probability that column {@code c} keeps its own index, as the 32-bit coin applies it. */
  double keep(int c) {
    return (packed[c] >>> 31) / COIN;
  }

  /** The index column {@code c} yields when it does not keep its own. */
  int alias(int c) {
    return (int) (packed[c] & 0x7FFFFFFF);
  }
}
