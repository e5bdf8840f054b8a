package dev.datamix.sampler;

import dev.datamix.random.Seeds;

/**
 * Alias tables over groups of {@value #FANOUT} domains, stacked: level 0 has one column per
 * domain, cut into groups of {@value #FANOUT}; each group's total is a column of level 1, cut the
 * same way, and so on up to a level that fits in one group (four levels at K = 65,536, five at
 * K = 2^20). A draw takes one alias draw per level, top down, each choosing a group of the level
 * below; the chosen domain has probability {@code w_d / Σ w} up to the 32-bit coins.
 *
 * <p>Changing {@code m} weights rebuilds only the groups on their paths to the top, {@code
 * O(m · FANOUT · levels)} work instead of the flat {@link AliasTable}'s {@code O(K)}. A group of
 * the bottom level is rebuilt when a draw first reaches it, not at the change: a group changed
 * several times before a draw reaches it is built once, and after every weight changed a step
 * builds only the groups its draws reach (about one in eight for 512 draws at K = 65,536).
 * Each group's table and total are a function of its own columns alone (summed in index order,
 * built by the same Vose construction), so a table reached by any sequence of changes and draws
 * is, bit for bit, the one built afresh from the same weights: a resumed run draws what the
 * uninterrupted one drew.
 *
 * <p>Groups of 16, chosen against 32 and 64 by measuring both costs at K = 65,536 on the
 * development machine: a change of one weight rebuilt its groups in 0.70 µs (32: 1.0 µs; 64:
 * 1.5 µs), and a sampler drew 27 M domains/s (32: 30 M; 64: 33 M). The upper levels stay in
 * cache, so the extra levels cost little beside the one read of the bottom level that every
 * draw makes. (Vose's pushes have since lost their branch: 0.54 µs a change at 16.)
 *
 * <p>The grouping of weights so that an update touches few groups follows Y. Matias, J. S.
 * Vitter and W.-C. Ni, Dynamic generation of discrete random variates (SODA 1993).
 *
 * @see <a href="https://doi.org/10.1109/32.92917">M. D. Vose, A linear algorithm for generating
 *     random numbers with a given distribution, IEEE TSE 1991</a>
 */
final class GroupedAliasTable {
  /** Columns per group. */
  static final int FANOUT = 16;
  private static final int SHIFT = 4;
  private static final long COIN_BITS = 0xFFFFFFFFL;

  private final int k;
  private final int top;
  private final int[] size; // size[l]: columns of level l, a multiple of FANOUT below the top
  private final int[] base; // base[l]: where level l starts in packed
  private final long[] packed; // every level's keep thresholds and aliases (relative to group)
  private final double[][] weights; // weights[l][c]: column c of level l; level 0 = the domains
  private final int[][] dirty; // dirty[l]: groups of level l to rebuild
  private final int[] dirtyCount;
  private final boolean[][] marked;
  private final boolean[] stale; // stale[g]: bottom group g changed since it was last built
  private final double[] scaled = new double[FANOUT];
  private final int[] work = new int[FANOUT];
  private final long[] runBits = new long[256];

