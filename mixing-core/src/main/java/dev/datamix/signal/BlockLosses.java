package dev.datamix.signal;

import java.util.Arrays;

/**
 * Per-block mean training loss of every block in step {@code step}'s batch, tagged with
 * {@code (domain, block)}: the vector the trainer already computes for its mean loss. Immutable.
 */
public final class BlockLosses implements Observation {
  private final long step;
  private final int[] domains;
  private final long[] blocks;
  private final float[] losses;

  private BlockLosses(long step, int[] domains, long[] blocks, float[] losses) {
    this.step = step;
    this.domains = domains;
    this.blocks = blocks;
    this.losses = losses;
  }

  /**
   * Copies the first {@code size} entries of the arrays.
   *
   * @param step training step
   * @param domains domain index of each block
   * @param blocks block index of each block within its domain
   * @param losses mean per-token cross-entropy (nats) of each block; {@code NaN} = not measured
   * @param size number of blocks
   */
  public static BlockLosses of(long step, int[] domains, long[] blocks, float[] losses, int size) {
    Observation.checkStep(step);
    if (size < 0 || size > domains.length || size > blocks.length || size > losses.length) {
      throw new IllegalArgumentException("size must be in [0, array lengths ("
          + domains.length + ", " + blocks.length + ", " + losses.length + ")], got " + size);
    }
    for (int i = 0; i < size; i++) {
      float v = losses[i];
      if (!Float.isNaN(v) && !(v >= 0 && v < Float.POSITIVE_INFINITY)) {
        throw new IllegalArgumentException(
            "losses[" + i + "] must be NaN (not measured) or finite and >= 0, got " + v);
      }
      if (domains[i] < 0 || blocks[i] < 0) {
        throw new IllegalArgumentException("block reference " + i + " must be non-negative, got ("
            + domains[i] + ", " + blocks[i] + ")");
      }
    }
    return new BlockLosses(step, Arrays.copyOf(domains, size), Arrays.copyOf(blocks, size),
        Arrays.copyOf(losses, size));
  }

  @Override
  public long step() {
    return step;
  }

  @Override
  public SignalKind kind() {
    return SignalKind.BLOCK_LOSSES;
  }

  /** Number of blocks. */
  public int size() {
    return losses.length;
  }

  /** Domain index of entry {@code i}. */
  public int domain(int i) {
    return domains[i];
  }

  /** Block index within its domain of entry {@code i}. */
  public long block(int i) {
    return blocks[i];
  }

  /** Mean per-token loss of entry {@code i} (nats). */
  public float loss(int i) {
    return losses[i];
  }

  /**
   * The per-domain view of these losses, the {@link SignalKind#TRAINING_LOSS} signal: each
   * domain's mean over its blocks in the batch ({@code NaN} for a domain with none), and the
   * block counts.
   *
   * @param domainCount the number of domains
   */
  public Observation.TrainingLoss trainingLoss(int domainCount) {
    double[] sum = new double[domainCount];
    double[] count = new double[domainCount];
    for (int i = 0; i < domains.length; i++) {
      sum[domains[i]] += losses[i];
      count[domains[i]]++;
    }
    double[] mean = new double[domainCount];
    for (int d = 0; d < domainCount; d++) {
      mean[d] = count[d] > 0 ? sum[d] / count[d] : Double.NaN;
    }
    return new Observation.TrainingLoss(step, DoubleVector.of(mean), DoubleVector.of(count));
  }

  @Override
  public boolean equals(Object o) {
    return this == o
        || (o instanceof BlockLosses b && step == b.step && Arrays.equals(domains, b.domains)
            && Arrays.equals(blocks, b.blocks) && Arrays.equals(losses, b.losses));
  }

  @Override
  public int hashCode() {
    return Long.hashCode(step) * 31 + Arrays.hashCode(losses);
  }

  @Override
  public String toString() {
    return "BlockLosses{step=" + step + ", size=" + losses.length + "}";
  }
}
