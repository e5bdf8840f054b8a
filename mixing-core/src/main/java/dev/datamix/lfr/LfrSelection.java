package dev.datamix.lfr;

import dev.datamix.distributed.Collective;
import dev.datamix.distributed.ThresholdSearch;
import dev.datamix.random.Seeds;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Which blocks a Focus phase keeps: every block not visited in the phase before (kept, not
 * dropped) and, of the visited ones, the hardest {@code 1 − drop}. Hard selection keeps those
 * above the threshold {@link ThresholdSearch} finds, ties at it by lowest block index, exactly
 * {@code round(visited·(1 − drop))}; soft selection keeps each visited block with probability
 * {@code min(1, max(floor, c·exp(γ·loss)))}, {@code c} found by bisection so that the expected
 * count is the same, and a keyed coin per block.
 *
 * <p>On a store split over ranks ({@link LossShards}) every count is all-reduced, the ties are
 * shared out in rank order (rank order is block order), and the kept blocks are gathered, so
 * every rank gets the list a single process computes. Scratch memory: the histograms and the
 * output, 4 bytes per kept block; time: three passes over the store (two histograms, then the
 * kept blocks).
 */
final class LfrSelection {
  private LfrSelection() {}

  /** The hard selection of domain {@code d}: kept blocks, ascending. Three passes. */
  static int[] hard(LossShards s, int d, double drop) {
    int first = Math.toIntExact(s.first(d));
    int blocks = Math.toIntExact(s.end(d) - first);
    BlockLossStore store = s.store(d);
    Recording local = new Recording(
        high -> ThresholdSearch.histogram(store::mean, blocks, high));
    ThresholdSearch.Threshold t = ThresholdSearch.kthLargest(s.sharded()
        ? ThresholdSearch.allReduced(s.collective(), local) : local,
        total -> Math.round(total * (1 - drop)));
    long k = Math.round(t.total() * (1 - drop));
    long ties = k - t.above();
    // this rank's counts come from its own histograms: no pass of their own
    int key = ThresholdSearch.key(t.value());
    long tiedHere = k == 0 ? 0 : local.low[key & 0xFFFF];
    long aboveHere = local.above(key);
    long quota = s.sharded() ? shareOfTies(s.collective(), tiedHere, ties) : ties;
    int[] out = new int[Math.toIntExact(blocks - local.total + aboveHere
        + Math.min(quota, tiedHere))];
    collect(store, blocks, first, t.value(), quota, out);
    return s.sharded() ? gather(s.collective(), out) : out;
  }

  /**
   * Fills {@code out} (exactly as long as the kept count) with the kept blocks in ascending
   * order: the unvisited, those above {@code threshold}, and the first {@code quota} at it. The
   * keep test is integer arithmetic on the order-preserving keys, without a branch (half the
   * blocks kept at random defeats a branch predictor, and the JIT turns float comparisons back
   * into branches): an unvisited block's NaN has a key above every float's. Every block is
   * written at the next free slot while a slot is left beyond it.
   */
  private static void collect(BlockLossStore store, int blocks, int first, float threshold,
      long quota, int[] out) {
    long limit = ThresholdSearch.key(threshold) & 0xFFFFFFFFL;
    int n = 0;
    int i = 0;
    int last = out.length - 1;
    for (; i < blocks && n < last; i++) {
      long key = ThresholdSearch.key(store.mean(i)) & 0xFFFFFFFFL;
      int above = (int) ((limit - key) >>> 63);
      long diff = limit ^ key;
      int tie = (int) (((diff - 1) & -quota) >>> 63); // diff == 0 and quota > 0
      quota -= tie;
      out[n] = first + i;
      n += above | tie;
    }
    for (; i < blocks; i++) { // the last slot: the same test with a branch
      long key = ThresholdSearch.key(store.mean(i)) & 0xFFFFFFFFL;
      if (key > limit || (key == limit && quota-- > 0)) {
        out[n++] = first + i;
      }
    }
  }

