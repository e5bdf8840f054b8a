package dev.datamix.djl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * Mean next-token cross-entropy for DJL's {@code Trainer}: predictions {@code (batch, time,
 * vocab)} logits, labels {@code (batch, time)} token ids. (DJL's {@code SoftmaxCrossEntropyLoss}
 * with sparse labels fails on 3-D predictions with the PyTorch engine.)
 */
public final class NextTokenLoss extends Loss {
  /** A loss named {@code "next-token"}. */
  public NextTokenLoss() {
    super("next-token");
  }

  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    return LanguageModelLoss.perBlock(predictions.singletonOrThrow(), labels.singletonOrThrow())
        .mean();
  }
}
