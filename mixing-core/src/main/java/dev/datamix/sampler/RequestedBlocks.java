package dev.datamix.sampler;

import dev.datamix.mixture.Mixture;

/**
 * How many blocks the policy's mixtures asked of each domain: the sum over draws of the domain's
 * requested weight, before an exhausted domain's weight is moved to the others. Counted in units
 * of 2^-24 blocks as integers, lazily (once per mixture, not per draw), so the totals are the
 * same whenever they are added up: a snapshot may flush them at any step without changing a
 * resumed run's counts by a bit. Part of {@link MixtureSampler}'s state.
 */
final class RequestedBlocks {
  private static final double UNIT = 1L << 24;

  private final long[] units;
  private Mixture mixture;
  private long pending;

  RequestedBlocks(int domains) {
    units = new long[domains];
  }

  /** {@code draws} more draws under the mixture last given to {@link #use}. */
  void drew(long draws) {
    pending += draws;
  }

  /** From now on draws are made under {@code m}. */
  void use(Mixture m) {
    flush();
    mixture = m;
  }

  /** Adds the pending draws to the counts. */
  void flush() {
    if (pending > 0 && mixture != null) {
      for (int d = 0; d < units.length; d++) {
        units[d] += Math.round(mixture.weight(d) * UNIT) * pending;
      }
    }
    pending = 0;
  }

  /** Blocks requested of domain {@code d} so far. */
  double blocks(int d) {
    long p = mixture == null ? 0 : Math.round(mixture.weight(d) * UNIT) * pending;
    return (units[d] + p) / UNIT;
  }

  /** The counts, flushed, in units of 2^-24 blocks. */
  long[] units() {
    flush();
    return units.clone();
  }

  /** Replaces the counts; no mixture is in use until the next {@link #use}. */
  void restore(long[] counts) {
    System.arraycopy(counts, 0, units, 0, units.length);
    mixture = null;
    pending = 0;
  }
}
