package dev.datamix.distributed;

import java.util.List;

/**
 * The collective operations data-parallel ranks need to keep one policy state: every rank calls
 * the same operations in the same order, and each call returns the same result on every rank.
 * Implementations: {@link #single()} (one process), {@link ThreadCollective} (threads of one
 * JVM: the tests' simulated ranks, and several devices driven from one process). A trainer that
 * brings its own communication (NCCL or Gloo through PyTorch's {@code torch.distributed}, MPI,
 * DJL's own process groups) implements these five methods over it; nothing else in datamix
 * talks to other ranks.
 *
 * <p>Calls are blocking and not thread-safe per instance: one thread per rank drives its
 * collective. What datamix exchanges per step is small: the {@code (domain, block, loss)} triples
 * of the global batch (B entries), a few hundred held-out losses, a probe's scores.
 */
public interface Collective {

  /** This process's rank, in {@code [0, worldSize())}. */
  int rank();

  /** The number of ranks, {@code >= 1}. */
  int worldSize();

  /**
   * The element-wise sum of every rank's {@code values} (same length on every rank), in rank
   * order: {@code ((v_0 + v_1) + v_2) + ...}, so every rank gets the same bits.
   */
  double[] allReduceSum(double[] values);

  /** Every rank's {@code bytes}, in rank order. */
  List<byte[]> allGather(byte[] bytes);

  /** Rank {@code root}'s {@code bytes} on every rank (the others' arguments are ignored). */
  byte[] broadcast(byte[] bytes, int root);

  /** The collective of a single process: rank 0 of 1, every operation the identity. */
  static Collective single() {
    return SingleProcess.INSTANCE;
  }

  /** {@link Collective#single()}. */
  final class SingleProcess implements Collective {
    static final SingleProcess INSTANCE = new SingleProcess();

    private SingleProcess() {}

    @Override
    public int rank() {
      return 0;
    }

    @Override
    public int worldSize() {
      return 1;
    }

    @Override
    public double[] allReduceSum(double[] values) {
      return values.clone();
    }

    @Override
    public List<byte[]> allGather(byte[] bytes) {
      return List.of(bytes.clone());
    }

    @Override
    public byte[] broadcast(byte[] bytes, int root) {
      if (root != 0) {
        throw new IllegalArgumentException("root must be 0 in a single process, got " + root);
      }
      return bytes.clone();
    }
  }
}
