package dev.datamix.djl.adapter;

import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import dev.datamix.mixture.LossWeights;
import dev.datamix.run.DataMixer;
import dev.datamix.sampler.BlockBatch;
import dev.datamix.signal.SignalKind;
import dev.datamix.signal.SignalRequest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A DJL {@link Sampler} whose batches a {@link DataMixer} draws: batch {@code t} is drawn only when
 * DJL asks for it, from the policy's mixture at step {@code t}, deterministically and resumably
 * (DJL's own {@code RandomSampler} uses a global generator and cannot resume).
 *
 * <p>Use DJL's data loading without an executor (no prefetch): a prefetching loader would ask for
 * batch {@code t + 2} before step {@code t}'s losses reach the policy. When the policy wants
 * training signals for step {@code t}, asking for batch {@code t + 1} before {@link
 * MixingTrainingListener} reported step {@code t} fails with an error that says so.
 */
public final class MixtureBatchSampler implements Sampler {
  private final DataMixer mixer;
  private final BlockIndex index;
  private final int batchSize;
  private final long endStep;
  private long nextStep;
  private long lastReported = -1;
  private SignalRequest pending = SignalRequest.none();
  private float[] rowWeights;
  private long drawnBatches;

  /**
   * @param mixer the policy and sampler (restore it first to resume)
   * @param index the dataset's flat indexing
   * @param batchSize blocks per batch
   * @param startStep the first step to draw (0, or the step after a restored checkpoint)
   * @param endStep one past the last step
   */
  public MixtureBatchSampler(DataMixer mixer, BlockIndex index, int batchSize, long startStep,
      long endStep) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batchSize must be > 0, got " + batchSize);
    }
    this.mixer = mixer;
    this.index = index;
    this.batchSize = batchSize;
    this.nextStep = startStep;
    this.endStep = endStep;
    this.lastReported = startStep - 1;
  }

  /** The signals the policy asked for at the last drawn step. */
  public SignalRequest pendingRequest() {
    return pending;
  }

  /**
   * The policy's loss weight of each row of the batch drawn last, in row order, scaled to sum to
   * the batch size; null when the policy weights nothing ({@link WeightedNextTokenLoss} reads it).
   */
  float[] lastRowWeights() {
    return rowWeights == null ? null : rowWeights.clone();
  }

  /** How many batches were drawn: tells {@link WeightedNextTokenLoss} a new batch began. */
  long drawnBatches() {
    return drawnBatches;
  }

  /** The next step to draw. */
  public long nextStep() {
    return nextStep;
  }

  void reported(long step) {
    lastReported = Math.max(lastReported, step);
  }

  @Override
  public Iterator<List<Long>> sample(RandomAccessDataset dataset) {
    if (dataset.size() != index.size()) {
      throw new IllegalArgumentException("dataset size " + dataset.size()
          + " must equal the block index size " + index.size() + " (use its CorpusDataset)");
    }
    BlockBatch batch = new BlockBatch(batchSize);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return nextStep < endStep;
      }

      @Override
      public List<Long> next() {
        if (!hasNext()) {
          throw new NoSuchElementException("all " + endStep + " steps were drawn");
        }
        long t = nextStep;
        boolean needsReport = pending.kinds().stream()
            .anyMatch(k -> k.timing() == SignalKind.Timing.AFTER_STEP);
        if (needsReport && lastReported < t - 1) {
          throw new IllegalStateException("batch " + t + " requested before the losses of step "
              + (t - 1) + " were reported: disable prefetching (no executor in DJL's data "
              + "loading) and register MixingTrainingListener");
        }
        pending = mixer.signalsFor(t);
        mixer.drawBatch(t, batchSize, batch);
        LossWeights w = mixer.lossWeights(t);
        float[] rows = new float[batch.size()];
        w.perBlock(batch.domains(), batch.size(), rows);
        rowWeights = w.isNone() ? null : rows;
        drawnBatches++;
        List<Long> out = new ArrayList<>(batchSize);
        for (int i = 0; i < batch.size(); i++) {
          out.add(index.flat(batch.domain(i), batch.block(i)));
        }
        nextStep = t + 1;
        return out;
      }
    };
  }

  @Override
  public int getBatchSize() {
    return batchSize;
  }
}
