package dev.datamix.djl.train;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDScope;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.BatchAssembler;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.mixture.Domain;
import dev.datamix.mixture.LossWeights;
import dev.datamix.mixture.Mixture;
import dev.datamix.policy.Phase;
import dev.datamix.run.Accounting;
import dev.datamix.run.DataMixer;
import dev.datamix.sampler.BlockBatch;
import dev.datamix.schedule.LearningRateSchedule;
import dev.datamix.signal.BlockLosses;
import dev.datamix.state.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * One training step of {@link MixingTrainer}, in the order {@link dev.datamix.policy.MixingPolicy}
 * prescribes: a phase change (optimizer reset), the {@code BEFORE_STEP} signals, the batch drawn
 * and assembled, forward and backward, AdamW or a skipped update, the {@code AFTER_STEP} signals,
 * and the step's line in {@code metrics.jsonl}. It holds the run's counters, which checkpoints
 * save and restore.
 */
final class TrainingStep {
  /** The next step to run. */
  long step;
  /** Tokens trained on so far. */
  long tokensSeen;
  /** Non-finite losses in a row, and stopping a run that diverged. */
  final DivergenceGuard divergence;
  /** The policy phase of the last step run. */
  int phaseIndex;

  private final Corpus corpus;
  private final TrainingConfig config;
  private final int[] corpusDomains;
  private final List<Domain> domains;
  private final DataMixer mixer;
  private final TrainerMeter meter;
  private final ModelState state;
  private final LearningRateSchedule schedule;
  private final BatchAssembler assembler;
  private final BlockBatch batch;
  private final int[] mappedDomains;
  private final float[] blockWeights;
  private final List<String> pendingNotices = new ArrayList<>();
  private final boolean[] reportedExhausted;
  private int exhaustedSoFar;

  TrainingStep(Corpus corpus, TrainingConfig config, int[] corpusDomains, List<Domain> domains,
      DataMixer mixer, TrainerMeter meter, ModelState state, LearningRateSchedule schedule,
      BatchAssembler assembler) {
    this.corpus = corpus;
    this.config = config;
    this.corpusDomains = corpusDomains.clone();
    this.domains = domains;
    this.mixer = mixer;
    this.meter = meter;
    this.state = state;
    this.schedule = schedule;
    this.assembler = assembler;
    this.batch = new BlockBatch(config.batchSize());
    this.mappedDomains = new int[config.batchSize()];
    this.reportedExhausted = new boolean[domains.size()];
    this.blockWeights = new float[config.batchSize()];
    this.divergence = new DivergenceGuard(config);
  }

  /**
   * Sentences to write into the next step's metrics line and log, before the policy's own step
   * notices: the policy's plan notices, at the start of a run.
   */
  void announce(List<String> notices) {
    pendingNotices.addAll(notices);
  }

  /** After a restore: the domains already exhausted were reported before the checkpoint. */
  void restored() {
    exhaustedSoFar = mixer.sampler().exhaustedCount();
    for (int d = 0; d < domains.size(); d++) {
      reportedExhausted[d] = mixer.sampler().isExhausted(d);
    }
  }

  private void writeNotices(ObjectNode line, long t) {
    pendingNotices.addAll(mixer.policy().stepNotices(t));
    if (pendingNotices.isEmpty()) {
      return;
    }
    ArrayNode a = line.putArray("notices");
    for (String n : pendingNotices) {
      a.add(n);
      MixingTrainer.warn("step " + t + ": " + n);
    }
    pendingNotices.clear();
  }

