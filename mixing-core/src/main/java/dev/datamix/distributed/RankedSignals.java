package dev.datamix.distributed;

import dev.datamix.signal.BlockLosses;
import dev.datamix.signal.DoubleVector;
import dev.datamix.signal.Observation;
import dev.datamix.signal.ReferenceLosses;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Makes one step's signals the same on every data-parallel rank, so that every rank's policy
 * observes the same values and holds the same state as a single process training the whole
 * global batch:
 *
 * <ul>
 *   <li><b>Per-block signals</b> (training losses, which also give the per-domain training loss,
 *       and reference losses): each rank has its slice of the global batch; the slices are
 *       gathered in rank order, which is the global batch's order. B entries per step.
 *   <li><b>Held-out loss</b>: each rank measures a shard of the fixed held-out blocks; the
 *       per-block losses are gathered and each domain's mean is taken over all of them, in one
 *       order, so the sums and counts are those of one process: never a mean of rank means.
 *   <li><b>Gradient alignment</b>: computed from gradients the data-parallel framework has
 *       already all-reduced, so every rank computes the same scores up to that reduction's
 *       rounding; rank 0's are broadcast, so a non-deterministic all-reduce cannot split the
 *       ranks' policy states.
 * </ul>
 */
public final class RankedSignals {
  private RankedSignals() {}

  /** The global batch's block losses from every rank's slice, in rank order. */
  public static BlockLosses gather(Collective c, BlockLosses mine) {
    List<byte[]> parts = c.allGather(encode(mine.step(), mine.size(), i -> mine.domain(i),
        i -> mine.block(i), i -> mine.loss(i), i -> 0f));
    Decoded d = decode(parts);
    return BlockLosses.of(mine.step(), d.domains, d.blocks, d.first, d.size);
  }

  /**
   * The global batch's reference losses from every rank's slice, in rank order; null if no rank
   * measured any.
   */
  public static ReferenceLosses gather(Collective c, long step, ReferenceLosses mine) {
    byte[] entries = mine == null ? new byte[0] : encode(step, mine.size(), i -> mine.domain(i),
        i -> mine.block(i), i -> mine.reference(i), i -> mine.excess(i));
    // a leading byte: 0 nothing measured, 1 excess clipped per block, 2 per token
    byte[] bytes = new byte[1 + entries.length];
    bytes[0] = (byte) (mine == null ? 0 : mine.tokenLevel() ? 2 : 1);
    System.arraycopy(entries, 0, bytes, 1, entries.length);
    List<byte[]> parts = c.allGather(bytes);
    boolean tokenLevel = false;
    boolean any = false;
    List<byte[]> stripped = new java.util.ArrayList<>();
    for (byte[] p : parts) {
      any |= p[0] != 0;
      tokenLevel |= p[0] == 2;
      stripped.add(java.util.Arrays.copyOfRange(p, 1, p.length));
    }
    if (!any) {
      return null;
    }
    Decoded d = decode(stripped);
    return ReferenceLosses.of(step, d.domains, d.blocks, d.first, d.second, d.size, tokenLevel);
  }

  /**
   * Each domain's mean held-out loss over every rank's shard of the held-out blocks ({@code NaN}
   * where no rank measured the domain).
   */
  public static Observation.HeldOutLoss heldOut(Collective c, BlockLosses shard, int domains) {
    return new Observation.HeldOutLoss(shard.step(), gather(c, shard).trainingLoss(domains)
        .loss());
  }

  /** Rank 0's alignment on every rank; null if rank 0 measured none. */
  public static Observation.GradientAlignment alignment(Collective c,
      Observation.GradientAlignment mine) {
    byte[] bytes = new byte[0];
    if (c.rank() == 0 && mine != null) {
      int m = mine.scores().size();
      ByteBuffer b = ByteBuffer.allocate(8 * (3 + 2 * m + mine.gram().size()));
      b.putLong(mine.step()).putDouble(mine.targetNorm()).putLong(m);
      for (int i = 0; i < m; i++) {
        b.putDouble(mine.scores().get(i)).putDouble(mine.probeNorms().get(i));
      }
      for (int i = 0; i < mine.gram().size(); i++) {
        b.putDouble(mine.gram().get(i));
      }
      bytes = b.array();
    }
    byte[] root = c.broadcast(bytes, 0);
    if (root.length == 0) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(root);
    long step = b.getLong();
    double targetNorm = b.getDouble();
    int m = (int) b.getLong();
    double[] scores = new double[m];
    double[] norms = new double[m];
    for (int i = 0; i < m; i++) {
      scores[i] = b.getDouble();
      norms[i] = b.getDouble();
    }
    double[] gram = new double[b.remaining() / 8];
    for (int i = 0; i < gram.length; i++) {
      gram[i] = b.getDouble();
    }
    return new Observation.GradientAlignment(step, DoubleVector.of(scores),
        DoubleVector.of(norms), targetNorm, DoubleVector.of(gram));
  }

  private interface IntAt {
    int at(int i);
  }

  private interface LongAt {
    long at(int i);
  }

  private interface FloatAt {
    float at(int i);
  }

  /** One rank's entries: {@code (domain, block, first, second)} each, 20 bytes. */
  private static byte[] encode(long step, int n, IntAt domain, LongAt block, FloatAt first,
      FloatAt second) {
    ByteBuffer b = ByteBuffer.allocate(20 * n);
    for (int i = 0; i < n; i++) {
      b.putInt(domain.at(i)).putLong(block.at(i)).putFloat(first.at(i)).putFloat(second.at(i));
    }
    return b.array();
  }

  private static Decoded decode(List<byte[]> parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length / 20;
    }
    Decoded d = new Decoded(n);
    int i = 0;
    for (byte[] p : parts) {
      ByteBuffer b = ByteBuffer.wrap(p);
      while (b.hasRemaining()) {
        d.domains[i] = b.getInt();
        d.blocks[i] = b.getLong();
        d.first[i] = b.getFloat();
        d.second[i] = b.getFloat();
        i++;
      }
    }
    return d;
  }

  private static final class Decoded {
    final int size;
    final int[] domains;
    final long[] blocks;
    final float[] first;
    final float[] second;

    Decoded(int n) {
      size = n;
      domains = new int[n];
      blocks = new long[n];
      first = new float[n];
      second = new float[n];
    }
  }
}
