package dev.datamix.djl.adapter;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import dev.datamix.djl.model.LanguageModelLoss;

/**
 * Next-token cross-entropy weighted per row by the policy's {@link
 * dev.datamix.mixture.LossWeights} (DoReMi's proxy: {@code α/p}, Xie et al., NeurIPS 2023, arXiv
 * 2305.10429), for DJL's {@code Trainer} fed by a {@link MixtureBatchSampler}: each row's mean
 * loss times its weight, averaged over the rows. Without weights it is {@link
 * dev.datamix.djl.model.NextTokenLoss}.
 *
 * <p>DJL evaluates the loss once per device on that device's contiguous slice of the batch, in
 * device order; this loss keeps its place in the batch across those calls and starts again when
 * the sampler draws the next batch. Each device's loss is the weighted mean over its own rows,
 * as DJL's own losses are means per device. Use it without prefetching, as the sampler requires.
 */
public final class WeightedNextTokenLoss extends Loss {
  private final MixtureBatchSampler sampler;
  private long batch = -1;
  private int offset;

  /** A loss named {@code "weighted-next-token"} reading {@code sampler}'s weights. */
  public WeightedNextTokenLoss(MixtureBatchSampler sampler) {
    super("weighted-next-token");
    this.sampler = sampler;
  }

  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    NDArray perBlock = LanguageModelLoss.perBlock(predictions.singletonOrThrow(),
        labels.singletonOrThrow());
    float[] weights = sampler.lastRowWeights();
    if (weights == null) {
      return perBlock.mean();
    }
    if (sampler.drawnBatches() != batch) {
      batch = sampler.drawnBatches();
      offset = 0;
    }
    int rows = (int) perBlock.getShape().get(0);
    if (offset + rows > weights.length) {
      throw new IllegalStateException("the loss saw " + (offset + rows) + " rows of a batch of "
          + weights.length + ": use the sampler's batches without prefetching");
    }
    float[] slice = java.util.Arrays.copyOfRange(weights, offset, offset + rows);
    offset += rows;
    NDArray w = perBlock.getManager().create(slice).toDevice(perBlock.getDevice(), false);
    return perBlock.mul(w).mean();
  }
}