  /** Runs step {@link #step}, writes its metrics line, and advances. */
  MixingTrainer.StepResult run(MetricsLog metrics) {
    long t = step;
    StepTimer timer = new StepTimer();
    ObjectNode line = Json.object();
    line.put("step", t);
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      Phase phase = mixer.policy().phase(t);
      if (phase.index() != phaseIndex) {
        if (phase.resetOptimizer()) {
          state.resetOptimizer();
        }
        phaseIndex = phase.index();
        line.put("phase", phase.name());
      }
      meter.startStep(timer);
      DataMixer.Measured measured = mixer.measureBeforeStep(t, meter);
      if (measured.heldOut() != null) {
        putDomainValues(line, "heldOut", measured.heldOut().loss().toArray(), Split.VALIDATION);
      }
      if (measured.alignment() != null) {
        line.set("alignment", Json.doubles(measured.alignment().scores().toArray()));
        if (measured.alignment().gram().size() > 0) {
          line.set("alignmentGram", Json.doubles(measured.alignment().gram().toArray()));
        }
      }
      Mixture requested = mixer.mixture(t);
      timer.lap(StepTimer.Phase.POLICY);
      mixer.drawBatch(t, config.batchSize(), batch);
      if (mixer.sampler().exhaustedCount() != exhaustedSoFar) {
        exhaustedSoFar = mixer.sampler().exhaustedCount();
        for (int d = 0; d < domains.size(); d++) {
          if (mixer.sampler().isExhausted(d) && !reportedExhausted[d]) {
            reportedExhausted[d] = true;
            pendingNotices.add("domain '" + domains.get(d).name() + "' reached its repetition "
                + "cap (maxEpochs " + config.capsFor(Domain.names(domains)).get(
                    domains.get(d).name()) + "); its weight goes to the other domains");
          }
        }
      }
      for (int i = 0; i < batch.size(); i++) {
        mappedDomains[i] = corpusDomains[batch.domain(i)];
      }
      assembler.assemble(mappedDomains, batch.blocks(), batch.size());
      timer.lap(StepTimer.Phase.DATA);
      LossWeights lossWeights = mixer.lossWeights(t);
      float[] weights = null;
      if (!lossWeights.isNone()) {
        lossWeights.perBlock(batch.domains(), batch.size(), blockWeights);
        weights = blockWeights;
      }
      float[] tokenLosses = meter.wantsTokenLosses()
          ? new float[batch.size() * (assembler.rowLength() - 1)] : null;
      float[] perBlock = state.forwardBackward(assembler.tokens(), batch.size(),
          assembler.rowLength(), weights, tokenLosses);
      double loss = 0;
      boolean finite = true;
      for (float l : perBlock) {
        loss += l;
        finite &= Float.isFinite(l);
      }
      loss /= perBlock.length;
      timer.lap(StepTimer.Phase.FORWARD_BACKWARD);
      double lr = schedule.at(t);
      if (finite) {
        line.put("gradNorm", state.update(lr));
      } else {
        state.discardUpdate();
      }
      divergence.record(t, loss, finite);
      timer.lap(StepTimer.Phase.OPTIMIZER);
      if (finite) {
        BlockLosses losses = BlockLosses.of(t, batch.domains(), batch.blocks(), perBlock,
            perBlock.length);
        putDomainValues(line, "trainLoss", losses.trainingLoss(domains.size()).loss().toArray(),
            Split.TRAIN);
        meter.trained(losses, assembler.tokens(), tokenLosses, assembler.rowLength());
        mixer.observeAfterStep(t, measured.request(), meter);
      }
      writeNotices(line, t);
      timer.lap(StepTimer.Phase.POLICY);
      tokensSeen += (long) batch.size() * corpus.blockLength();
      line.put("loss", loss).put("lr", lr).put("tokens", tokensSeen).put("skipped", !finite);
      ObjectNode w = line.putObject("weights");
      Mixture eff = batch.mixture();
      for (int i = 0; i < eff.size(); i++) {
        w.put(eff.names().get(i), eff.weight(i));
      }
      int[] drawn = new int[domains.size()];
      for (int j = 0; j < batch.size(); j++) {
        drawn[batch.domain(j)]++;
      }
      ObjectNode served = line.putObject("batchBlocks"); // what the batch holds, not its odds
      for (int i = 0; i < drawn.length; i++) {
        served.put(domains.get(i).name(), drawn[i]);
      }
      if ((t + 1) % config.logEvery() == 0 || t + 1 == config.steps()) {
        line.set("accounting", Accounting.of(mixer.sampler()).toJson()); // cumulative
      }
      if (!lossWeights.isNone()) {
        ObjectNode u = line.putObject("lossWeights");
        for (int i = 0; i < domains.size(); i++) {
          u.put(domains.get(i).name(), lossWeights.weight(i));
        }
      }
      double wallMs = timer.writeTo(line);
      metrics.write(line);
      step = t + 1;
      divergence.stopIfDiverged(t);
      return new MixingTrainer.StepResult(t, loss, lr, perBlock, requested, !finite, wallMs);
    } catch (EngineException e) {
      throw EngineFailures.of(e, t, config, state.devices().length);
    }
  }

  private void putDomainValues(ObjectNode line, String key, double[] values, Split bpbSplit) {
    ObjectNode o = line.putObject(key);
    ObjectNode bpb = bpbSplit == null ? null : line.putObject(key + "Bpb");
    for (int d = 0; d < values.length; d++) {
      if (!Double.isNaN(values[d])) {
        o.put(domains.get(d).name(), values[d]);
        if (bpb != null) {
          bpb.put(domains.get(d).name(), corpus.bitsPerByte(values[d], corpusDomains[d], bpbSplit));
        }
      }
    }
  }

}
