package dev.datamix.sampler;

import dev.datamix.random.Seeds;
import java.util.Arrays;

/**
 * The domains of one draw call under {@link SamplerOptions.Allocation#EXACT}: Hamilton's
 * largest-remainder apportionment of {@code n} blocks to weights {@code w}, then a keyed
 * Fisher–Yates shuffle of the positions. Remainders are compared to 2^-32; equal ones take their
 * seats in a keyed order. A pure function of the weights, {@code n} and the key. Holds its
 * buffers between calls; not thread-safe.
 */
final class ExactAllocation {
  private static final long ODD = 0x9E3779B9L;
  private static final long INVERSE = inverse(ODD);

  private int[] sequence = new int[0];
  private long[] candidates = new long[0];

  /**
   * Fills and returns the domain of each of {@code n} positions (the array may be longer).
   *
   * @param w weights, {@code >= 0}, not all 0 (need not sum to 1)
   * @param key the call's key: the order of equal remainders and the shuffle derive from it
   */
  int[] domains(double[] w, int n, long key) {
    int k = w.length;
    if (sequence.length < n) {
      sequence = new int[n];
    }
    if (candidates.length < k) {
      candidates = new long[k];
    }
    double sum = 0;
    for (double v : w) {
      sum += v;
    }
    long tie = Seeds.hash(key, 0x74696573L) & 0xFFFFFFFFL;
    int filled = 0;
    int c = 0;
    for (int d = 0; d < k; d++) {
      if (!(w[d] > 0)) {
        continue;
      }
      double exact = w[d] / sum * n;
      int floor = (int) Math.min(n - filled, Math.floor(exact));
      Arrays.fill(sequence, filled, filled + floor, d);
      filled += floor;
      long q = Math.min(0xFFFFFFFFL, Math.max(0, (long) ((exact - floor) * 0x1p32)));
      candidates[c++] = ((0xFFFFFFFFL - q) << 32) | ((d * ODD + tie) & 0xFFFFFFFFL);
    }
    Arrays.sort(candidates, 0, c);
    for (int s = 0; filled < n; s = (s + 1) % c) {
      sequence[filled++] = (int) ((((candidates[s] & 0xFFFFFFFFL) - tie) * INVERSE)
          & 0xFFFFFFFFL);
    }
    long shuffle = Seeds.hash(key, 0x73687566L);
    for (int i = n - 1; i > 0; i--) {
      long bits = Seeds.mix64(shuffle + i * 0x9E3779B97F4A7C15L);
      int j = (int) (((bits >>> 32) * (i + 1)) >>> 32); // uniform in [0, i], no division
      int tmp = sequence[i];
      sequence[i] = sequence[j];
      sequence[j] = tmp;
    }
    return sequence;
  }

  /** The inverse of odd {@code a} modulo 2^32 (Newton's iteration). */
  private static long inverse(long a) {
    long x = a;
    for (int i = 0; i < 5; i++) {
      x = (x * (2 - a * x)) & 0xFFFFFFFFL;
    }
    return x;
  }
}
