package dev.datamix.examples.djlloop;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import dev.datamix.corpus.Corpus;
import dev.datamix.djl.adapter.BlockIndex;
import dev.datamix.djl.adapter.CorpusDataset;
import dev.datamix.djl.adapter.MixingTrainingListener;
import dev.datamix.djl.adapter.MixtureBatchSampler;
import dev.datamix.djl.model.GptConfig;
import dev.datamix.djl.model.GptModel;
import dev.datamix.djl.model.NextTokenLoss;
import dev.datamix.examples.ExampleArgs;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.policy.PolicyContext;
import dev.datamix.policy.PolicyRegistry;
import dev.datamix.run.DataMixer;
import dev.datamix.sampler.SamplerOptions;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Embedding datamix in your own DJL {@code Trainer} loop: {@link CorpusDataset} serves corpus
 * blocks, {@link MixtureBatchSampler} (a DJL {@code Sampler}) draws every batch from the
 * policy's mixture, and {@link MixingTrainingListener} (a DJL {@code TrainingListener}) sends the
 * per-domain and per-block training losses back to the policy. The loop, optimizer and model
 * are yours; here LFR, which needs per-block losses, picks the blocks. Signals measured before a
 * step (held-out loss, gradient alignment) need {@code MixingTrainer}. See {@code
 * examples/djl-trainer-loop/README.md}.
 */
public final class OwnDjlTrainerLoop {
  private OwnDjlTrainerLoop() {}

  /** Options: {@code --tiny}, {@code --work=DIR}. */
  public static void main(String[] args) throws IOException, TranslateException {
    ExampleArgs a = ExampleArgs.parse("djl-trainer-loop", args);
    a.freshWorkDirectory();
    int batchSize = (int) a.size(16, 4);
    long steps = a.size(200, 6);
    long seed = 7;
    try (Corpus corpus = Corpus.open(a.demoCorpus()); Model model = Model.newInstance("gpt")) {
      List<String> domains = List.of("template", "arith", "code", "noise", "small");
      CorpusDataset.Builder data = CorpusDataset.builder().setCorpus(corpus, domains);
      MixingPolicy policy = PolicyRegistry.load().create(
          PolicyContext.of(data.domains(), seed), Json.parse("{\"policy\": \"lfr\"}"));
      DataMixer mixer = new DataMixer(policy, SamplerOptions.seed(seed));
      BlockIndex index = new BlockIndex(data.domains());
      MixtureBatchSampler sampler = new MixtureBatchSampler(mixer, index, batchSize, 0, steps);
      // prefetching stays off: the policy must see a batch's losses before the next is drawn
      CorpusDataset dataset = data.setSampling(sampler).build();
      MixingTrainingListener listener = new MixingTrainingListener(mixer, sampler, index, 0);

      GptModel gpt = new GptModel(new GptConfig(corpus.manifest().vocabSize(), corpus.blockLength(),
          a.tiny() ? 1 : 2, a.tiny() ? 16 : 64, 2, 4, true));
      gpt.initializeWeights(model.getNDManager(), seed);
      model.setBlock(gpt);
      DefaultTrainingConfig config = new DefaultTrainingConfig(new NextTokenLoss())
          .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(2e-3f)).build())
          .optDevices(new Device[] {Device.cpu()})
          .addTrainingListeners(listener);
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(batchSize, corpus.blockLength()));
        for (Batch batch : trainer.iterateDataset(dataset)) {
          EasyTrain.trainBatch(trainer, batch);
          trainer.step();
          batch.close();
        }
      }
      System.out.printf(Locale.ROOT, "trained %d steps of %d blocks in a plain DJL loop; "
          + "blocks served per domain:%n", listener.step(), batchSize);
      for (int d = 0; d < domains.size(); d++) {
        System.out.printf(Locale.ROOT, "  %-10s %6d of %6d  (LFR eligible now: %d)%n",
            domains.get(d), mixer.sampler().blocksServed(d), data.domains().get(d).blocks(),
            policy.blockSelection(d).size());
      }
      Path state = a.work().resolve("mixer.json");
      mixer.save(state);
      System.out.println("mixer state (restore it with mixer.load to resume): " + state);
    }
  }
}
