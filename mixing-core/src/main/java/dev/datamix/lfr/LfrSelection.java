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
 * output, 4 bytes per kept block; time: four passes over the store.
 */
final class LfrSelection {
  private LfrSelection() {}

  /** The hard selection of domain {@code d}: kept blocks, ascending. */
  static int[] hard(LossShards s, int d, double drop) {
    long first = s.first(d);
    long end = s.end(d);
    ThresholdSearch.Counts local = high -> {
      long[] h = new long[ThresholdSearch.BUCKETS];
      for (long b = first; b < end; b++) {
        ThresholdSearch.count(h, high, s.mean(d, b));
      }
      return h;
    };
    ThresholdSearch.Threshold t = ThresholdSearch.kthLargest(s.sharded()
        ? ThresholdSearch.allReduced(s.collective(), local) : local,
        total -> Math.round(total * (1 - drop)));
    long k = Math.round(t.total() * (1 - drop));
    long ties = k - t.above();
    long kept = 0;
    long tiedHere = 0;
    for (long b = first; b < end; b++) {
      float m = s.mean(d, b);
      kept += Float.isNaN(m) || m > t.value() ? 1 : 0;
      tiedHere += m == t.value() ? 1 : 0;
    }
    long quota = s.sharded() ? shareOfTies(s.collective(), tiedHere, ties) : ties;
    int[] out = new int[Math.toIntExact(kept + Math.min(quota, tiedHere))];
    int n = 0;
    for (long b = first; b < end; b++) {
      float m = s.mean(d, b);
      if (Float.isNaN(m) || m > t.value() || (m == t.value() && quota-- > 0)) {
        out[n++] = (int) b;
      }
    }
    return s.sharded() ? gather(s.collective(), out) : out;
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
