package dev.datamix.distributed;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The ranks of a {@link Collective} as threads of one JVM: {@link #group(int)} makes {@code W}
 * collectives, one per thread, that meet at a barrier per operation. For tests that simulate
 * data-parallel ranks, and for a trainer driving several devices from one process. A rank that
 * does not arrive within the timeout breaks the group: every rank's call fails, naming the
 * operation, instead of hanging.
 */
public final class ThreadCollective implements Collective {
  private final Group group;
  private final int rank;

  private ThreadCollective(Group group, int rank) {
    this.group = group;
    this.rank = rank;
  }

  /**
   * {@code worldSize} collectives sharing one group; rank {@code r} is element {@code r}.
   *
   * @throws IllegalArgumentException if {@code worldSize < 1}
   */
  public static List<ThreadCollective> group(int worldSize) {
    return group(worldSize, 60_000);
  }

  /** As {@link #group(int)}, with each rank waiting at most {@code timeoutMillis} per call. */
  public static List<ThreadCollective> group(int worldSize, long timeoutMillis) {
    if (worldSize < 1) {
      throw new IllegalArgumentException("worldSize must be >= 1, got " + worldSize);
    }
    Group g = new Group(worldSize, timeoutMillis);
    List<ThreadCollective> out = new ArrayList<>();
    for (int r = 0; r < worldSize; r++) {
      out.add(new ThreadCollective(g, r));
    }
    return out;
  }

  @Override
  public int rank() {
    return rank;
  }

  @Override
  public int worldSize() {
    return group.slots.length;
  }

  @Override
  public double[] allReduceSum(double[] values) {
    Object[] all = group.exchange(rank, values.clone(), "allReduceSum");
    double[] sum = ((double[]) all[0]).clone();
    for (int r = 1; r < all.length; r++) {
      double[] v = (double[]) all[r];
      if (v.length != sum.length) {
        throw new IllegalArgumentException("allReduceSum: rank " + r + " gave " + v.length
            + " values, rank 0 gave " + sum.length);
      }
      for (int i = 0; i < sum.length; i++) {
        sum[i] += v[i];
      }
    }
    return sum;
  }

  @Override
  public List<byte[]> allGather(byte[] bytes) {
    Object[] all = group.exchange(rank, bytes.clone(), "allGather");
    List<byte[]> out = new ArrayList<>();
    for (Object o : all) {
      out.add(((byte[]) o).clone());
    }
    return out;
  }

  @Override
  public byte[] broadcast(byte[] bytes, int root) {
    if (root < 0 || root >= worldSize()) {
      throw new IllegalArgumentException("root must be in [0, " + worldSize() + "), got " + root);
    }
    Object[] all = group.exchange(rank, rank == root ? bytes.clone() : null, "broadcast");
    return ((byte[]) all[root]).clone();
  }

  /** The slots the ranks fill, and the two barriers that fence one exchange. */
  private static final class Group {
    final Object[] slots;
    final CyclicBarrier filled;
    final CyclicBarrier read;
    final long timeoutMillis;

    Group(int worldSize, long timeoutMillis) {
      slots = new Object[worldSize];
      filled = new CyclicBarrier(worldSize);
      read = new CyclicBarrier(worldSize);
      this.timeoutMillis = timeoutMillis;
    }

    /** Puts {@code mine} in the rank's slot; returns every rank's, in rank order. */
    Object[] exchange(int rank, Object mine, String operation) {
      slots[rank] = mine;
      await(filled, operation);
      Object[] all = slots.clone();
      await(read, operation); // nobody overwrites a slot before every rank has read them all
      return all;
    }

    private void await(CyclicBarrier barrier, String operation) {
      try {
        barrier.await(timeoutMillis, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(operation + " was interrupted", e);
      } catch (BrokenBarrierException | TimeoutException e) {
        throw new IllegalStateException(operation + ": a rank did not arrive within "
            + timeoutMillis + " ms, or another rank failed; the group is broken", e);
      }
    }
  }
}
