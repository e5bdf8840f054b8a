package dev.datamix.sampler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.random.Seeds;

/**
 * The weights a {@link MixtureSampler} draws domains from, and the blocks they asked for: {@link
 * FlatWeights} (one alias table rebuilt whole on a change) or {@link GroupedWeights} (groups
 * rebuilt where weights changed).
 */
interface WeightsInForce {
  /** A domain drawn from 64 random bits. */
  int sample(long bits);

  /**
   * Draws {@code n} domains into {@code out}, the {@code i}-th from the bits {@code
   * mix64(stepKey + (first + i)·φ)}: each what {@link #sample} gives for its bits.
   */
  default void sampleRun(long stepKey, long first, int n, int[] out) {
    for (int i = 0; i < n; i++) {
      out[i] = sample(Seeds.mix64(stepKey + (first + i) * Seeds.GOLDEN_GAMMA));
    }
  }

  /** {@code n} more draws under the weights in force. */
  void drew(long n);

  /** Blocks the requests asked of domain {@code d} so far. */
  double blocksRequested(int d);

  /** Domain {@code d}'s requested share of the weights in force. */
  double requestedShare(int d);

  /** Domain {@code d} reached its repetition cap: its weight goes to the others. */
  void exhaust(int d);

  /** Writes the requested-block counters into a sampler snapshot. */
  void writeTo(ObjectNode snapshot);
}
