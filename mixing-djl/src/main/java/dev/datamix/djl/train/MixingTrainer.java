package dev.datamix.djl.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import dev.datamix.policy.Phase;
import dev.datamix.policy.PolicyContext;
import dev.datamix.policy.PolicyRegistry;
import dev.datamix.run.DataMixer;
import dev.datamix.sampler.BlockBatch;
import dev.datamix.sampler.SamplerOptions;
import dev.datamix.schedule.LearningRateSchedule;
import dev.datamix.signal.BlockLosses;
import dev.datamix.signal.DoubleVector;
import dev.datamix.signal.Observation;
import dev.datamix.signal.SignalMeter;
import dev.datamix.signal.SignalRequest;
import dev.datamix.state.ExistingOutput;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.Json;
import dev.datamix.state.OutputDirectory;
import dev.datamix.state.StateReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * optimizer moments, the step, and the policy and sampler state; {@link Builder#resume()}
 * continues so that losses and mixtures match an uninterrupted run step for step.
 */
public final class MixingTrainer implements AutoCloseable {
  /** The run kind of output directory: recognised by its metrics or checkpoints. */
  public static final OutputDirectory RUN_DIRECTORY =
      new OutputDirectory("run directory", List.of("metrics.jsonl", "checkpoints"), true);

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
  private final GptModel model;
  private final NDManager manager;
  private final Device[] devices;
  private final ParameterStore ps;
  private AdamW optimizer;
  private final BatchAssembler assembler;
  private final HeldOutEvaluator evaluator;
  private final GradientProbe probe;
  private final BlockBatch batch;
  private final int[] mappedDomains;
  private BufferedWriter metrics;
  private long step;
  private long tokensSeen;
  private int nonFiniteInARow;
  private int phaseIndex;
  private final SignalMeter meter = new Meter();
  private double[] stepTime = new double[6];
  private BlockLosses batchLosses;

  private MixingTrainer(Builder b) throws IOException {
    this.corpus = b.corpus;
    this.config = b.config;
    this.policySpec = b.policySpec;
    this.runDir = b.runDir;
    this.progress = b.progress;
    List<String> names = corpus.domainNames();
    List<String> train = config.trainDomains().isEmpty()
        ? names.stream().filter(n -> !n.equals(config.targetDomain())).toList()
        : config.trainDomains();
    if (!config.targetDomain().isEmpty()) {
      corpus.domainIndex(config.targetDomain());
      if (train.contains(config.targetDomain())) {
        throw new IllegalArgumentException("targetDomain '" + config.targetDomain()
            + "' must not be a training domain, trainDomains are " + train);
      }
    }
    corpusDomains = new int[train.size()];
    List<Domain> all = corpus.domains(Split.TRAIN);
    List<Domain> ds = new ArrayList<>();
    for (int i = 0; i < train.size(); i++) {
      corpusDomains[i] = corpus.domainIndex(train.get(i));
      ds.add(all.get(corpusDomains[i]));
    }
    domains = List.copyOf(ds);
    this.customSchedule = b.schedule != null;
    this.schedule = customSchedule ? b.schedule : config.learningRateSchedule();
    this.checkpointIo = b.checkpointIo;
    PolicyContext context = new PolicyContext(domains, config.seed(), config.steps(),
        config.batchSize());
    MixingPolicy policy = b.registry.create(context, policySpec);
    mixer = new DataMixer(policy, SamplerOptions.seed(config.seed()));
    devices = Devices.select(config.device());
    manager = NDManager.newBaseManager(devices[0]);
    GptConfig gpt = modelConfig();
    model = new GptModel(gpt);
    model.initializeWeights(manager, config.seed());
    ps = new ParameterStore(manager, false);
    newOptimizer();
    assembler = new BatchAssembler(corpus, Split.TRAIN, config.batchSize());
    evaluator = new HeldOutEvaluator(corpus, Split.VALIDATION, corpusDomains,
        config.evalBlocksPerDomain(), config.evalBatchSize());
    probe = config.targetDomain().isEmpty() ? null : new GradientProbe(corpus, corpusDomains,
        corpus.domainIndex(config.targetDomain()), config.targetBlocks(),
        config.probeBatchSize(), config.seed());
    batch = new BlockBatch(config.batchSize());
    mappedDomains = new int[config.batchSize()];
    RUN_DIRECTORY.claim(runDir, b.existing); // after every check above: nothing deleted in vain
    if (b.existing == ExistingOutput.RESUME) {
      restore(Checkpoint.latest(runDir.resolve("checkpoints")));
    } else if (b.initialWeights != null) {
      loadWeights(b.initialWeights);
    }
    openMetrics(b.existing == ExistingOutput.RESUME);
  }

  private GptConfig modelConfig() {
    return new GptConfig(corpus.manifest().vocabSize(), corpus.blockLength(), config.layers(),
        config.dModel(), config.heads(), config.mlpRatio(), config.tiedEmbeddings());
  }

  private void newOptimizer() {
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

  /** A builder. */
  public static Builder builder() {
    return new Builder();
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
    return step;
  }

  /** The devices trained on. */
  public Device[] devices() {
    return devices.clone();
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
    long startTokens = tokensSeen;
    try {
      while (step < Math.min(end, config.steps())) {
        StepResult r = runStep();
        out.add(r);
        if (config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0) {
          saveCheckpoint();
        }
        if (progress != null && (step % config.logEvery() == 0 || step == config.steps())) {
          double secs = (System.nanoTime() - start) / 1e9;
          progress.printf(Locale.ROOT, "\rstep %d/%d | %.1fk tok/s | loss %.4f | lr %.2e   ",
              step, config.steps(), (tokensSeen - startTokens) / 1e3 / Math.max(secs, 1e-9),
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
      return e.evaluate(model, ps, manager, devices[0]);
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
      return e.evaluate(model, ps, manager, devices[0])[0];
    }
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
    return tokensSeen;
  }

  /** Bits per byte of a per-token loss of training domain {@code d} on {@code split}. */
  public double bitsPerByte(double nats, int d, Split split) {
    return corpus.bitsPerByte(nats, corpusDomains[d], split);
  }

  private StepResult runStep() {
    long t = step;
    long stepStart = System.nanoTime();
    double[] time = new double[6]; // data, forwardBackward, optimizer, policy, probes, eval
    ObjectNode line = Json.object();
    line.put("step", t);
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      long c = System.nanoTime();
      Phase phase = mixer.policy().phase(t);
      if (phase.index() != phaseIndex) {
        if (phase.resetOptimizer()) {
          newOptimizer();
        }
        phaseIndex = phase.index();
        line.put("phase", phase.name());
      }
      stepTime = time;
      double measuring = time[4] + time[5];
      DataMixer.Measured measured = mixer.measureBeforeStep(t, meter);
      SignalRequest request = measured.request();
      if (measured.heldOut() != null) {
        putDomainValues(line, "heldOut", measured.heldOut().loss().toArray(), Split.VALIDATION);
      }
      if (measured.alignment() != null) {
        line.set("alignment", Json.doubles(measured.alignment().scores().toArray()));
      }
      long now = System.nanoTime();
      time[3] += now - c - (time[4] + time[5] - measuring); // the policy's share, meters aside
      c = now;
      Mixture requested = mixer.mixture(t);
      c = lap(time, 3, c);
      mixer.drawBatch(t, config.batchSize(), batch);
      for (int i = 0; i < batch.size(); i++) {
        mappedDomains[i] = corpusDomains[batch.domain(i)];
      }
      assembler.assemble(mappedDomains, batch.blocks(), batch.size());
      c = lap(time, 0, c);
      float[] perBlock = forwardBackward();
      double loss = 0;
      boolean finite = true;
      for (float l : perBlock) {
        loss += l;
        finite &= Float.isFinite(l);
      }
      loss /= perBlock.length;
      c = lap(time, 1, c);
      double lr = schedule.at(t);
      ps.updateAllParameters();
      if (finite) {
        double norm = optimizer.globalGradNorm();
        double scale = config.gradClip() > 0 && norm > config.gradClip()
            ? config.gradClip() / norm : 1.0;
        optimizer.apply(lr, scale);
        nonFiniteInARow = 0;
        line.put("gradNorm", norm);
      } else {
        optimizer.discard();
        nonFiniteInARow++;
        warn("step " + t + ": non-finite loss " + loss + "; update skipped (" + nonFiniteInARow
            + " in a row)");
      }
      c = lap(time, 2, c);
      if (finite) {
        batchLosses = BlockLosses.of(t, batch.domains(), batch.blocks(), perBlock,
            perBlock.length);
        putDomainValues(line, "trainLoss",
            batchLosses.trainingLoss(domains.size()).loss().toArray(), Split.TRAIN);
        mixer.observeAfterStep(t, request, meter);
      }
      lap(time, 3, c);
      tokensSeen += (long) batch.size() * corpus.blockLength();
      line.put("loss", loss).put("lr", lr).put("tokens", tokensSeen).put("skipped", !finite);
      ObjectNode w = line.putObject("weights");
      Mixture eff = batch.mixture();
      for (int i = 0; i < eff.size(); i++) {
        w.put(eff.names().get(i), eff.weight(i));
      }
      ObjectNode tm = line.putObject("timeMs");
      String[] keys = {"data", "forwardBackward", "optimizer", "policy", "probes", "eval"};
      for (int i = 0; i < keys.length; i++) {
        tm.put(keys[i], time[i] / 1e6);
      }
      double wallMs = (System.nanoTime() - stepStart) / 1e6;
      tm.put("total", wallMs);
      writeMetrics(line);
      step = t + 1;
      if (!finite && nonFiniteInARow > config.maxNonFiniteInARow()) {
        throw new TrainingDivergedException(nonFiniteInARow + " non-finite losses in a row "
            + "(last at step " + t + ", maxNonFiniteInARow " + config.maxNonFiniteInARow()
            + "); lower peakLr (" + config.peakLr() + ") or set gradClip");
      }
      return new StepResult(t, loss, lr, perBlock, requested, !finite, wallMs);
    } catch (EngineException e) {
      String msg = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
      if (msg.contains("out of memory") || msg.contains("can't allocate")
          || msg.contains("cannot allocate")) {
        throw new IllegalStateException("out of memory at step " + t + " with batchSize "
            + config.batchSize() + " on " + devices.length + " device(s): lower batchSize (or "
            + "evalBatchSize " + config.evalBatchSize() + ", probeBatchSize "
            + config.probeBatchSize() + ")", e);
      }
      throw e;
    }
  }

  private static void warn(String message) {
    System.getLogger(MixingTrainer.class.getName()).log(System.Logger.Level.WARNING, message);
  }

  private static long lap(double[] time, int slot, long since) {
    long now = System.nanoTime();
    time[slot] += now - since;
    return now;
  }

  private float[] forwardBackward() {
    int n = batch.size();
    float[] perBlock = new float[n];
    // not div(Number): its scalar's memory can be freed by a GC before backward (GptModel)
    NDArray blocks = manager.create((float) n);
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      int from = 0;
      for (int k = 0; k < devices.length; k++) {
        int rows = n / devices.length + (k < n % devices.length ? 1 : 0);
        if (rows == 0) {
          continue;
        }
        NDArray losses = ModelBatch.perBlockLoss(model, ps, manager, devices[k],
            assembler.tokens(), from, rows, assembler.rowLength(), true);
        gc.backward(losses.sum().div(blocks));
        System.arraycopy(losses.toFloatArray(), 0, perBlock, from, rows);
        from += rows;
      }
    }
    return perBlock;
  }

  /** What the trainer measures for the policy: held-out loss, gradient alignment, the batch. */
  private final class Meter implements SignalMeter {
    @Override
    public Observation.HeldOutLoss heldOutLoss(long t) {
      long c = System.nanoTime();
      double[] held = evaluator.evaluate(model, ps, manager, devices[0]);
      for (int d = 0; d < held.length; d++) {
        if (!Double.isFinite(held[d])) {
          warn("step " + t + ": held-out loss of domain '" + domains.get(d).name() + "' is "
              + held[d] + "; sent to the policy as not measured");
          held[d] = Double.NaN;
        }
      }
      lap(stepTime, 5, c);
      return new Observation.HeldOutLoss(t, DoubleVector.of(held));
    }

    @Override
    public Observation.GradientAlignment gradientAlignment(long t, List<Mixture> probes,
        boolean fullGram) {
      if (probe == null) {
        throw new IllegalStateException("policy '" + mixer.policy().name() + "' asks for "
            + "gradient alignment but no targetDomain is configured");
      }
      long c = System.nanoTime();
      Observation.GradientAlignment a = probe.measure(t, probes, fullGram, model, ps, manager,
          devices[0]);
      lap(stepTime, 4, c);
      if (a == null) {
        warn("step " + t + ": a gradient probe was not finite; no alignment sent");
      }
      return a;
    }

    @Override
    public BlockLosses batchLosses(long t) {
      return batchLosses;
    }
  }

  private void putDomainValues(ObjectNode line, String key, double[] values, Split bpbSplit) {
    ObjectNode o = line.putObject(key);
    ObjectNode bpb = bpbSplit == null ? null : line.putObject(key + "Bpb");
    for (int d = 0; d < values.length; d++) {
      if (!Double.isNaN(values[d])) {
        o.put(domains.get(d).name(), values[d]);
        if (bpb != null) {
          bpb.put(domains.get(d).name(), bitsPerByte(values[d], d, bpbSplit));
        }
      }
    }
  }

  private void openMetrics(boolean resume) throws IOException {
    Files.createDirectories(runDir);
    Path file = runDir.resolve("metrics.jsonl");
    if (resume && Files.exists(file)) {
      List<String> kept = new ArrayList<>();
      for (String l : Files.readAllLines(file)) {
        if (!l.isBlank() && Json.parse(l).path("step").asLong() < step) {
          kept.add(l);
        }
      }
      Files.write(file, kept);
    } else {
      Files.deleteIfExists(file);
    }
    metrics = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  private void writeMetrics(ObjectNode line) {
    try {
      metrics.write(line.toString());
      metrics.newLine();
      metrics.flush(); // one line per step is on disk as soon as the step ends
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + runDir.resolve("metrics.jsonl"), e);
    }
  }

  /** Writes a checkpoint of the current state (after the last completed step). */
  public Path saveCheckpoint() throws IOException {
    metrics.flush();
    ObjectNode state = Json.object();
    state.put("format", Checkpoint.FORMAT);
    state.put("formatVersion", Checkpoint.FORMAT_VERSION);
    state.put("step", step);
    state.set("model", Json.mapper().valueToTree(modelConfig()));
    state.set("trainer", config.toJson());
    state.set("corpus", corpusIdentity());
    state.set("mixer", mixer.snapshot());
    state.put("lrDigest", ResumeCheck.digest(schedule, step));
    state.put("tokensSeen", tokensSeen);
    state.put("nonFiniteInARow", nonFiniteInARow);
    state.put("phaseIndex", phaseIndex);
    AdamW.State opt = optimizer.exportState();
    state.put("optimizerUpdates", opt.updates());
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
    return Checkpoint.write(runDir.resolve("checkpoints"), step, state, params, moments,
        checkpointIo);
  }

  private ObjectNode corpusIdentity() {
    ObjectNode o = Json.object();
    o.put("vocabSize", corpus.manifest().vocabSize());
    o.put("blockLength", corpus.blockLength());
    ArrayNode ds = o.putArray("trainDomains");
    for (Domain d : domains) {
      ds.addObject().put("name", d.name()).put("blocks", d.blocks());
    }
    return o;
  }

  /** Loads only the model weights of another run's checkpoint (same model shape). */
  private void loadWeights(Path checkpointRoot) throws IOException {
    Path dir = Checkpoint.latest(checkpointRoot.resolve("checkpoints"));
    JsonNode state = Checkpoint.readState(dir);
    IncompatibleStateException.check("starting checkpoint model",
        Json.mapper().valueToTree(modelConfig()), StateReader.of(state, "checkpoint")
            .field("model"));
    List<Parameter> order = model.orderedParameters();
    List<Checkpoint.Tensor> expect = new ArrayList<>();
    for (Parameter p : order) {
      expect.add(new Checkpoint.Tensor(p.getName(), p.getArray().getShape().getShape(), null));
    }
    List<float[]> values = Checkpoint.readTensors(dir.resolve("params.bin"), expect,
        StateReader.of(state, "checkpoint").getInt("formatVersion"));
    for (int i = 0; i < order.size(); i++) {
      for (Device d : devices) {
        ps.getValue(order.get(i), d, true).set(values.get(i));
      }
    }
  }

  private void restore(Path dir) throws IOException {
    JsonNode state = Checkpoint.readState(dir);
    StateReader r = StateReader.of(state, "checkpoint");
    IncompatibleStateException.check("checkpoint format", Checkpoint.FORMAT,
        r.getString("format"));
    int version = r.getInt("formatVersion");
    if (version > Checkpoint.FORMAT_VERSION) {
      throw new IncompatibleStateException("checkpoint " + dir + " formatVersion expected <= "
          + Checkpoint.FORMAT_VERSION + " but found " + version);
    }
    IncompatibleStateException.check("checkpoint model", Json.mapper().valueToTree(modelConfig()),
        r.field("model"));
    IncompatibleStateException.check("checkpoint corpus", corpusIdentity(), r.field("corpus"));
    ResumeCheck.verify("checkpoint " + dir, r.field("trainer"), state.get("lrDigest"),
        r.getLong("step"), config, schedule, customSchedule, mixer.policy());
    List<Parameter> order = model.orderedParameters();
    List<Checkpoint.Tensor> expectParams = new ArrayList<>();
    List<Checkpoint.Tensor> expectMoments = new ArrayList<>();
    for (Parameter p : order) {
      long[] shape = p.getArray().getShape().getShape();
      expectParams.add(new Checkpoint.Tensor(p.getName(), shape, null));
      expectMoments.add(new Checkpoint.Tensor(p.getName() + ".m", shape, null));
      expectMoments.add(new Checkpoint.Tensor(p.getName() + ".v", shape, null));
    }
    List<float[]> values = Checkpoint.readTensors(dir.resolve("params.bin"), expectParams,
        version);
    List<float[]> moments = Checkpoint.readTensors(dir.resolve("optimizer.bin"), expectMoments,
        version);
    mixer.restore(r.field("mixer"));
    List<NDArray[]> copies = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      NDArray[] perDevice = new NDArray[devices.length];
      for (int d = 0; d < devices.length; d++) {
        perDevice[d] = ps.getValue(order.get(i), devices[d], true);
        perDevice[d].set(values.get(i));
      }
      copies.add(perDevice);
    }
    List<float[]> m = new ArrayList<>();
    List<float[]> v = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      m.add(moments.get(2 * i));
      v.add(moments.get(2 * i + 1));
    }
    optimizer.importState(new AdamW.State(r.getLong("optimizerUpdates"), m, v), copies);
    step = r.getLong("step");
    tokensSeen = r.getLong("tokensSeen");
    nonFiniteInARow = r.getInt("nonFiniteInARow");
    phaseIndex = r.getInt("phaseIndex");
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
      optimizer.close();
      manager.close();
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

  /** Builds a {@link MixingTrainer}. */
  public static final class Builder {
    private Corpus corpus;
    private TrainingConfig config = TrainingConfig.defaults();
    private JsonNode policySpec;
    private Path runDir;
    private PrintStream progress;
    private LearningRateSchedule schedule;
    private PolicyRegistry registry;
    private ExistingOutput existing = ExistingOutput.REFUSE;
    private Path initialWeights;
    private CheckpointIo checkpointIo = CheckpointIo.fileSystem();

    private Builder() {}

    /**
     * Optional: start from the model weights of another run's latest checkpoint (continual
     * pre-training); the optimizer, step and policy start fresh.
     */
    public Builder optInitialWeights(Path otherRunDirectory) {
      this.initialWeights = otherRunDirectory;
      return this;
    }

    /** Required: the corpus. */
    public Builder setCorpus(Corpus corpus) {
      this.corpus = corpus;
      return this;
    }

    /** Required: {@code {"policy": name, "config": {...}}}. */
    public Builder setPolicy(JsonNode spec) {
      this.policySpec = spec;
      return this;
    }

    /** Required: where metrics and checkpoints go. */
    public Builder setRunDirectory(Path dir) {
      this.runDir = dir;
      return this;
    }

    /** Optional: the training config (default: {@link TrainingConfig#defaults()}). */
    public Builder optConfig(TrainingConfig config) {
      this.config = config;
      return this;
    }

    /** Optional: a progress line on this stream. */
    public Builder optProgress(PrintStream out) {
      this.progress = out;
      return this;
    }

    /** Optional: a learning-rate schedule instead of the config's warmup + cosine. */
    public Builder optSchedule(LearningRateSchedule schedule) {
      this.schedule = schedule;
      return this;
    }

    /** Optional: the registry to find the policy in (default: the class path's). */
    public Builder optRegistry(PolicyRegistry registry) {
      this.registry = registry;
      return this;
    }

    /**
     * Optional: continue from the run directory's latest checkpoint. Every trainer setting must
     * match the checkpoint's but {@code device}, {@code checkpointEvery}, {@code logEvery} and
     * {@code maxNonFiniteInARow}; {@code steps} may change when no step already taken would
     * change: its learning rate and the policy's {@link dev.datamix.policy.Horizon} decide.
     */
    public Builder resume() {
      this.existing = ExistingOutput.RESUME;
      return this;
    }

    /**
     * Optional: delete the run found in the run directory completely before starting (a
     * directory that is not empty and holds no run is never deleted). Without this or {@link
     * #resume()}, a run directory that is not empty is an error.
     */
    public Builder overwrite() {
      this.existing = ExistingOutput.OVERWRITE;
      return this;
    }

    /**
     * Optional: the file operations checkpoints are written through (default {@link
     * CheckpointIo#fileSystem()}).
     */
    public Builder optCheckpointIo(CheckpointIo io) {
      this.checkpointIo = java.util.Objects.requireNonNull(io, "io");
      return this;
    }

    /**
     * The trainer.
     *
     * @throws IllegalArgumentException naming a missing setting or an unknown domain
     * @throws IncompatibleStateException if resuming from a checkpoint of another model, corpus,
     *     policy or config, or with more steps than the schedule or policy allows
     * @throws dev.datamix.state.OutputExistsException if the run directory is not empty and
     *     neither {@link #resume()} nor {@link #overwrite()} was given, or holds no run to resume
     *     or overwrite
     * @throws IOException if the run directory or checkpoint cannot be read or written
     */
    public MixingTrainer build() throws IOException {
      if (corpus == null || policySpec == null || runDir == null) {
        throw new IllegalArgumentException("corpus, policy and run directory must be set, got "
            + "corpus " + corpus + ", policy " + policySpec + ", runDir " + runDir);
      }
      if (registry == null) {
        registry = PolicyRegistry.load();
      }
      return new MixingTrainer(this);
    }
  }
}
