package dev.datamix.djl.workflow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.djl.train.MixingTrainer;
import dev.datamix.djl.train.ReferenceTables;
import dev.datamix.djl.train.TrainingConfig;
import dev.datamix.mixlaw.SwarmPlan;
import dev.datamix.mixlaw.SwarmRunner;
import dev.datamix.mixture.Domain;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A swarm's proxy runs on the DJL trainer: each run trains its {@code explicit} mix with the
 * proxy's trainer config in its own directory (resumed from its latest checkpoint if it has one,
 * else started anew there), then measures the final model on the validation split's fixed
 * blocks ({@code evalBlocksPerDomain} per domain, the blocks of the trainer's held-out signal):
 * {@code <domain>_bpb} for each training domain, {@code mean_bpb}, and {@code target_bpb} when a
 * {@code targetDomain} is set. The proposal is chosen on validation data; the main runs are
 * compared on the test split. Every run uses the config's seed, so runs differ only in their mix.
 */
public final class TrainerSwarmRunner implements SwarmRunner {
  private final Corpus corpus;
  private final TrainingConfig config;

  /**
   * @param corpus the prepared corpus
   * @param config the proxy's trainer settings (model size, steps, batch, schedule, seed)
   */
  public TrainerSwarmRunner(Corpus corpus, TrainingConfig config) {
    this.corpus = corpus;
    this.config = config;
  }

  /** The settings a swarm records: the corpus and the proxy's trainer config. */
  public ObjectNode settings() {
    ObjectNode o = Json.object();
    o.set("corpus", Workflows.corpus(corpus));
    o.set("trainer", config.toJson());
    return o;
  }

  /** The training domains the swarm mixes over. */
  public List<Domain> domains() {
    return ReferenceTables.trainDomains(corpus, config);
  }

  /** Tokens one proxy run trains on. */
  public long tokensPerRun() {
    return config.steps() * config.batchSize() * (long) corpus.blockLength();
  }

  @Override
  public Map<String, Double> run(SwarmPlan.Run run, Path runDir) throws IOException {
    try (MixingTrainer t = Workflows.trainer(corpus, run.policySpec(), config, runDir, true, null)
        .build()) {
      t.train();
      double[] bpb = t.evaluate(Split.VALIDATION);
      for (int d = 0; d < bpb.length; d++) {
        bpb[d] = t.bitsPerByte(bpb[d], d, Split.VALIDATION);
      }
      Map<String, Double> m = SwarmRunner.perDomain(t.domains(), bpb);
      String target = config.targetDomain();
      if (!target.isEmpty()) {
        double n = t.evaluateDomain(target, Split.VALIDATION);
        m.put("target_bpb", corpus.bitsPerByte(n, corpus.domainIndex(target), Split.VALIDATION));
      }
      return m;
    }
  }
}
