package dev.datamix.mixture;

import java.util.Arrays;
import java.util.List;

/**
 * Per-domain weights on the training loss, beside the sampling mixture: the batch's loss is
 * {@code Σ_b u_{d(b)}·ℓ_b / Σ_b u_{d(b)}} over its blocks {@code b} instead of their plain mean.
 * DoReMi's proxy trains this way on batches drawn from the reference weights, with {@code u_i =
 * α_i / p_i} (Xie et al., NeurIPS 2023, arXiv 2305.10429, §2; {@code doremi/trainer.py} lines
 * 343–363). Self-normalised, so only the ratios between domains matter. Immutable.
 */
public final class LossWeights {
  private static final LossWeights NONE = new LossWeights(null, null);

  private final List<String> names;
  private final double[] weights;

  private LossWeights(List<String> names, double[] weights) {
    this.names = names;
    this.weights = weights;
  }

  /** The plain mean: every block counts the same. */
  public static LossWeights none() {
    return NONE;
  }

  /**
   * Weights per domain.
   *
   * @throws IllegalArgumentException if a weight is negative or not finite, or all are 0, naming
   *     the domain and value
   */
  public static LossWeights of(List<String> names, double[] weights) {
    if (names.size() != weights.length) {
      throw new IllegalArgumentException("loss weights need one weight per domain ("
          + names.size() + "), got " + weights.length);
    }
    boolean positive = false;
    for (int i = 0; i < weights.length; i++) {
      if (!(weights[i] >= 0) || Double.isInfinite(weights[i])) {
        throw new IllegalArgumentException("loss weight of domain '" + names.get(i)
            + "' must be finite and >= 0, got " + weights[i]);
      }
      positive |= weights[i] > 0;
    }
    if (!positive) {
      throw new IllegalArgumentException("loss weights must not all be 0, got "
          + Arrays.toString(weights) + " for " + names);
    }
    return new LossWeights(List.copyOf(names), weights.clone());
  }

  /** Whether these are the plain mean. */
  public boolean isNone() {
    return weights == null;
  }

  /** The weight of domain {@code i} (1 for {@link #none()}). */
  public double weight(int i) {
    return weights == null ? 1.0 : weights[i];
  }

  /** The domain names, or an empty list for {@link #none()}. */
  public List<String> names() {
    return names == null ? List.of() : names;
  }

  /**
   * The weight of each of a batch's {@code n} blocks, scaled so that they sum to {@code n}: the
   * batch's loss is then {@code Σ_b out[b]·ℓ_b / n}. Blocks whose domains all weigh 0 get 0
   * (the batch then trains nothing, as the reference's clipped normaliser does).
   *
   * @param domains each block's domain index
   * @param n the number of blocks
   * @param out receives the weights, length {@code >= n}
   */
  public void perBlock(int[] domains, int n, float[] out) {
    if (weights == null) {
      Arrays.fill(out, 0, n, 1f);
      return;
    }
    double sum = 0;
    for (int b = 0; b < n; b++) {
      sum += weights[domains[b]];
    }
    for (int b = 0; b < n; b++) {
      out[b] = sum > 0 ? (float) (weights[domains[b]] * n / sum) : 0f;
    }
  }

  @Override
  public boolean equals(Object o) {
    return this == o || (o instanceof LossWeights w && java.util.Objects.equals(names, w.names)
        && Arrays.equals(weights, w.weights));
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(weights);
  }

  @Override
  public String toString() {
    return weights == null ? "LossWeights{none}" : "LossWeights" + names + Arrays.toString(weights);
  }
}
