package dev.datamix.signal;

import dev.datamix.mixture.Mixture;
import java.util.List;

/**
 * Measures what a policy asks for: one method per source of signals. The DJL trainer, the DJL
 * listener adapter and the simulated learner implement it, and {@link
 * dev.datamix.run.DataMixer#measureBeforeStep} and {@link dev.datamix.run.DataMixer#observeAfterStep}
 * call it in the order {@link dev.datamix.policy.MixingPolicy} prescribes, so that no trainer
 * answers a {@link SignalRequest} by hand. A new signal kind adds one method here, and the
 * compiler then names every meter that lacks it.
 *
 * <p>The signals of the training batch, {@link SignalKind#TRAINING_LOSS} and {@link
 * SignalKind#BLOCK_LOSSES}, both come from {@link #batchLosses}: the per-domain means are
 * computed from the per-block losses in one place, {@link BlockLosses#trainingLoss(int)}.
 */
public interface SignalMeter {

  /**
   * {@link SignalKind#HELD_OUT_LOSS}: each domain's mean loss on fixed held-out blocks, on the
   * parameters before step {@code step}'s update; {@code NaN} for a domain not measured.
   */
  Observation.HeldOutLoss heldOutLoss(long step);

  /**
   * {@link SignalKind#HELD_OUT_LOSS} for data-parallel rank {@code rank} of {@code worldSize}:
   * the per-block losses of this rank's shard of the fixed held-out blocks, tagged {@code
   * (domain, index among the domain's held-out blocks)}, which {@link
   * dev.datamix.distributed.RankedSignals#heldOut} gathers and averages over all ranks. A meter
   * of a single process need not implement it.
   *
   * @throws UnsupportedOperationException if this meter cannot measure a shard
   */
  default BlockLosses heldOutShard(long step, int rank, int worldSize) {
    throw new UnsupportedOperationException(getClass().getName() + " measures the held-out "
        + "loss of a single process only; data-parallel ranks need heldOutShard");
  }

  /**
   * {@link SignalKind#GRADIENT_ALIGNMENT}: the alignment of each probe distribution's gradient
   * with the target's, before step {@code step}'s update; null when a probe was not finite (the
   * policy is then told nothing).
   */
  Observation.GradientAlignment gradientAlignment(long step, List<Mixture> probes,
      boolean fullGram);

  /** The per-block losses of step {@code step}'s training batch, tagged (domain, block). */
  BlockLosses batchLosses(long step);

  /**
   * {@link SignalKind#REFERENCE_LOSS}: a frozen reference model's loss on every block of step
   * {@code step}'s training batch, with the trained model's positive excess over it; null when
   * nothing finite was measured (the policy is then told nothing).
   */
  ReferenceLosses referenceLosses(long step);

  /**
   * A meter of a training batch only, for loops that measure nothing before a step (the DJL
   * listener adapter): the other signals are refused naming the policy's request.
   */
  static SignalMeter ofBatch(BlockLosses losses) {
    return ofBatch(losses, null);
  }

  /**
   * A meter of a training batch whose reference losses come from a precomputed table (or are
   * refused, if {@code table} is null).
   */
  static SignalMeter ofBatch(BlockLosses losses, ReferenceLossTable table) {
    return new SignalMeter() {
      @Override
      public ReferenceLosses referenceLosses(long step) {
        if (table == null) {
          throw new IllegalStateException("reference losses of step " + step + " are not "
              + "measured by this loop: give it a ReferenceLossTable");
        }
        return table.lookup(losses);
      }

      @Override
      public Observation.HeldOutLoss heldOutLoss(long step) {
        throw new IllegalStateException("held-out loss of step " + step + " is not measured "
            + "by this loop");
      }

      @Override
      public Observation.GradientAlignment gradientAlignment(long step, List<Mixture> probes,
          boolean fullGram) {
        throw new IllegalStateException("gradient alignment of step " + step + " is not "
            + "measured by this loop");
      }

      @Override
      public BlockLosses batchLosses(long step) {
        return losses;
      }
    };
  }
}
