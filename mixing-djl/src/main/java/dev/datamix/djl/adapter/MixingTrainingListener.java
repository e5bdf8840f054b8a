package dev.datamix.djl.adapter;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import dev.datamix.djl.model.LanguageModelLoss;
import dev.datamix.mixture.Domain;
import dev.datamix.run.DataMixer;
import dev.datamix.signal.BlockLosses;
import dev.datamix.signal.ReferenceLossTable;
import dev.datamix.signal.SignalMeter;
import dev.datamix.signal.SignalRequest;
import java.util.List;

/**
 * Feeds a DJL training loop's losses back to the policy: after every training batch it computes
 * the per-block next-token loss from the batch's predictions and labels, maps each row back to
 * its {@code (domain, block)} through the batch's indices (sliced per device, since DJL's {@code
 * Batch.split} hands every device the full index list), and sends the per-domain training loss
 * and the per-block losses the policy asked for. It counts steps itself (DJL's tracker update
 * count can advance once per device). Non-finite losses are never sent.
 */
public final class MixingTrainingListener extends TrainingListenerAdapter {
  private final DataMixer mixer;
  private final MixtureBatchSampler sampler;
  private final BlockIndex index;
  private final List<Domain> domains;
  private final ReferenceLossTable referenceTable;
  private long step;

  /**
   * @param startStep the step of the first batch (as given to the sampler)
   */
  public MixingTrainingListener(DataMixer mixer, MixtureBatchSampler sampler, BlockIndex index,
      long startStep) {
    this(mixer, sampler, index, startStep, null);
  }

  /**
   * @param startStep the step of the first batch (as given to the sampler)
   * @param referenceTable where a policy's reference losses are looked up (DoReMi's proxy), or
   *     null
   */
  public MixingTrainingListener(DataMixer mixer, MixtureBatchSampler sampler, BlockIndex index,
      long startStep, ReferenceLossTable referenceTable) {
    this.referenceTable = referenceTable;
    this.mixer = mixer;
    this.sampler = sampler;
    this.index = index;
    this.domains = mixer.policy().domains();
    this.step = startStep;
  }

  /** The step the next batch belongs to. */
  public long step() {
    return step;
  }

  @Override
  public void onTrainingBatch(Trainer trainer, BatchData batchData) {
    List<?> indices = batchData.getBatch().getIndices();
    int n = indices.size();
    float[] losses = new float[n];
    int from = 0;
    Device[] devices = trainer.getDevices();
    for (Device device : devices) {
      NDList pred = batchData.getPredictions().get(device);
      NDList labels = batchData.getLabels().get(device);
      if (pred == null) {
        continue;
      }
      NDArray perBlock = LanguageModelLoss.perBlock(pred.head(), labels.head());
      float[] v = perBlock.toFloatArray();
      System.arraycopy(v, 0, losses, from, v.length);
      from += v.length;
    }
    SignalRequest request = sampler.pendingRequest();
    int[] doms = new int[n];
    long[] blocks = new long[n];
    boolean finite = true;
    for (int i = 0; i < n; i++) {
      long flat = ((Number) indices.get(i)).longValue();
      doms[i] = index.domainOf(flat);
      blocks[i] = index.blockOf(flat);
      finite &= Float.isFinite(losses[i]);
    }
    if (finite) {
      mixer.observeAfterStep(step, request,
          SignalMeter.ofBatch(BlockLosses.of(step, doms, blocks, losses, n), referenceTable));
    }
    sampler.reported(step);
    step++;
  }
}
