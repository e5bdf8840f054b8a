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
  private static final int BRANCHLESS_UP_TO = 64;

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
    double sum = 0;
    for (double w : weights) {
      sum += w;
    }
    if (!(sum > 0) || Double.isInfinite(sum)) {
      throw new IllegalArgumentException("weights must have a positive finite sum, got " + sum);
    }
    fill(weights, 0, weights.length, sum, packed, 0, scaled, work);
  }

  /**
   * Vose's construction for the {@code n} columns of {@code weights} from {@code from}, whose sum
   * is {@code sum > 0}, into {@code packed[at + from .. at + from + n)}, each alias relative to
   * {@code from}; {@code scaled} and {@code work} are scratch of at least {@code n} entries. The
   * one construction of both the flat table and {@link GroupedAliasTable}'s groups.
   */
  static void fill(double[] weights, int from, int n, double sum, long[] packed, int at,
      double[] scaled, int[] work) {
    int out = at + from;
    for (int i = 0; i < n; i++) {
      scaled[i] = weights[from + i] * n / sum;
    }
    long stacks = n <= BRANCHLESS_UP_TO ? pairWithoutBranches(n, packed, out, scaled, work)
        : pairWithBranches(n, packed, out, scaled, work);
    int ns = (int) (stacks >>> 32); // small: work[0 .. ns)
    int top = (int) stacks; // large: work[top .. n)
    // What is left is 1 up to rounding: keep it. A zero-weight column never lands here with
    // probability above rounding, because zero weights start in the small stack and are paired.
    while (top < n) {
      int l = work[top++];
      packed[out + l] = pack(1.0, l);
    }
    int first = -1;
    while (ns > 0) {
      int s = work[--ns];
      if (weights[from + s] > 0) {
        packed[out + s] = pack(1.0, s);
      } else {
        first = first >= 0 ? first : firstPositive(weights, from, n);
        packed[out + s] = pack(0.0, first);
      }
    }
  }

  /**
   * Vose's two stacks in one array, the small growing from the bottom and the large from the
   * top (together they never hold more than n columns), and its pairing of each small column
   * with a large one: returns the stacks left, {@code ns << 32 | top}.
   */
  private static long pairWithBranches(int n, long[] packed, int out, double[] scaled,
      int[] work) {
    int ns = 0;
    int top = n;
    for (int i = 0; i < n; i++) {
      if (scaled[i] < 1.0) {
        work[ns++] = i;
      } else {
        work[--top] = i;
      }
    }
    while (ns > 0 && top < n) {
      int s = work[--ns];
      int l = work[top++];
      packed[out + s] = pack(scaled[s], l);
      double rest = (scaled[l] + scaled[s]) - 1.0;
      scaled[l] = rest;
      if (rest < 1.0) {
        work[ns++] = l;
      } else {
        work[--top] = l;
      }
    }
    return (long) ns << 32 | top;
  }

  /**
   * The same stacks and pairing as {@link #pairWithBranches}, for a group of few columns: each
   * push writes both free ends and moves one of them, because which stack a column joins is a
   * coin that no predictor learns. Measured on 16 columns: a grouped change 0.70 -> 0.54 µs; on
   * 65,536 the extra stores cost more than the branches (406 -> 505 µs), hence the two.
   */
  private static long pairWithoutBranches(int n, long[] packed, int out, double[] scaled,
      int[] work) {
    int ns = 0;
    int top = n;
    for (int i = 0; i < n; i++) {
      int small = scaled[i] < 1.0 ? 1 : 0;
      work[ns] = i; // [ns, top) is free and not empty
      work[top - 1] = i;
      ns += small;
      top -= 1 - small;
    }
    while (ns > 0 && top < n) {
      int s = work[--ns];
      int l = work[top]; // the large stays on its stack unless it becomes small
      packed[out + s] = pack(scaled[s], l);
      double rest = (scaled[l] + scaled[s]) - 1.0;
      scaled[l] = rest;
      int small = rest < 1.0 ? 1 : 0;
      work[ns] = l; // free: s was just taken from it
      ns += small;
      top += small;
    }
    return (long) ns << 32 | top;
  }

  /** A column: its keep threshold over the coin's 32 bits, then its alias (33 + 31 bits). */
  private static long pack(double keepProbability, int alias) {
    return (long) Math.ceil(keepProbability * COIN) << 31 | alias;
  }

  /** Index of the first positive of the {@code n} weights from {@code from}, relative to it. */
  private static int firstPositive(double[] w, int from, int n) {
    for (int i = 0; i < n; i++) {
      if (w[from + i] > 0) {
        return i;
      }
    }
    throw new IllegalArgumentException("weights must have a positive sum");
  }

  /** A column's keep threshold as the 32-bit coin applies it, as a probability. */
  static double keepOf(long entry) {
    return (entry >>> 31) / COIN;
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
    return keepOf(packed[c]);
  }

  /** The index column {@code c} yields when it does not keep its own. */
  int alias(int c) {
    return (int) (packed[c] & 0x7FFFFFFF);
  }
}
