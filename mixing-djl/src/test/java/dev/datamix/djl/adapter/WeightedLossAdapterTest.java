package dev.datamix.djl.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.demo.DemoCorpus;
import dev.datamix.djl.model.LanguageModelLoss;
import dev.datamix.doremi.DoReMiPolicy;
import dev.datamix.mixture.Domain;
import dev.datamix.mixture.LossWeights;
import dev.datamix.mixture.Mixture;
import dev.datamix.policy.PolicyContext;
import dev.datamix.policy.PolicyRegistry;
import dev.datamix.run.DataMixer;
import dev.datamix.sampler.SamplerOptions;
import dev.datamix.signal.ReferenceLossTable;
import dev.datamix.signal.ReferenceLosses;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DoReMi's proxy in a plain DJL loop: reference losses from a table, the loss weighted. */
class WeightedLossAdapterTest {
  @TempDir Path dir;

  @Test
  void aDjlLoopTrainsDoReMisProxyOnTheWeightedLossWithATable() throws IOException {
    DemoCorpus.write(dir.resolve("c"), 30_000, 16, 1);
    try (Corpus corpus = Corpus.open(dir.resolve("c")); Model model = Model.newInstance("gpt")) {
      List<String> names = List.of("template", "arith", "noise");
      CorpusDataset.Builder b = CorpusDataset.builder().setCorpus(corpus, names);
      List<Domain> domains = b.domains();
      float[][] ref = new float[domains.size()][];
      for (int d = 0; d < ref.length; d++) {
        ref[d] = new float[(int) domains.get(d).blocks()];
        java.util.Arrays.fill(ref[d], d == 1 ? 0f : 9f); // arith: everything is excess
      }
      ReferenceLossTable.write(dir.resolve("table"), domains, ref, Json.object(), Json.object());
      ReferenceLossTable table = ReferenceLossTable.open(dir.resolve("table"), domains,
          Json.object(), Json.object(), ReferenceLossTable.Storage.MAPPED);
      DataMixer mixer = new DataMixer(PolicyRegistry.load().create("doremi",
          PolicyContext.of(domains, 5), Map.of()), SamplerOptions.seed(5));
      BlockIndex index = new BlockIndex(domains);
      MixtureBatchSampler sampler = new MixtureBatchSampler(mixer, index, 8, 0, 6);
      CorpusDataset dataset = b.setSampling(sampler).build();
      MixingTrainingListener listener = new MixingTrainingListener(mixer, sampler, index, 0,
          table);
      DjlLoopAdapterTest.trainTinyGpt(model, new WeightedNextTokenLoss(sampler), listener,
          dataset);
      DoReMiPolicy p = (DoReMiPolicy) mixer.policy();
      Mixture alpha = p.weights();
      assertTrue(alpha.weight("arith") > 0.9, "arith's excess drew α to it: " + alpha);
      assertEquals(0, p.excessLosses()[0], 0.0, "template is below its reference 9");
      assertEquals(6, p.blockLevelUpdates(), "every step's losses came from the table");
    }
  }

  @Test
  void theLossIsTheWeightedMeanOfTheRowsOfTheBatchDrawnLast() throws IOException {
    DemoCorpus.write(dir.resolve("c"), 30_000, 16, 1);
    try (Corpus corpus = Corpus.open(dir.resolve("c"));
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      CorpusDataset.Builder b = CorpusDataset.builder().setCorpus(corpus,
          List.of("template", "arith"));
      // uneven reference weights, so that the loss weights differ from 1
      com.fasterxml.jackson.databind.node.ObjectNode cfg = Json.object();
      cfg.putObject("referenceWeights").put("template", 3).put("arith", 1);
      DataMixer mixer = new DataMixer(PolicyRegistry.load().create("doremi",
          PolicyContext.of(b.domains(), 5), cfg), SamplerOptions.seed(5));
      BlockIndex index = new BlockIndex(b.domains());
      MixtureBatchSampler sampler = new MixtureBatchSampler(mixer, index, 4, 0, 2);
      Iterator<List<Long>> it = sampler.sample(b.setSampling(sampler).build());
      List<Long> first = it.next();
      // step 0's excess: template's blocks 0.5 nats above the reference, arith's none
      int[] d0 = new int[4];
      long[] b0 = new long[4];
      float[] excess = new float[4];
      for (int i = 0; i < 4; i++) {
        d0[i] = index.domainOf(first.get(i));
        b0[i] = index.blockOf(first.get(i));
        excess[i] = d0[i] == 0 ? 0.5f : 0f;
      }
      mixer.observe(ReferenceLosses.of(0, d0, b0, new float[4], excess, 4, true));
      sampler.reported(0);
      List<Long> rows = it.next();
      NDArray logits = m.randomNormal(new Shape(4, 5, 257));
      NDArray labels = m.randomInteger(0, 257, new Shape(4, 5), ai.djl.ndarray.types.DataType.INT64);
      float[] perBlock = LanguageModelLoss.perBlock(logits, labels).toFloatArray();
      LossWeights u = mixer.lossWeights(1);
      assertTrue(Math.abs(u.weight(0) / u.weight(1) - 1) > 0.1, "uneven weights: " + u);
      float[] w = new float[4];
      int[] doms = new int[4];
      for (int i = 0; i < 4; i++) {
        doms[i] = index.domainOf(rows.get(i));
      }
      u.perBlock(doms, 4, w);
      double expected = 0;
      for (int i = 0; i < 4; i++) {
        expected += w[i] * perBlock[i] / 4;
      }
      float got = new WeightedNextTokenLoss(sampler).evaluate(new NDList(labels),
          new NDList(logits)).getFloat();
      assertEquals(expected, got, 1e-5);
    }
  }
}
