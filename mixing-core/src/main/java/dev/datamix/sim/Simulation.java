package dev.datamix.sim;

import dev.datamix.mixture.LossWeights;
import dev.datamix.mixture.Mixture;
import dev.datamix.run.DataMixer;
import dev.datamix.sampler.BlockBatch;
import dev.datamix.signal.BlockLosses;
import dev.datamix.signal.DoubleVector;
import dev.datamix.signal.Observation;
import dev.datamix.signal.ReferenceLosses;
import dev.datamix.signal.SignalMeter;
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
  private SimulatedLearner.StepResult lastStep;
  private SignalMeter view;
  private SimulatedLearner reference;

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
    this.view = meter;
  }

  /**
   * Passes every measurement through {@code view} before the policy sees it (a test that drops
   * or spoils signals, as a real trainer's probes sometimes do); {@code view} gets the learner's
   * own meter.
   */
  public Simulation measuredThrough(java.util.function.UnaryOperator<SignalMeter> view) {
    this.view = view.apply(meter);
    return this;
  }

  /**
   * A frozen reference model for {@link dev.datamix.signal.SignalKind#REFERENCE_LOSS}: its loss on
   * every block of each batch, never trained (DoReMi's reference run: a learner trained
   * beforehand, for example by another simulation).
   */
  public Simulation withReference(SimulatedLearner frozen) {
    this.reference = frozen;
    return this;
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
    DataMixer.Measured measured = mixer.measureBeforeStep(t, view);
    Mixture requested = mixer.mixture(t);
    mixer.drawBatch(t, batchSize, batch);
    LossWeights weights = mixer.lossWeights(t);
    lastStep = learner.train(batch, weights);
    mixer.observeAfterStep(t, measured.request(), view);
    return new StepRecord(t, requested, batch.mixture(), batch.domains(), batch.blocks(),
        measured.heldOut() == null ? null : measured.heldOut().loss(), measured.request(),
        weights);
  }

  /** The learner as a {@link SignalMeter}: what the DJL trainer measures, simulated. */
  private final SignalMeter meter = new SignalMeter() {
    @Override
    public Observation.HeldOutLoss heldOutLoss(long step) {
      return learner.heldOutLoss(step);
    }

    @Override
    public Observation.GradientAlignment gradientAlignment(long step, List<Mixture> probes,
        boolean fullGram) {
      return learner.alignment(step, probes, fullGram);
    }

    @Override
    public BlockLosses batchLosses(long step) {
      return lastStep.blockLosses();
    }

    @Override
    public ReferenceLosses referenceLosses(long step) {
      if (reference == null) {
        throw new IllegalStateException("policy '" + mixer.policy().name() + "' asks for "
            + "reference losses but the simulation has no reference: Simulation.withReference");
      }
      return ReferenceLosses.perBlock(lastStep.blockLosses(), reference.frozenLosses(batch));
    }
  };

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
   * @param lossWeights the policy's weights on the step's training loss
   */
  public record StepRecord(long step, Mixture mixture, Mixture effectiveMixture, int[] domains,
      long[] blocks, DoubleVector heldOutLoss, SignalRequest request, LossWeights lossWeights) {}
}
