package dev.datamix.djl.train;

import ai.djl.Device;
import ai.djl.ndarray.NDScope;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.BatchAssembler;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.djl.Devices;
import dev.datamix.djl.model.GptConfig;
import dev.datamix.djl.model.GptModel;
import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixture;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.policy.PolicyContext;
import dev.datamix.run.DataMixer;
import dev.datamix.run.RunDirectory;
import dev.datamix.sampler.SamplerOptions;
import dev.datamix.signal.SignalKind;
import dev.datamix.schedule.LearningRateSchedule;
import dev.datamix.state.ExistingOutput;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Trains a GPT-style model with DJL's PyTorch engine under any {@link MixingPolicy}: the policy
 * decides every batch, and the trainer measures every signal the policy asks for.
 *
 * <p>Per step {@code t}: the policy's signals for {@code t} ({@code BEFORE_STEP}: per-domain
 * held-out loss on fixed validation blocks, gradient alignment of probe distributions with a
 * target set) → the batch drawn from the policy's mixture and block selection → forward →
 * per-token cross-entropy → per-block mean loss kept as a vector → mean → backward (data-parallel
 * over the selected devices) → global-norm clipping → AdamW with the schedule's rate for {@code
 * t} → the {@code AFTER_STEP} signals (per-domain training loss, per-block losses tagged {@code
 * (domain, block)}). A non-finite loss skips the update, tells the policy nothing, and stops the
 * run after {@code maxNonFiniteInARow} in a row.
 *
 * <p>Every step appends one JSON line to {@code metrics.jsonl} (loss, learning rate, weights,
 * per-domain losses when measured, in nats and bits per byte, and the time split: data,
 * forward-backward, optimizer, policy, probes, evaluation). Checkpoints hold the model, the
 * optimizer moments, the step, and the policy and sampler state; {@link MixingTrainerBuilder#resume()}
 * continues so that losses and mixtures match an uninterrupted run step for step.
 */
public final class MixingTrainer implements AutoCloseable {

  private final Corpus corpus;
  private final TrainingConfig config;
  private final JsonNode policySpec;
  private final Path runDir;
  private final PrintStream progress;
  private final LearningRateSchedule schedule;
  private final boolean customSchedule;
  private final CheckpointIo checkpointIo;
  private final int[] corpusDomains;
  private final List<Domain> domains;
  private final DataMixer mixer;
  private final ModelState state;
  private final GptModel model;
  private final HeldOutEvaluator evaluator;
  private final GradientProbe probe;
  private final TrainerReference reference;
  private MetricsLog metrics;
  private final TrainingStep steps;
  private final java.util.Set<dev.datamix.run.ResumeChange> resumeChanges;

  MixingTrainer(MixingTrainerBuilder b) throws IOException {
    this.corpus = b.corpus;
    this.config = b.config;
    this.policySpec = b.policySpec;
    this.runDir = b.runDir;
    this.progress = b.progress;
    domains = ReferenceTables.trainDomains(corpus, config);
    corpusDomains = new int[domains.size()];
    for (int i = 0; i < corpusDomains.length; i++) {
      corpusDomains[i] = corpus.domainIndex(domains.get(i).name());
    }
    this.customSchedule = b.schedule != null;
    this.schedule = customSchedule ? b.schedule : config.learningRateSchedule();
    this.checkpointIo = b.checkpointIo;
    PolicyContext context = new PolicyContext(domains, config.seed(), config.steps(),
        config.batchSize());
    MixingPolicy policy = b.registry.create(context, policySpec);
    if (config.targetDomain().isEmpty()
        && policy.possibleSignals().contains(SignalKind.GRADIENT_ALIGNMENT)) {
      throw new IllegalArgumentException("policy '" + policy.name() + "' measures gradient "
          + "alignment with a target, but the trainer key targetDomain is empty: set "
          + "targetDomain to the corpus domain to align with (without it the policy cannot act)");
    }
    mixer = new DataMixer(policy, SamplerOptions.seed(config.seed()).withAllocation(
        switch (config.allocation()) {
          case "random" -> SamplerOptions.Allocation.RANDOM;
          case "exact" -> SamplerOptions.Allocation.EXACT;
          case "grouped" -> SamplerOptions.Allocation.GROUPED;
          default -> policy.preferredAllocation();
        }).withMaxEpochs(config.capsFor(Domain.names(domains))),
        config.weightUnit().equals("documents") ? tokensPerDocument() : null);
    this.resumeChanges = b.resumeChanges;
    state = new ModelState(modelConfig(), config,
        b.devices != null ? b.devices : Devices.select(config.device()));
    TrainerReference opened = null;
    try { // nothing native is left open by a trainer that could not be built
      model = state.model();
      evaluator = new HeldOutEvaluator(corpus, Split.VALIDATION, corpusDomains,
          config.evalBlocksPerDomain(), config.evalBatchSize());
      probe = config.targetDomain().isEmpty() ? null : new GradientProbe(corpus, corpusDomains,
          corpus.domainIndex(config.targetDomain()), config.targetBlocks(),
          config.probeBatchSize(), config.seed());
      opened = TrainerReference.open(b, policy, corpus, domains, corpusIdentity(),
          state.devices()[0]);
      reference = opened;
      TrainerMeter meter = new TrainerMeter(model, state.parameters(), state.manager(),
          state.devices()[0], domains, evaluator, probe, mixer.policy().name(), reference.model,
          reference.table);
      steps = new TrainingStep(corpus, config, corpusDomains, domains, mixer, meter, state,
          schedule, new BatchAssembler(corpus, Split.TRAIN, config.batchSize()));
      // after every check above: nothing deleted in vain
      RunDirectory.KIND.claim(runDir, b.existing);
      reference.record(runDir, b.existing);
      if (b.existing != ExistingOutput.RESUME) {
        steps.announce(policy.planNotices());
      }
      if (b.existing == ExistingOutput.RESUME) {
        restore(Checkpoint.latest(new RunDirectory(runDir).checkpoints()));
      } else if (b.initialWeights != null) {
        loadWeights(b.initialWeights);
      }
      metrics = b.existing == ExistingOutput.RESUME ? MetricsLog.resume(new RunDirectory(runDir),
          steps.step)
          : MetricsLog.create(new RunDirectory(runDir));
    } catch (RuntimeException | IOException e) {
      if (opened != null) {
        opened.close();
      }
      state.close();
      throw e;
    }
  }

  /** Each training domain's mean document length in tokens, from the manifest. */
  private double[] tokensPerDocument() {
    double[] out = new double[domains.size()];
    for (int d = 0; d < out.length; d++) {
      var split = corpus.manifest().domain(domains.get(d).name()).split(Split.TRAIN);
      out[d] = split.documents() == 0 ? Double.NaN : (double) split.tokens() / split.documents();
    }
    return out;
  }

  private GptConfig modelConfig() {
    return new GptConfig(corpus.manifest().vocabSize(), corpus.blockLength(), config.layers(),
        config.dModel(), config.heads(), config.mlpRatio(), config.tiedEmbeddings());
  }

  /** A builder. */
  public static MixingTrainerBuilder builder() {
    return new MixingTrainerBuilder();
  }

  /** The training domains, in the policy's order. */
  public List<Domain> domains() {
    return domains;
  }

  /** The policy and sampler. */
  public DataMixer mixer() {
    return mixer;
  }

  /** The model. */
  public GptModel model() {
    return model;
  }

  /** The next step to run. */
  public long step() {
    return steps.step;
  }

  /** The devices trained on. */
  public Device[] devices() {
    return state.devices();
  }

  /** Trains to {@code config.steps()}, checkpointing as configured and at the end. */
  public List<StepResult> train() throws IOException {
    return trainUntil(config.steps());
  }

  /**
   * Trains until step {@code end} (exclusive), checkpointing every {@code checkpointEvery} steps
   * and when it stops.
   */
  public List<StepResult> trainUntil(long end) throws IOException {
    List<StepResult> out = runSteps(end);
    saveCheckpoint();
    return out;
  }

  /**
   * Trains until step {@code end} (exclusive), checkpointing every {@code checkpointEvery} steps
   * but not when it stops (for callers that interleave their own measurements).
   */
  public List<StepResult> runSteps(long end) throws IOException {
    List<StepResult> out = new ArrayList<>();
    long start = System.nanoTime();
    long startTokens = steps.tokensSeen;
    try {
      while (steps.step < Math.min(end, config.steps())) {
        StepResult r = steps.run(metrics);
        long step = steps.step;
        out.add(r);
        if (config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0) {
          saveCheckpoint();
        }
        if (progress != null && (step % config.logEvery() == 0 || step == config.steps())) {
          double secs = (System.nanoTime() - start) / 1e9;
          progress.printf(Locale.ROOT, "\rstep %d/%d | %.1fk tok/s | loss %.4f | lr %.2e   ",
              step, config.steps(), (steps.tokensSeen - startTokens) / 1e3 / Math.max(secs, 1e-9),
              r.loss(), r.learningRate());
          progress.flush();
        }
      }
    } finally {
      metrics.flush();
    }
    if (progress != null) {
      progress.println();
    }
    return out;
  }

  /**
   * Per-domain mean loss (nats per token) of the current model on fixed blocks of {@code split}
   * (the same blocks as the held-out signal for validation).
   */
  public double[] evaluate(Split split) {
    HeldOutEvaluator e = split == Split.VALIDATION ? evaluator : new HeldOutEvaluator(corpus,
        split, corpusDomains, config.evalBlocksPerDomain(), config.evalBatchSize());
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      return e.evaluate(model, state.parameters(), state.manager(), state.devices()[0]);
    }
  }

  /**
   * Mean loss (nats per token) of the current model on fixed blocks of any corpus domain (a
   * training domain or the target) in {@code split}; NaN if the domain has no block there.
   */
  public double evaluateDomain(String name, Split split) {
    HeldOutEvaluator e = new HeldOutEvaluator(corpus, split,
        new int[] {corpus.domainIndex(name)}, config.evalBlocksPerDomain(),
        config.evalBatchSize());
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      return e.evaluate(model, state.parameters(), state.manager(), state.devices()[0])[0];
    }
  }

  /**
   * The current model on <em>every</em> block of {@code split}, per training domain and for the
   * target, with a bootstrap standard error over blocks: the final numbers of a run (curves use
   * the fixed sample of {@code evalBlocksPerDomain} blocks instead).
   */
  public SplitEvaluation evaluateWholeSplit(Split split) {
    return WholeSplit.evaluate(corpus, split, corpusDomains, config, state);
  }

  /** The corpus. */
  public Corpus corpus() {
    return corpus;
  }

  /** The training configuration. */
  public TrainingConfig config() {
    return config;
  }

  /** Tokens trained on so far. */
  public long tokensSeen() {
    return steps.tokensSeen;
  }

  /** Bits per byte of a per-token loss of training domain {@code d} on {@code split}. */
  public double bitsPerByte(double nats, int d, Split split) {
    return corpus.bitsPerByte(nats, corpusDomains[d], split);
  }

  static void warn(String message) {
    System.getLogger(MixingTrainer.class.getName()).log(System.Logger.Level.WARNING, message);
  }

  /** Writes a checkpoint of the current state (after the last completed step). */
  public Path saveCheckpoint() throws IOException {
    metrics.flush();
    List<List<Checkpoint.Tensor>> tensors = state.export();
    return Checkpoint.save(new RunDirectory(runDir).checkpoints(), new Checkpoint.Contents(steps.step,
        modelJson(), config.toJson(), corpusIdentity(), mixer.snapshot(),
        ResumeCheck.digest(schedule, steps.step), steps.tokensSeen, steps.divergence.inARow(),
        steps.phaseIndex,
        state.optimizerUpdates(), tensors.get(0), tensors.get(1)), checkpointIo);
  }

  private JsonNode modelJson() {
    return Json.mapper().valueToTree(modelConfig());
  }

  private ObjectNode corpusIdentity() {
    return ReferenceTables.corpusIdentity(corpus, domains);
  }

  /**
   * The policy and sampler state ({@link DataMixer#snapshot()}) of run {@code runDir}'s latest
   * checkpoint: what a workflow reads a finished stage's policy from.
   *
   * @throws IncompatibleStateException if the run has no readable checkpoint
   */
  public static JsonNode latestMixerState(Path runDir) throws IOException {
    RunDirectory run = new RunDirectory(runDir);
    if (!run.hasCheckpoint()) {
      throw new IncompatibleStateException("run " + runDir + " has no checkpoint");
    }
    return Checkpoint.readState(Checkpoint.latest(run.checkpoints())).path("mixer");
  }

  /** Loads only the model weights of another run's checkpoint (same model shape). */
  private void loadWeights(Path otherRun) throws IOException {
    state.setParameters(Checkpoint.loadParameters(
        Checkpoint.latest(new RunDirectory(otherRun).checkpoints()), modelJson(),
        state.shapes("")));
  }

  private void restore(Path dir) throws IOException {
    boolean grown = resumeChanges.contains(dev.datamix.run.ResumeChange.CORPUS_GROWN);
    Checkpoint.Contents c = Checkpoint.load(dir, modelJson(), null, state.shapes(""),
        state.shapes(".m", ".v"));
    if (grown) {
      ResumeCheck.verifyGrownCorpus("checkpoint " + dir, c.corpus(), corpusIdentity());
    } else if (!c.corpus().toString().equals(corpusIdentity().toString())) {
      throw new IncompatibleStateException("incompatible state: checkpoint corpus expected "
          + corpusIdentity() + " but found " + c.corpus() + "; if data was only appended or "
          + "domains added, resume with --allow-corpus-growth "
          + "(MixingTrainerBuilder.optResumeChanges(CORPUS_GROWN))");
    }
    ResumeCheck.verify("checkpoint " + dir, c.trainer(), c.lrDigest(), c.step(), config,
        schedule, customSchedule, mixer.policy(), resumeChanges);
    mixer.restore(c.mixer(), resumeChanges);
    state.restore(c);
    steps.step = c.step();
    steps.tokensSeen = c.tokensSeen();
    steps.divergence.restore(c.nonFiniteInARow());
    steps.phaseIndex = c.phaseIndex();
    steps.restored();
  }

  @Override
  public void close() {
    try {
      if (metrics != null) {
        metrics.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      try {
        reference.close();
      } finally {
        state.close();
      }
    }
  }

  /**
   * What one step did.
   *
   * @param step the step
   * @param loss mean loss over the batch (nats per token)
   * @param learningRate the rate used
   * @param perBlockLoss the per-block losses, in batch order
   * @param mixture the policy's mixture
   * @param skipped whether the update was skipped (non-finite loss)
   * @param wallMillis wall time of the step, signals and metrics included
   */
  public record StepResult(long step, double loss, double learningRate, float[] perBlockLoss,
      Mixture mixture, boolean skipped, double wallMillis) {}
}
