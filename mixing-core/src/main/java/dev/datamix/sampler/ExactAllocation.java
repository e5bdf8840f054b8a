package dev.datamix.sampler;

import dev.datamix.random.Seeds;
import java.util.Arrays;

/**
 * The domains of one draw call under {@link SamplerOptions.Allocation#EXACT}: every domain gets
 * the whole part of its quota {@code n·w_d}, and the seats left over go by systematic sampling of
 * the remainders (Madow, 1949): the domains in a keyed order lay their remainders end to end on
 * {@code [0, R)} and the seats fall at {@code u, u + 1, ...} for one keyed {@code u ∈ [0, 1)}.
 * So every domain gets the floor or the ceiling of its quota in every call (Hamilton's quota
 * property), and its expected count is its quota exactly, so shares are unbiased over the steps
 * too. Largest-remainder seating (Hamilton's own rule) keeps the first property but not the
 * second: a domain whose remainder always loses is never served — at 5% replay over three old
 * domains in batches of 16, two of them never appeared. A keyed Fisher–Yates shuffle then orders
 * the positions. A pure function of the weights, {@code n} and the key. Holds its buffers between
 * calls; not thread-safe.
 */
final class ExactAllocation {
  private int[] sequence = new int[0];
  private int[] order = new int[0];
  private double[] remainder = new double[0];

  /**
   * Fills and returns the domain of each of {@code n} positions (the array may be longer).
   *
   * @param w weights, {@code >= 0}, not all 0 (need not sum to 1)
   * @param key the call's key: the seats of the remainders and the shuffle derive from it
   */
  int[] domains(double[] w, int n, long key) {
    int k = w.length;
    if (sequence.length < n) {
      sequence = new int[n];
    }
    if (order.length < k) {
      order = new int[k];
      remainder = new double[k];
    }
    double sum = 0;
    for (double v : w) {
      sum += v;
    }
    int filled = 0;
    int c = 0;
    for (int d = 0; d < k; d++) {
      if (!(w[d] > 0)) {
        continue;
      }
      double exact = w[d] / sum * n;
      int floor = (int) Math.min(n - filled, Math.floor(exact));
      java.util.Arrays.fill(sequence, filled, filled + floor, d);
      filled += floor;
      remainder[d] = exact - floor;
      order[c++] = d;
    }
    long orderKey = Seeds.hash(key, 0x6f72646572L);
    for (int i = c - 1; i > 0; i--) { // the keyed order the remainders are laid out in
      int j = uniformIndex(Seeds.mix64(orderKey + i * 0x9E3779B97F4A7C15L), i + 1);
      int tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    double seat = Seeds.toUnitDouble(Seeds.hash(key, 0x73656174L));
    double end = 0;
    for (int i = 0; i < c && filled < n; i++) {
      end += remainder[order[i]];
      while (filled < n && seat < end) {
        sequence[filled++] = order[i];
        seat += 1;
      }
    }
    for (int i = 0; filled < n; i = (i + 1) % c) { // rounding left a seat: by the keyed order
      sequence[filled++] = order[i];
    }
    long shuffle = Seeds.hash(key, 0x73687566L);
    for (int i = n - 1; i > 0; i--) {
      int j = uniformIndex(Seeds.mix64(shuffle + i * 0x9E3779B97F4A7C15L), i + 1);
      int tmp = sequence[i];
      sequence[i] = sequence[j];
      sequence[j] = tmp;
    }
    return sequence;
  }

  /** Uniform in {@code [0, bound)} from 64 random bits, without division. */
  private static int uniformIndex(long bits, int bound) {
    return (int) (((bits >>> 32) * bound) >>> 32);
  }
}
