package dev.datamix.djl.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.datamix.djl.model.GptModel;
import dev.datamix.djl.model.LanguageModelLoss;

/** Runs the model on rows of {@code blockLength + 1} tokens: inputs and shifted targets. */
final class ModelBatch {
  private ModelBatch() {}

  /**
   * The per-block losses {@code (rows)} of {@code rows} rows of {@code tokens} (row length {@code
   * rowLength}) starting at row {@code first}, on {@code device}.
   */
  static NDArray perBlockLoss(GptModel model, ParameterStore ps, NDManager manager,
      Device device, int[] tokens, int first, int rows, int rowLength, boolean training) {
    return perTokenLoss(model, ps, manager, device, tokens, first, rows, rowLength, training)
        .mean(new int[] {1});
  }

  /** The per-token losses {@code (rows, rowLength − 1)} of the same rows. */
  static NDArray perTokenLoss(GptModel model, ParameterStore ps, NDManager manager,
      Device device, int[] tokens, int first, int rows, int rowLength, boolean training) {
    int[] slice = new int[rows * rowLength];
    System.arraycopy(tokens, first * rowLength, slice, 0, slice.length);
    NDArray all = manager.create(slice, new Shape(rows, rowLength)).toDevice(device, false);
    NDArray inputs = all.get(new NDIndex(":, :{}", rowLength - 1));
    NDArray targets = all.get(new NDIndex(":, 1:"));
    NDArray logits = model.forward(ps, new NDList(inputs), training).head();
    return LanguageModelLoss.perToken(logits, targets);
  }
}
