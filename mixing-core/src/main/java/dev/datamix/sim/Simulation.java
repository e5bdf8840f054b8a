package dev.datamix.sim;

import dev.datamix.mixture.Mixture;
import dev.datamix.run.DataMixer;
import dev.datamix.sampler.BlockBatch;
import dev.datamix.signal.DoubleVector;
import dev.datamix.signal.SignalKind;
import dev.datamix.signal.SignalRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@link DataMixer} against a {@link SimulatedLearner}, answering every signal the policy
 * requests exactly as the DJL trainer does, and records what happened per step.
 */
public final class Simulation {
  private final DataMixer mixer;
  private final SimulatedLearner learner;
  private final int batchSize;
  private final BlockBatch batch;
  private long nextStep;

  /**
   * @param mixer the policy and sampler, over the learner's domains
   * @param learner the simulated model
   * @param batchSize blocks per step, {@code > 0}
   */
  public Simulation(DataMixer mixer, SimulatedLearner learner, int batchSize) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batchSize must be > 0, got " + batchSize);
    }
    if (!mixer.policy().domains().equals(learner.domains())) {
      throw new IllegalArgumentException("the policy's domains " + mixer.policy().domains()
          + " must equal the learner's " + learner.domains());
    }
    this.mixer = mixer;
    this.learner = learner;
    this.batchSize = batchSize;
    this.batch = new BlockBatch(batchSize);
  }

  /** Continues a simulation from {@code step} (after restoring the mixer and copying a learner). */
  public Simulation startingAt(long step) {
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0, got " + step);
    }
    nextStep = step;
    return this;
  }

  /** The mixer. */
  public DataMixer mixer() {
    return mixer;
  }

  /** The learner. */
  public SimulatedLearner learner() {
    return learner;
  }

  /** Runs {@code steps} steps and returns one record per step. */
  public List<StepRecord> run(long steps) {
    List<StepRecord> out = new ArrayList<>();
    for (long i = 0; i < steps; i++) {
      out.add(step());
    }
    return out;
  }

  /** Runs one step. */
  public StepRecord step() {
    long t = nextStep++;
    SignalRequest request = mixer.signalsFor(t);
    DoubleVector heldOut = null;
    if (request.contains(SignalKind.HELD_OUT_LOSS)) {
      var h = learner.heldOutLoss(t);
      heldOut = h.loss();
      mixer.observe(h);
    }
    if (request.contains(SignalKind.GRADIENT_ALIGNMENT)) {
      mixer.observe(learner.alignment(t, request.alignmentProbes(), request.alignmentGram()));
    }
    Mixture requested = mixer.mixture(t);
    mixer.drawBatch(t, batchSize, batch);
    SimulatedLearner.StepResult result = learner.train(batch);
    if (request.contains(SignalKind.TRAINING_LOSS)) {
      mixer.observe(result.trainingLoss());
    }
    if (request.contains(SignalKind.BLOCK_LOSSES)) {
      mixer.observe(result.blockLosses());
    }
    return new StepRecord(t, requested, batch.mixture(), batch.domains(), batch.blocks(),
        heldOut, request);
  }

  /**
   * What happened at one step.
   *
   * @param step the step
   * @param mixture the policy's mixture
   * @param effectiveMixture the mixture actually sampled (exhausted domains removed)
   * @param domains domain index of each drawn block
   * @param blocks block index of each drawn block
   * @param heldOutLoss held-out losses measured before the step, or null if none were requested
   * @param request what the policy asked for
   */
  public record StepRecord(long step, Mixture mixture, Mixture effectiveMixture, int[] domains,
      long[] blocks, DoubleVector heldOutLoss, SignalRequest request) {}
}
