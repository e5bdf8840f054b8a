package dev.datamix.djl.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * Writes values into an existing tensor's own memory.
 *
 * <p>Not {@code NDArray.set(float[])}: DJL's PyTorch engine then rebinds the tensor to a Java
 * direct buffer ({@code Tensor::set_} on a blob), which sits wherever Java's allocator put it, and
 * MKL's matrix kernels choose code paths, and last bits, by alignment. A restored run would then
 * differ from an uninterrupted one in the last bit of some gradients, depending on where the
 * buffer landed in that process. An in-place copy keeps PyTorch's allocation, aligned the same
 * way in every process.
 */
final class TensorCopy {
  private TensorCopy() {}

  /** Copies {@code values} into {@code target}, whose size they must match. */
  static void into(NDArray target, float[] values) {
    if (values.length != target.getShape().size()) {
      throw new IllegalArgumentException("cannot copy " + values.length + " values into a tensor "
          + "of shape " + target.getShape());
    }
    try (NDManager scratch = target.getManager().newSubManager(target.getDevice())) {
      target.set(new NDIndex(":"), scratch.create(values, target.getShape()));
    }
  }
}
