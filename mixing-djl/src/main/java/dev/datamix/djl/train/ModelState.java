package dev.datamix.djl.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.datamix.djl.model.GptConfig;
import dev.datamix.djl.model.GptModel;
import dev.datamix.run.DataMixer;
import java.util.ArrayList;
import java.util.List;

/**
 * The numeric state a trainer owns: the GPT-style model and its copies on every device, and the
 * AdamW optimizer with its moments. It trains on a batch (forward and backward, data-parallel over
 * the devices), applies or discards the update, and moves parameters and moments in and out of
 * checkpoints.
 */
final class ModelState implements AutoCloseable {
  private final TrainingConfig config;
  private final Device[] devices;
  private final NDManager manager;
  private final GptModel model;
  private final ParameterStore ps;
  private AdamW optimizer;

  ModelState(GptConfig gpt, TrainingConfig config, Device[] devices) {
    this.config = config;
    this.devices = devices.clone();
    this.manager = NDManager.newBaseManager(devices[0]);
    this.model = new GptModel(gpt);
    model.initializeWeights(manager, config.seed());
    this.ps = new ParameterStore(manager, false);
    resetOptimizer();
  }

  GptModel model() {
    return model;
  }

  ParameterStore parameters() {
    return ps;
  }

  NDManager manager() {
    return manager;
  }

  Device[] devices() {
    return devices.clone();
  }

  /** A fresh AdamW: moments zero, update counter zero (a phase that resets the optimizer). */
  void resetOptimizer() {
    if (optimizer != null) {
      optimizer.close();
    }
    optimizer = new AdamW(model.orderedParameters(), config.beta1(), config.beta2(),
        config.eps(), config.weightDecay());
    ps.setParameterServer(optimizer, devices);
    // Create the device copies now, outside any NDScope, so they live as long as the trainer.
    for (Parameter p : model.orderedParameters()) {
      for (Device d : devices) {
        ps.getValue(p, d, true);
      }
    }
  }

  /**
   * Forward and backward over the {@code n} rows of {@code tokens}, split across the devices;
   * the gradients of the batch mean are collected. Returns each row's mean loss.
   */
  float[] forwardBackward(int[] tokens, int n, int rowLength) {
    return forwardBackward(tokens, n, rowLength, null, null);
  }

