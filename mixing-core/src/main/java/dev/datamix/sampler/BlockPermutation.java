package dev.datamix.sampler;

import dev.datamix.random.Seeds;

/**
 * A keyed pseudo-random permutation of {@code [0, n)} computed one element at a time, in O(1)
 * memory whatever {@code n} (10^9-block domains included): the order in which one domain-epoch
 * visits its blocks.
 *
 * <p>A bijection on {@code k}-bit integers ({@code 2^k >= n > 2^(k-1)}) is built from rounds of
 * multiplication by an odd key, xor-shift and addition of a key, all mod {@code 2^k}; values
 * {@code >= n} are mapped again ("cycle walking", Black and Rogaway, CT-RSA 2002) until they land
 * in range, fewer than two rounds on average. The keys derive from {@code (seed, domain, epoch)}.
 */
final class BlockPermutation {
  private static final int ROUNDS = 4;

  private final long n;
  private final long mask;
  private final int shift;
  private final long[] multipliers = new long[ROUNDS];
  private final long[] addends = new long[ROUNDS];

  /**
   * @param n size of the permuted range, {@code >= 1}
   * @param key the permutation's key
   */
  BlockPermutation(long n, long key) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, got " + n);
    }
    this.n = n;
    int bits = n == 1 ? 1 : 64 - Long.numberOfLeadingZeros(n - 1);
    this.mask = bits == 64 ? -1L : (1L << bits) - 1;
    this.shift = Math.max(1, (bits + 1) / 2);
    for (int r = 0; r < ROUNDS; r++) {
      multipliers[r] = Seeds.hash(key, 2L * r) | 1L;
      addends[r] = Seeds.hash(key, 2L * r + 1);
    }
  }

  /** The image of {@code x}, {@code 0 <= x < n}. */
  long apply(long x) {
    do {
      for (int r = 0; r < ROUNDS; r++) {
        x = (x * multipliers[r]) & mask;
        x ^= x >>> shift;
        x = (x + addends[r]) & mask;
      }
    } while (Long.compareUnsigned(x, n) >= 0);
    return x;
  }

  long size() {
    return n;
  }
}
