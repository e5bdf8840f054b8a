package dev.datamix.aioli;

import dev.datamix.random.Seeds;

/**
 * Where each step of an Aioli run falls: the restricted mode's prior steps, then rounds of {@code
 * updateSteps} steps, each opening with LearnParams — {@code lpRounds × K} segments of {@code
 * lpSteps} steps, one per domain and sweep in a seeded order — and spending the rest on the
 * round's weights. Held-out losses are measured before each segment and after the last one, that
 * is before the steps {@code roundStart + m·lpSteps}, {@code m = 0 … lpRounds·K}. Immutable.
 */
record AioliSchedule(int domains, long priorSteps, long updateSteps, int lpRounds, long lpSteps,
    long seed) {
  private static final long ORDER_SALT = 0x41494f4c49L; // "AIOLI"

  /** Segments of LearnParams per round. */
  int segments() {
    return lpRounds * domains;
  }

  /** Steps of LearnParams per round. */
  long learnParamsSteps() {
    return segments() * lpSteps;
  }

  /** The round of {@code step}, or -1 inside the prior steps. */
  long round(long step) {
    return step < priorSteps ? -1 : (step - priorSteps) / updateSteps;
  }

  /** The first step of round {@code r}. */
  long roundStart(long r) {
    return priorSteps + r * updateSteps;
  }

  /** The LearnParams segment {@code step} trains in, or -1 (prior steps, the round's weights). */
  int segment(long step) {
    long r = round(step);
    if (r < 0) {
      return -1;
    }
    long offset = step - roundStart(r);
    return offset < learnParamsSteps() ? (int) (offset / lpSteps) : -1;
  }

  /**
   * The index {@code m} of the held-out measurement taken before {@code step}, or -1 if none is:
   * {@code m = 0} opens the round, {@code m = segments()} follows its last segment.
   */
  int measurement(long step) {
    long r = round(step);
    if (r < 0) {
      return -1;
    }
    long offset = step - roundStart(r);
    if (offset % lpSteps != 0 || offset / lpSteps > segments()) {
      return -1;
    }
    return (int) (offset / lpSteps);
  }

  /**
   * The domain each segment of round {@code r} trains on: {@code lpRounds} permutations of the
   * domains, concatenated (the reference draws them with {@code np.random.permutation}; here each
   * derives from {@code (seed, round, sweep)}).
   */
  int[] order(long r) {
    int[] out = new int[segments()];
    for (int sweep = 0; sweep < lpRounds; sweep++) {
      int[] p = new int[domains];
      for (int i = 0; i < domains; i++) {
        p[i] = i;
      }
      for (int i = domains - 1; i > 0; i--) {
        long bits = Seeds.hash(seed, ORDER_SALT, r, sweep, i);
        int j = (int) Math.floorMod(bits, (long) (i + 1));
        int tmp = p[i];
        p[i] = p[j];
        p[j] = tmp;
      }
      System.arraycopy(p, 0, out, sweep * domains, domains);
    }
    return out;
  }
}
