package dev.datamix.sampler;

/**
 * Walker's alias method in Vose's numerically stable form: O(K) to build, O(1) per draw.
 *
 * @see <a href="https://doi.org/10.1109/32.92917">M. D. Vose, A linear algorithm for generating
 *     random numbers with a given distribution, IEEE TSE 1991</a>
 */
final class AliasTable {
  private final double[] keep;
  private final int[] alias;

  /**
   * Builds the table for non-negative weights with a positive sum (not necessarily normalised).
   */
  AliasTable(double[] weights) {
    int k = weights.length;
    keep = new double[k];
    alias = new int[k];
    double sum = 0;
    for (double w : weights) {
      sum += w;
    }
    double[] scaled = new double[k];
    int[] small = new int[k];
    int[] large = new int[k];
    int ns = 0;
    int nl = 0;
    for (int i = 0; i < k; i++) {
      scaled[i] = weights[i] * k / sum;
      if (scaled[i] < 1.0) {
        small[ns++] = i;
      } else {
        large[nl++] = i;
      }
    }
    while (ns > 0 && nl > 0) {
      int s = small[--ns];
      int l = large[--nl];
      keep[s] = scaled[s];
      alias[s] = l;
      scaled[l] = (scaled[l] + scaled[s]) - 1.0;
      if (scaled[l] < 1.0) {
        small[ns++] = l;
      } else {
        large[nl++] = l;
      }
    }
    // What is left is 1 up to rounding: keep it. A zero-weight column never lands here with
    // probability above rounding, because zero weights start in the small stack and are paired.
    while (nl > 0) {
      int l = large[--nl];
      keep[l] = 1.0;
      alias[l] = l;
    }
    while (ns > 0) {
      int s = small[--ns];
      keep[s] = weights[s] > 0 ? 1.0 : 0.0;
      alias[s] = weights[s] > 0 ? s : firstPositive(weights);
    }
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
    int column = (int) (((bits >>> 32) * keep.length) >>> 32);
    double coin = (bits & 0xFFFFFFFFL) * 0x1.0p-32;
    return coin < keep[column] ? column : alias[column];
  }

  int size() {
    return keep.length;
  }

  /** Probability that column {@code c} keeps its own index. */
  double keep(int c) {
    return keep[c];
  }

  /** The index column {@code c} yields when it does not keep its own. */
  int alias(int c) {
    return alias[c];
  }
}
