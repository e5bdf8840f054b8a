package dev.datamix.djl.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import dev.datamix.djl.model.NextTokenLoss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.datamix.config.ConfigSchema;
import dev.datamix.config.PolicyConfig;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.demo.DemoCorpus;
import dev.datamix.djl.model.GptConfig;
import dev.datamix.djl.model.GptModel;
import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixture;
import dev.datamix.policy.AbstractMixingPolicy;
import dev.datamix.policy.PolicyContext;
import dev.datamix.run.DataMixer;
import dev.datamix.sampler.BlockBatch;
import dev.datamix.sampler.SamplerOptions;
import dev.datamix.signal.BlockLosses;
import dev.datamix.signal.Observation;
import dev.datamix.signal.SignalRequest;
import dev.datamix.state.StateReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DjlLoopAdapterTest {
  @TempDir Path dir;

  /** Uniform weights; asks for training and block losses every step and records them. */
  static final class Recording extends AbstractMixingPolicy {
    final List<Observation> received = new ArrayList<>();

    Recording(PolicyContext c) {
      super("recording", c, ConfigSchema.of("recording", List.of()).parse(
          dev.datamix.state.Json.object()));
    }

    @Override
    protected SignalRequest requestSignals(long step) {
      return SignalRequest.builder().trainingLoss().blockLosses().build();
    }

    @Override
    protected void onObservation(Observation o) {
      received.add(o);
    }

    @Override
    protected Mixture currentMixture(long step) {
      return Mixture.uniform(domainNames());
    }

    @Override
    protected void writeState(com.fasterxml.jackson.databind.node.ObjectNode state) {}

    @Override
    protected void readState(StateReader state) {}
  }

  /**
   * Trains a 1-layer GPT of context 16 with Adam in a plain DJL loop over {@code dataset}
   * (batches of 8), {@code listener} registered.
   */
  static void trainTinyGpt(Model model, ai.djl.training.loss.Loss loss,
      MixingTrainingListener listener, CorpusDataset dataset) throws IOException {
    GptModel gpt = new GptModel(new GptConfig(257, 16, 1, 16, 2, 2, true));
    gpt.initializeWeights(model.getNDManager(), 3);
    model.setBlock(gpt);
    DefaultTrainingConfig cfg = new DefaultTrainingConfig(loss)
        .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build())
        .optDevices(new Device[] {Device.cpu()})
        .addTrainingListeners(listener);
    try (Trainer trainer = model.newTrainer(cfg)) {
      trainer.initialize(new Shape(8, 16));
      for (Batch batch : trainer.iterateDataset(dataset)) {
        EasyTrain.trainBatch(trainer, batch);
        trainer.step();
        batch.close();
      }
    } catch (ai.djl.translate.TranslateException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aDjlTrainerLoopDrawsFromThePolicyAndFeedsLossesBack() throws IOException {
    DemoCorpus.write(dir.resolve("c"), 30_000, 16, 1);
    try (Corpus corpus = Corpus.open(dir.resolve("c")); Model model = Model.newInstance("gpt")) {
      List<String> names = List.of("template", "arith", "noise");
      CorpusDataset.Builder b = CorpusDataset.builder().setCorpus(corpus, names);
      Recording policy = new Recording(PolicyContext.of(b.domains(), 5));
      DataMixer mixer = new DataMixer(policy, SamplerOptions.seed(5));
      BlockIndex index = new BlockIndex(b.domains());
      MixtureBatchSampler sampler = new MixtureBatchSampler(mixer, index, 8, 0, 12);
      CorpusDataset dataset = b.setSampling(sampler).build();
      MixingTrainingListener listener = new MixingTrainingListener(mixer, sampler, index, 0);
      trainTinyGpt(model, new NextTokenLoss(), listener, dataset);
      assertEquals(12, listener.step());
      // replay the draws: the same seed and mixture give the same (domain, block) sequence
      DataMixer replay = new DataMixer(new Recording(PolicyContext.of(b.domains(), 5)),
          SamplerOptions.seed(5));
      BlockBatch expected = new BlockBatch(8);
      int blockObservations = 0;
      for (Observation o : policy.received) {
        if (o instanceof BlockLosses bl) {
          replay.drawBatch(bl.step(), 8, expected);
          for (int i = 0; i < 8; i++) {
            assertEquals(expected.domain(i), bl.domain(i), "step " + bl.step() + " row " + i);
            assertEquals(expected.block(i), bl.block(i));
            assertTrue(bl.loss(i) > 0 && bl.loss(i) < 10, "loss " + bl.loss(i));
          }
          blockObservations++;
        }
      }
      assertEquals(12, blockObservations);
      assertEquals(12, policy.received.stream()
          .filter(o -> o instanceof Observation.TrainingLoss).count());
    }
  }

  @Test
  void askingForTheNextBatchBeforeReportingLossesIsRefused() throws IOException {
    DemoCorpus.write(dir.resolve("c"), 30_000, 16, 1);
    try (Corpus corpus = Corpus.open(dir.resolve("c"))) {
      List<String> names = List.of("template", "arith");
      CorpusDataset.Builder b = CorpusDataset.builder().setCorpus(corpus, names);
      DataMixer mixer = new DataMixer(new Recording(PolicyContext.of(b.domains(), 5)),
          SamplerOptions.seed(5));
      BlockIndex index = new BlockIndex(b.domains());
      MixtureBatchSampler sampler = new MixtureBatchSampler(mixer, index, 4, 0, 10);
      CorpusDataset dataset = b.setSampling(sampler).build();
      var it = sampler.sample(dataset);
      it.next();
      IllegalStateException e = assertThrows(IllegalStateException.class, it::next);
      assertTrue(e.getMessage().contains("disable prefetching"), e.getMessage());
      assertEquals(Domain.names(b.domains()), names);
    }
  }
}