  /** Counts that keep the histograms this rank made, for its own share of the counts. */
  private static final class Recording implements ThresholdSearch.Counts {
    private final ThresholdSearch.Counts counts;
    long[] high;
    long[] low;
    long total;

    Recording(ThresholdSearch.Counts counts) {
      this.counts = counts;
    }

    @Override
    public long[] histogram(int bucket) {
      long[] h = counts.histogram(bucket);
      if (bucket < 0) {
        high = h;
        total = 0;
        for (long c : h) {
          total += c;
        }
      } else {
        low = h;
      }
      return h;
    }

    /** How many of this rank's values have a key above {@code key}. */
    long above(int key) {
      long n = 0;
      int bucket = key >>> 16;
      for (int b = bucket + 1; b < ThresholdSearch.BUCKETS; b++) {
        n += high[b];
      }
      if (low != null) {
        for (int digit = (key & 0xFFFF) + 1; digit < ThresholdSearch.BUCKETS; digit++) {
          n += low[digit];
        }
      }
      return n;
    }
  }

  /** This rank's part of the ties at the threshold: the lowest blocks first, across ranks. */
  private static long shareOfTies(Collective c, long tiedHere, long ties) {
    List<byte[]> all = c.allGather(ByteBuffer.allocate(8).putLong(tiedHere).array());
    long before = 0;
    for (int r = 0; r < c.rank(); r++) {
      before += ByteBuffer.wrap(all.get(r)).getLong();
    }
    return Math.max(0, Math.min(tiedHere, ties - before));
  }

  /** The soft selection of domain {@code d} in phase {@code phase}. */
  static int[] soft(LossShards s, int d, double drop, long seed, int phase, double gamma,
      double floor) {
    long first = s.first(d);
    long end = s.end(d);
    double[] visited = {0};
    for (long b = first; b < end; b++) {
      visited[0] += Float.isNaN(s.mean(d, b)) ? 0 : 1;
    }
    if (s.sharded()) {
      visited = s.collective().allReduceSum(visited);
    }
    long target = Math.round(visited[0] * (1 - drop));
    double lo = 0;
    double hi = 1;
    while (expectedKept(s, d, hi, gamma, floor) < target && hi < 1e300) {
      hi *= 2;
    }
    for (int it = 0; it < 100; it++) {
      double mid = (lo + hi) / 2;
      if (expectedKept(s, d, mid, gamma, floor) < target) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    int[] out = new int[Math.toIntExact(end - first)];
    int n = 0;
    for (long b = first; b < end; b++) {
      float m = s.mean(d, b);
      if (Float.isNaN(m) || Seeds.toUnitDouble(Seeds.hash(seed, d, phase, b))
          < Math.min(1, Math.max(floor, hi * Math.exp(gamma * m)))) {
        out[n++] = (int) b;
      }
    }
    out = java.util.Arrays.copyOf(out, n);
    return s.sharded() ? gather(s.collective(), out) : out;
  }

  private static double expectedKept(LossShards s, int d, double c, double gamma, double floor) {
    double[] sum = {0};
    for (long b = s.first(d); b < s.end(d); b++) {
      float m = s.mean(d, b);
      if (!Float.isNaN(m)) {
        sum[0] += Math.min(1, Math.max(floor, c * Math.exp(gamma * m)));
      }
    }
    return s.sharded() ? s.collective().allReduceSum(sum)[0] : sum[0];
  }

  /** Every rank's kept blocks, in rank order (which is block order). */
  private static int[] gather(Collective c, int[] mine) {
    ByteBuffer b = ByteBuffer.allocate(4 * mine.length);
    b.asIntBuffer().put(mine);
    List<byte[]> all = c.allGather(b.array());
    int n = 0;
    for (byte[] part : all) {
      n += part.length / 4;
    }
    int[] out = new int[n];
    int at = 0;
    for (byte[] part : all) {
      ByteBuffer.wrap(part).asIntBuffer().get(out, at, part.length / 4);
      at += part.length / 4;
    }
    return out;
  }
}
