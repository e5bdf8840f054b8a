package dev.datamix.sampler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.random.Seeds;

/**
 * The weights a {@link MixtureSampler} draws domains from, and the blocks they asked for: {@link
 * FlatWeights} (one alias table rebuilt whole on a change) or {@link GroupedWeights} (groups
 * rebuilt where weights changed).
 */
interface WeightsInForce {
  /** The random bits of draw {@code j} of the step whose key is {@code stepKey}. */
  static long drawBits(long stepKey, long j) {
    return Seeds.mix64(stepKey + j * Seeds.GOLDEN_GAMMA);
  }

  /**
   * Puts a mixture in force.
   *
   * @return whether the effective weights changed
   * @throws IllegalArgumentException for a mixture over other domains
   */
  boolean use(dev.datamix.mixture.Mixture mixture);

  /**
   * The mixture in force after removing exhausted domains, or null where there is none yet:
   * before any weights are put in force, and for the flat weights after a restore until the next.
   */
  dev.datamix.mixture.Mixture effective();

  /** A domain drawn from 64 random bits. */
  int sample(long bits);

  /**
   * Draws {@code n} domains into {@code out}, the {@code i}-th from {@link #drawBits
   * drawBits(stepKey, first + i)}: each what {@link #sample} gives for its bits.
   */
  default void sampleRun(long stepKey, long first, int n, int[] out) {
    for (int i = 0; i < n; i++) {
      out[i] = sample(drawBits(stepKey, first + i));
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
