package dev.datamix.djl.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.datamix.djl.model.GptModel;
import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixture;
import dev.datamix.signal.BlockLosses;
import dev.datamix.signal.DoubleVector;
import dev.datamix.signal.Observation;
import dev.datamix.signal.ReferenceLossTable;
import dev.datamix.signal.ReferenceLosses;
import dev.datamix.signal.SignalMeter;
import java.util.List;

/**
 * What the DJL trainer measures for a policy: held-out losses on fixed validation blocks,
 * gradient alignment through {@link GradientProbe}, and the per-block losses of the batch just
 * trained. Measurement time is charged to the step's {@link StepTimer}.
 */
final class TrainerMeter implements SignalMeter {
  private final GptModel model;
  private final ParameterStore ps;
  private final NDManager manager;
  private final Device device;
  private final List<Domain> domains;
  private final HeldOutEvaluator evaluator;
  private final GradientProbe probe;
  private final String policy;
  private final ReferenceModel referenceModel;
  private final ReferenceLossTable referenceTable;
  private StepTimer timer = new StepTimer();
  private BlockLosses batch;
  private int[] tokens;
  private float[] perToken;
  private int rowLength;

  TrainerMeter(GptModel model, ParameterStore ps, NDManager manager, Device device,
      List<Domain> domains, HeldOutEvaluator evaluator, GradientProbe probe, String policy,
      ReferenceModel referenceModel, ReferenceLossTable referenceTable) {
    this.referenceModel = referenceModel;
    this.referenceTable = referenceTable;
    this.model = model;
    this.ps = ps;
    this.manager = manager;
    this.device = device;
    this.domains = domains;
    this.evaluator = evaluator;
    this.probe = probe;
    this.policy = policy;
  }

  /** The step being measured: its timer. */
  void startStep(StepTimer stepTimer) {
    this.timer = stepTimer;
    this.batch = null;
  }

  /**
   * The per-block losses of the step's batch, once trained, with its tokens and per-token losses
   * (null unless an on-the-fly reference model needs them).
   */
  void trained(BlockLosses losses, int[] batchTokens, float[] tokenLosses, int rows) {
    this.batch = losses;
    this.tokens = batchTokens;
    this.perToken = tokenLosses;
    this.rowLength = rows;
  }

  /** Whether the trained model's per-token losses are wanted (an on-the-fly reference). */
  boolean wantsTokenLosses() {
    return referenceModel != null && referenceTable == null;
  }

  @Override
  public ReferenceLosses referenceLosses(long step) {
    BlockLosses trained = batchLosses(step);
    timer.lap(StepTimer.Phase.POLICY);
    ReferenceLosses out;
    if (referenceTable != null) {
      out = referenceTable.lookup(trained);
    } else if (referenceModel != null) {
      int n = trained.size();
      int t = rowLength - 1;
      float[] ref = referenceModel.perTokenLosses(tokens, n, rowLength);
      float[] refMean = new float[n];
      float[] excess = new float[n];
      int[] d = new int[n];
      long[] b = new long[n];
      for (int i = 0; i < n; i++) {
        double sum = 0;
        double pos = 0;
        boolean finite = true;
        for (int j = i * t; j < (i + 1) * t; j++) {
          sum += ref[j];
          pos += Math.max(perToken[j] - ref[j], 0f);
          finite &= Float.isFinite(ref[j]) && Float.isFinite(perToken[j]);
        }
        refMean[i] = finite ? (float) (sum / t) : Float.NaN;
        excess[i] = finite ? (float) (pos / t) : Float.NaN;
        d[i] = trained.domain(i);
        b[i] = trained.block(i);
      }
      out = ReferenceLosses.of(step, d, b, refMean, excess, n, true);
    } else {
      throw new IllegalStateException("policy '" + policy + "' asks for reference losses but "
          + "the trainer has no reference model or table (MixingTrainerBuilder.optReferenceModel or "
          + "optReferenceTable)");
    }
    timer.lap(StepTimer.Phase.REFERENCE);
    return out;
  }

  @Override
  public Observation.HeldOutLoss heldOutLoss(long step) {
    timer.lap(StepTimer.Phase.POLICY);
    double[] held = evaluator.evaluate(model, ps, manager, device);
    for (int d = 0; d < held.length; d++) {
      if (!Double.isFinite(held[d])) {
        MixingTrainer.warn("step " + step + ": held-out loss of domain '"
            + domains.get(d).name() + "' is " + held[d] + "; sent to the policy as not measured");
        held[d] = Double.NaN;
      }
    }
    timer.lap(StepTimer.Phase.EVAL);
    return new Observation.HeldOutLoss(step, DoubleVector.of(held));
  }

  @Override
  public Observation.GradientAlignment gradientAlignment(long step, List<Mixture> probes,
      boolean fullGram) {
    if (probe == null) {
      throw new IllegalStateException("policy '" + policy + "' asks for gradient alignment but "
          + "no targetDomain is configured");
    }
    timer.lap(StepTimer.Phase.POLICY);
    Observation.GradientAlignment a = probe.measure(step, probes, fullGram, model, ps, manager,
        device);
    timer.lap(StepTimer.Phase.PROBES);
    if (a == null) {
      MixingTrainer.warn("step " + step + ": a gradient probe was not finite; no alignment sent");
    }
    return a;
  }

  @Override
  public BlockLosses batchLosses(long step) {
    if (batch == null || batch.step() != step) {
      throw new IllegalStateException("the batch of step " + step + " has not been trained");
    }
    return batch;
  }
}