  /**
   * Forward and backward over the {@code n} rows of {@code tokens}, split across the devices;
   * the gradients of {@code Σ_b w_b·ℓ_b / n} are collected ({@code w} null: the plain mean).
   * Returns each row's mean loss; fills {@code perToken} (null: not wanted) with every row's
   * per-token losses, row after row.
   *
   * @param blockWeights each row's loss weight, scaled to sum to {@code n}, or null
   */
  float[] forwardBackward(int[] tokens, int n, int rowLength, float[] blockWeights,
      float[] perToken) {
    float[] perBlock = new float[n];
    int[] split = rowsPerReplica(n, devices.length);
    int t = rowLength - 1;
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      int from = 0;
      for (int k = 0; k < devices.length; k++) {
        int rows = split[k];
        if (rows == 0) {
          continue;
        }
        NDArray tokenLosses = ModelBatch.perTokenLoss(model, ps, manager, devices[k], tokens,
            from, rows, rowLength, true);
        NDArray losses = tokenLosses.mean(new int[] {1});
        // not div(Number): its scalar's memory can be freed by a GC before backward (GptModel);
        // made on device k, where the losses are
        NDArray blocks = manager.create((float) n).toDevice(devices[k], false);
        NDArray summed = losses;
        if (blockWeights != null) {
          float[] w = java.util.Arrays.copyOfRange(blockWeights, from, from + rows);
          summed = losses.mul(manager.create(w).toDevice(devices[k], false));
        }
        gc.backward(summed.sum().div(blocks));
        System.arraycopy(losses.toFloatArray(), 0, perBlock, from, rows);
        if (perToken != null) {
          System.arraycopy(tokenLosses.toFloatArray(), 0, perToken, from * t, rows * t);
        }
        from += rows;
      }
    }
    return perBlock;
  }

  /**
   * How {@code n} rows are split over {@code replicas} devices: contiguous, in device order,
   * exactly as data-parallel ranks slice a global batch ({@link DataMixer#sliceOf}), so several
   * devices in one process train the rows that as many ranks would draw. Per-block losses come
   * back in the same order, so they line up with the batch.
   */
  static int[] rowsPerReplica(int n, int replicas) {
    if (n < 0 || replicas <= 0) {
      throw new IllegalArgumentException("cannot split " + n + " rows over " + replicas
          + " devices");
    }
    int[] out = new int[replicas];
    for (int k = 0; k < replicas; k++) {
      int[] slice = DataMixer.sliceOf(n, k, replicas);
      out[k] = slice[1] - slice[0];
    }
    return out;
  }

  /**
   * Sums the devices' gradients, clips them to {@code gradClip} and applies AdamW at rate {@code
   * lr}; returns the global gradient norm before clipping.
   */
  double update(double lr) {
    ps.updateAllParameters();
    double norm = optimizer.globalGradNorm();
    double scale = config.gradClip() > 0 && norm > config.gradClip()
        ? config.gradClip() / norm : 1.0;
    optimizer.apply(lr, scale);
    return norm;
  }

  /** Drops the pending gradients (a non-finite loss): nothing changes. */
  void discardUpdate() {
    ps.updateAllParameters();
    optimizer.discard();
  }

  /** The tensors a checkpoint of this model holds, named and shaped, without values. */
  List<Checkpoint.Tensor> shapes(String... suffixes) {
    List<Checkpoint.Tensor> out = new ArrayList<>();
    for (Parameter p : model.orderedParameters()) {
      for (String suffix : suffixes) {
        out.add(new Checkpoint.Tensor(p.getName() + suffix, p.getArray().getShape().getShape(),
            null));
      }
    }
    return out;
  }

  /** The parameters, then the AdamW moments ({@code name.m}, {@code name.v} per parameter). */
  List<List<Checkpoint.Tensor>> export() {
    AdamW.State opt = optimizer.exportState();
    List<Checkpoint.Tensor> params = new ArrayList<>();
    List<Checkpoint.Tensor> moments = new ArrayList<>();
    List<Parameter> order = model.orderedParameters();
    for (int i = 0; i < order.size(); i++) {
      Parameter p = order.get(i);
      long[] shape = p.getArray().getShape().getShape();
      params.add(new Checkpoint.Tensor(p.getName(), shape, p.getArray().toFloatArray()));
      moments.add(new Checkpoint.Tensor(p.getName() + ".m", shape, opt.firstMoments().get(i)));
      moments.add(new Checkpoint.Tensor(p.getName() + ".v", shape, opt.secondMoments().get(i)));
    }
    return List.of(params, moments);
  }

  /** AdamW's update counter. */
  long optimizerUpdates() {
    return optimizer.updates();
  }

  /** Sets every parameter on every device; returns the copies, per parameter. */
  List<NDArray[]> setParameters(List<float[]> values) {
    List<NDArray[]> copies = new ArrayList<>();
    List<Parameter> order = model.orderedParameters();
    for (int i = 0; i < order.size(); i++) {
      NDArray[] perDevice = new NDArray[devices.length];
      for (int d = 0; d < devices.length; d++) {
        perDevice[d] = ps.getValue(order.get(i), devices[d], true);
        TensorCopy.into(perDevice[d], values.get(i));
      }
      copies.add(perDevice);
    }
    return copies;
  }

  /** Restores parameters and AdamW from a checkpoint's contents. */
  void restore(Checkpoint.Contents c) {
    List<float[]> values = new ArrayList<>();
    List<float[]> m = new ArrayList<>();
    List<float[]> v = new ArrayList<>();
    for (int i = 0; i < c.params().size(); i++) {
      values.add(c.params().get(i).values());
      m.add(c.moments().get(2 * i).values());
      v.add(c.moments().get(2 * i + 1).values());
    }
    optimizer.importState(new AdamW.State(c.optimizerUpdates(), m, v), setParameters(values));
  }

  @Override
  public void close() {
    try {
      optimizer.close();
    } finally {
      manager.close();
    }
  }
}
