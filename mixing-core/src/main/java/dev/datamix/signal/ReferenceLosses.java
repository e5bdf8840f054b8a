package dev.datamix.signal;

import java.util.Arrays;

/**
 * A frozen reference model's mean per-token loss on every block of step {@code step}'s batch, and
 * the trained model's mean positive excess over it, tagged {@code (domain, block)} like {@link
 * BlockLosses}. Immutable.
 *
 * <p>The excess of a block is {@code mean over its tokens of max(ℓ − ℓ_ref, 0)} when measured on
 * the fly ({@link #tokenLevel()}: both models' per-token losses are at hand), and {@code max(ℓ̄ −
 * ℓ̄_ref, 0)} of the block means when the reference loss comes from a precomputed per-block
 * {@link ReferenceLossTable} (4 bytes a block cannot hold per-token losses). With blocks of equal
 * length, a domain's mean of the token-level excess over its blocks is DoReMi's per-domain excess
 * loss exactly (Xie et al., NeurIPS 2023, arXiv 2305.10429, §2; {@code doremi/trainer.py} line
 * 252 clips each token).
 */
public final class ReferenceLosses implements Observation {
  private final long step;
  private final int[] domains;
  private final long[] blocks;
  private final float[] reference;
  private final float[] excess;
  private final boolean tokenLevel;

  private ReferenceLosses(long step, int[] domains, long[] blocks, float[] reference,
      float[] excess, boolean tokenLevel) {
    this.step = step;
    this.domains = domains;
    this.blocks = blocks;
    this.reference = reference;
    this.excess = excess;
    this.tokenLevel = tokenLevel;
  }

  /**
   * Copies the first {@code size} entries of the arrays.
   *
   * @param step training step
   * @param domains domain index of each block
   * @param blocks block index of each block within its domain
   * @param reference the reference model's mean per-token loss (nats) of each block; {@code NaN}
   *     = not measured
   * @param excess each block's mean positive excess loss (nats), {@code >= 0}; {@code NaN} = not
   *     measured
   * @param size number of blocks
   * @param tokenLevel whether the excess was clipped per token (true) or per block
   */
  public static ReferenceLosses of(long step, int[] domains, long[] blocks, float[] reference,
      float[] excess, int size, boolean tokenLevel) {
    Observation.checkStep(step);
    if (size < 0 || size > domains.length || size > blocks.length || size > reference.length
        || size > excess.length) {
      throw new IllegalArgumentException("size must be in [0, array lengths], got " + size);
    }
    for (int i = 0; i < size; i++) {
      checkLoss("reference", i, reference[i]);
      checkLoss("excess", i, excess[i]);
      if (domains[i] < 0 || blocks[i] < 0) {
        throw new IllegalArgumentException("block reference " + i + " must be non-negative, got ("
            + domains[i] + ", " + blocks[i] + ")");
      }
    }
    return new ReferenceLosses(step, Arrays.copyOf(domains, size), Arrays.copyOf(blocks, size),
        Arrays.copyOf(reference, size), Arrays.copyOf(excess, size), tokenLevel);
  }

  /**
   * The reference losses of {@code trained}'s blocks with each block's excess clipped per block:
   * {@code max(ℓ̄ − ℓ̄_ref, 0)} ({@code NaN} where either is not measured).
   */
  public static ReferenceLosses perBlock(BlockLosses trained, float[] reference) {
    int n = trained.size();
    if (reference.length < n) {
      throw new IllegalArgumentException("reference must have one loss per block (" + n
          + "), got " + reference.length);
    }
    int[] d = new int[n];
    long[] b = new long[n];
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      d[i] = trained.domain(i);
      b[i] = trained.block(i);
      x[i] = Math.max(trained.loss(i) - reference[i], 0f); // NaN if either is NaN
    }
    return of(trained.step(), d, b, reference, x, n, false);
  }

  private static void checkLoss(String parameter, int i, float v) {
    if (!Float.isNaN(v) && !(v >= 0 && v < Float.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(
          parameter + "[" + i + "] must be NaN (not measured) or finite and >= 0, got " + v);
    }
  }

  @Override
  public long step() {
    return step;
  }

  @Override
  public SignalKind kind() {
    return SignalKind.REFERENCE_LOSS;
  }

  /** Number of blocks. */
  public int size() {
    return reference.length;
  }

  /** Domain index of entry {@code i}. */
  public int domain(int i) {
    return domains[i];
  }

  /** Block index within its domain of entry {@code i}. */
  public long block(int i) {
    return blocks[i];
  }

  /** The reference model's mean per-token loss of entry {@code i} (nats). */
  public float reference(int i) {
    return reference[i];
  }

  /** The mean positive excess loss of entry {@code i} (nats). */
  public float excess(int i) {
    return excess[i];
  }

  /** Whether the excess was clipped per token (on the fly) rather than per block (a table). */
  public boolean tokenLevel() {
    return tokenLevel;
  }

  /**
   * Each domain's mean excess over its measured blocks in the batch, {@code NaN} for a domain
   * with none.
   */
  public double[] meanExcessPerDomain(int domainCount) {
    double[] sum = new double[domainCount];
    int[] count = new int[domainCount];
    for (int i = 0; i < excess.length; i++) {
      if (!Float.isNaN(excess[i])) {
        sum[domains[i]] += excess[i];
        count[domains[i]]++;
      }
    }
    double[] mean = new double[domainCount];
    for (int d = 0; d < domainCount; d++) {
      mean[d] = count[d] > 0 ? sum[d] / count[d] : Double.NaN;
    }
    return mean;
  }

  @Override
  public boolean equals(Object o) {
    return this == o
        || (o instanceof ReferenceLosses r && step == r.step && tokenLevel == r.tokenLevel
            && Arrays.equals(domains, r.domains) && Arrays.equals(blocks, r.blocks)
            && Arrays.equals(reference, r.reference) && Arrays.equals(excess, r.excess));
  }

  @Override
  public int hashCode() {
    return Long.hashCode(step) * 31 + Arrays.hashCode(excess);
  }

  @Override
  public String toString() {
    return "ReferenceLosses{step=" + step + ", size=" + reference.length + ", "
        + (tokenLevel ? "token" : "block") + "-level}";
  }
}