  /** A table over {@code k >= 1} domains, every weight zero until {@link #set}. */
  GroupedAliasTable(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("domains must be >= 1, got " + k);
    }
    this.k = k;
    int levels = 1;
    for (int n = k; n > FANOUT; n = (n + FANOUT - 1) >>> SHIFT) {
      levels++;
    }
    top = levels - 1;
    size = new int[levels];
    base = new int[levels];
    weights = new double[levels][];
    dirty = new int[levels][];
    marked = new boolean[levels][];
    dirtyCount = new int[levels];
    int at = 0;
    for (int l = top; l >= 0; l--) { // the top level first: the hot columns together
      size[l] = columns(k, l);
    }
    for (int l = top; l >= 0; l--) {
      base[l] = at;
      at += size[l];
    }
    packed = new long[at];
    for (int l = 0; l < levels; l++) {
      weights[l] = new double[size[l]];
      int groups = (size[l] + FANOUT - 1) >>> SHIFT;
      dirty[l] = new int[groups];
      marked[l] = new boolean[groups];
    }
    stale = new boolean[top > 0 ? size[0] >>> SHIFT : 0];
  }

  /** Columns of level {@code l}: padded with zero weights to whole groups below the top. */
  private int columns(int k, int l) {
    int n = k;
    for (int i = 0; i < l; i++) {
      n = (n + FANOUT - 1) >>> SHIFT;
    }
    return l == top ? n : (n + FANOUT - 1) >>> SHIFT << SHIFT;
  }

  /** Number of domains. */
  int size() {
    return k;
  }

  /** Number of levels (1 up to {@value #FANOUT} domains). */
  int levels() {
    return top + 1;
  }

  /** The weight of domain {@code d}, as last set. */
  double weight(int d) {
    return weights[0][d];
  }

  /** Sum of the weights, as the groups add them up (valid after {@link #commit}). */
  double total() {
    double sum = 0;
    for (double w : weights[top]) {
      sum += w;
    }
    return sum;
  }

  /**
   * Sets domain {@code d}'s weight, finite and {@code >= 0} (the caller checks); takes effect at
   * the next {@link #commit}.
   */
  void set(int d, double w) {
    if (Double.doubleToLongBits(weights[0][d]) != Double.doubleToLongBits(w)) {
      weights[0][d] = w;
      markGroup(0, d >>> SHIFT);
    }
  }

  private void markGroup(int level, int g) {
    if (!marked[level][g]) {
      marked[level][g] = true;
      dirty[level][dirtyCount[level]++] = g;
    }
  }

  /**
   * Rebuilds the groups the {@link #set} calls since the last commit touched, level by level.
   *
   * @return whether any weight changed; if every weight is zero, nothing can be drawn until
   *     one is set positive (the caller checks {@link #total})
   */
  boolean commit() {
    if (dirtyCount[0] == 0) {
      return false;
    }
    for (int l = 0; l <= top; l++) {
      double[] w = weights[l];
      for (int i = 0; i < dirtyCount[l]; i++) {
        int g = dirty[l][i];
        marked[l][g] = false;
        int from = g << SHIFT;
        int n = Math.min(FANOUT, w.length - from);
        double sum = 0;
        for (int c = from; c < from + n; c++) {
          sum += w[c];
        }
        if (l == 0 && l < top) {
          stale[g] = true; // built when a draw first reaches it
        } else {
          fill(l, from, n, sum);
        }
        if (l < top) {
          weights[l + 1][g] = sum;
          markGroup(l + 1, g >>> SHIFT);
        }
      }
      dirtyCount[l] = 0;
    }
    return true;
  }

  /** Group {@code [from, from + n)} of level {@code l}, whose columns sum to {@code sum}. */
  private void fill(int l, int from, int n, double sum) {
    if (sum > 0) {
      AliasTable.fill(weights[l], from, n, sum, packed, base[l], scaled, work);
    } else { // never chosen; cleared so that the table depends on the weights alone
      java.util.Arrays.fill(packed, base[l] + from, base[l] + from + n, 0L);
    }
  }

  /** Builds bottom group {@code g} if it changed since it was last built. */
  private void build(int g) {
    if (stale[g]) {
      fill(0, g << SHIFT, FANOUT, weights[1][g]);
      stale[g] = false;
    }
  }

  /** Builds every bottom group not built since it changed (for the tests' comparisons). */
  private void buildAll() {
    for (int g = 0; g < stale.length; g++) {
      build(g);
    }
  }

  private void checkCommitted() {
    if (dirtyCount[0] != 0) {
      throw new IllegalStateException("weights set since the last commit: commit before drawing");
    }
  }

  /**
   * A draw from 64 random bits: at the top, the high 32 bits pick a column and the low 32 toss
   * its coin; below, the bits are mixed again, their top 4 pick a column of the chosen group
   * and the low 32 toss its coin.
   */
  int sample(long bits) {
    checkCommitted();
    long b = bits;
    int c = (int) (((b >>> 32) * size[top]) >>> 32);
    int column = pick(c, b, packed[c]); // the top level starts at 0
    for (int l = top - 1; l >= 0; l--) {
      b = Seeds.mix64(b + Seeds.GOLDEN_GAMMA);
      int own = (int) (b >>> 60);
      if (l == 0) {
        build(column);
      }
      int from = column << SHIFT;
      column = from + pick(own, b, packed[base[l] + from + own]);
    }
    return column;
  }

  /**
   * {@link #sample} of the bits {@code mix64(stepKey + (first + i)·φ)} into {@code out[i]} for
   * {@code i < n <= 256}, a level at a time over the whole run: each level's reads are
   * independent of one another, so the memory system overlaps them, where one draw's levels
   * must wait for each other.
   */
  void sampleRun(long stepKey, long first, int n, int[] out) {
    checkCommitted();
    long[] b = runBits;
    int topSize = size[top];
    for (int i = 0; i < n; i++) {
      long bits = WeightsInForce.drawBits(stepKey, first + i);
      int c = (int) (((bits >>> 32) * topSize) >>> 32);
      out[i] = pick(c, bits, packed[c]);
      b[i] = bits;
    }
    for (int l = top - 1; l >= 0; l--) {
      int at = base[l];
      boolean bottom = l == 0;
      for (int i = 0; i < n; i++) {
        long bits = Seeds.mix64(b[i] + Seeds.GOLDEN_GAMMA);
        b[i] = bits;
        int own = (int) (bits >>> 60);
        if (bottom && stale[out[i]]) {
          build(out[i]);
        }
        int from = out[i] << SHIFT;
        out[i] = from + pick(own, bits, packed[at + from + own]);
      }
    }
  }

  /**
   * Column {@code own} if the coin (the low 32 bits) falls below its keep threshold, else its
   * alias, without a branch: the coin is a fair toss, which no branch predictor can learn.
   */
  private static int pick(int own, long bits, long entry) {
    long keep = ((bits & COIN_BITS) - (entry >>> 31)) >> 63; // all ones when coin < threshold
    return (int) ((own & keep) | ((entry & 0x7FFFFFFF) & ~keep));
  }

  /**
   * The probability the 32-bit coins give domain {@code d}: the product over levels of its
   * column's probability within its group (for tests against {@code w_d / Σ w}).
   */
  double probability(int d) {
    checkCommitted();
    buildAll();
    double p = 1;
    int column = d;
    for (int l = 0; l <= top; l++) {
      int from = l == top ? 0 : (column >>> SHIFT) << SHIFT;
      int n = l == top ? size[top] : FANOUT;
      int own = column - from;
      double q = 0;
      for (int c = 0; c < n; c++) {
        long entry = packed[base[l] + from + c];
        double keep = AliasTable.keepOf(entry);
        q += (c == own ? keep : 0) + ((int) (entry & 0x7FFFFFFF) == own ? 1 - keep : 0);
      }
      p *= q / n;
      column >>>= SHIFT;
    }
    return p;
  }

  /** Whether this table's columns equal {@code other}'s, bit for bit, at every level. */
  boolean sameTable(GroupedAliasTable other) {
    buildAll();
    other.buildAll();
    return java.util.Arrays.equals(packed, other.packed)
        && java.util.Arrays.deepEquals(weights, other.weights);
  }
}
