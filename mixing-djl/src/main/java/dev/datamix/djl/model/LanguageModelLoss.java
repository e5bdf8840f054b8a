package dev.datamix.djl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Next-token cross-entropy, kept per block so the trainer can report it per domain and block. */
public final class LanguageModelLoss {
  private LanguageModelLoss() {}

  /**
   * Per-token cross-entropy in nats.
   *
   * @param logits {@code (batch, time, vocab)}
   * @param targets {@code (batch, time)} token ids
   * @return {@code (batch, time)}
   */
  public static NDArray perToken(NDArray logits, NDArray targets) {
    NDArray ids = targets.getDataType() == DataType.INT64 ? targets
        : targets.toType(DataType.INT64, false);
    return logits.logSoftmax(-1).gather(ids.expandDims(-1), -1).squeeze(-1).neg();
  }

  /**
   * Mean per-token cross-entropy of each block (row), in nats.
   *
   * @return {@code (batch)}
   */
  public static NDArray perBlock(NDArray logits, NDArray targets) {
    return perToken(logits, targets).mean(new int[] {1});
  }
}
