package dev.datamix.djl.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.corpus.demo.DemoCorpus;
import dev.datamix.djl.Devices;
import dev.datamix.djl.train.MixingTrainer;
import dev.datamix.djl.train.MixingTrainerTest;
import dev.datamix.djl.train.ReferenceModel;
import dev.datamix.djl.train.ReferenceTables;
import dev.datamix.djl.train.TrainingConfig;
import dev.datamix.corpus.BatchAssembler;
import dev.datamix.mixture.Domain;
import dev.datamix.run.RunDirectory;
import dev.datamix.signal.ReferenceLossTable;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoReMiWorkflowTest {
  @TempDir Path dir;

  static final String SMALL = "{\"layers\": 1, \"dModel\": 16, \"heads\": 2, \"batchSize\": 8, "
      + "\"steps\": 30, \"warmupSteps\": 2, \"peakLr\": 0.005, \"evalBlocksPerDomain\": 4, "
      + "\"trainDomains\": [\"template\", \"arith\", \"noise\"]}";

  @Test
  void theStagesTrainAReferenceAProxyAgainstItAndWriteTheAveragedWeights() throws IOException {
    DemoCorpus.write(dir.resolve("c"), 30_000, 16, 1);
    TrainingConfig cfg = TrainingConfig.fromJson(Json.parse(SMALL));
    try (Corpus corpus = Corpus.open(dir.resolve("c"))) {
      DoReMiWorkflow w = new DoReMiWorkflow(corpus, dir.resolve("fit"), cfg,
          Json.parse("{\"policy\": \"uniform\"}"), Json.object(), false, 1, null, null);
      ObjectNode spec = w.runMissing(false);
      assertEquals("explicit", spec.get("policy").asText());
      JsonNode out = Json.read(w.output(1, DoReMiWorkflow.Stage.OUTPUT));
      double sum = 0;
      for (String d : List.of("template", "arith", "noise")) {
        double v = spec.at("/config/weights/" + d).asDouble();
        assertTrue(v > 0, d + " " + v);
        sum += v;
      }
      assertEquals(1.0, sum, 1e-9);
      assertEquals(0, out.get("blockLevelUpdates").asLong(), "on the fly: clipped per token");
      assertEquals(30, out.at("/compute/reference/steps").asLong());
      assertEquals(30, out.at("/compute/proxy/steps").asLong());
      assertTrue(out.at("/compute/proxy/wallSeconds").asDouble() > 0);
      // the proxy ran the reference model every step and weighted its loss by α/p
      List<ObjectNode> lines = new RunDirectory(w.output(1, DoReMiWorkflow.Stage.PROXY))
          .readMetrics();
      assertTrue(lines.get(5).path("timeMs").path("reference").asDouble() > 0, lines.get(5)
          .toString());
      assertTrue(lines.get(5).has("lossWeights"), lines.get(5).toString());
      assertEquals(1.0 / 3, lines.get(5).at("/weights/arith").asDouble(), 0.2,
          "batches come from the uniform reference weights");
      // a second call finds every stage done and changes nothing
      long before = Files.getLastModifiedTime(w.output(1, DoReMiWorkflow.Stage.OUTPUT)).toMillis();
      w.runMissing(false);
      assertEquals(before, Files.getLastModifiedTime(w.output(1, DoReMiWorkflow.Stage.OUTPUT))
          .toMillis());
    }
  }

  @Test
  void aPrecomputedTableHoldsTheReferenceModelsLossOfEveryBlock() throws IOException {
    DemoCorpus.write(dir.resolve("c"), 30_000, 16, 1);
    TrainingConfig cfg = TrainingConfig.fromJson(Json.parse(SMALL));
    try (Corpus corpus = Corpus.open(dir.resolve("c"))) {
      DoReMiWorkflow w = new DoReMiWorkflow(corpus, dir.resolve("fit"), cfg,
          Json.parse("{\"policy\": \"proportional\"}"), Json.object(), true, 2, null, null);
      w.runMissing(false);
      JsonNode out = Json.read(w.output(2, DoReMiWorkflow.Stage.OUTPUT));
      assertEquals(30, out.get("blockLevelUpdates").asLong(), "table: clipped per block");
      JsonNode round2 = Json.read(new RunDirectory(w.output(2, DoReMiWorkflow.Stage.REFERENCE))
          .result()).get("policy");
      assertEquals(Json.read(w.output(1, DoReMiWorkflow.Stage.OUTPUT)).get("spec"), round2,
          "iterated: round 2's reference trains on round 1's output");
      List<Domain> domains = ReferenceTables.trainDomains(corpus, cfg);
      Path ref = w.output(1, DoReMiWorkflow.Stage.REFERENCE);
      try (ReferenceModel model = ReferenceModel.load(ref, corpus, Devices.select("cpu")[0])) {
        ReferenceLossTable table = ReferenceLossTable.open(
            w.output(1, DoReMiWorkflow.Stage.TABLE), domains,
            Json.read(w.output(1, DoReMiWorkflow.Stage.TABLE).resolve("table.json"))
                .get("corpus"), model.identity(), ReferenceLossTable.Storage.MAPPED);
        BatchAssembler a = new BatchAssembler(corpus, Split.TRAIN, 3);
        int d = corpus.domainIndex("arith");
        long last = domains.get(1).blocks() - 1;
        a.assemble(new int[] {d, d, d}, new long[] {0, 7, last}, 3);
        float[] direct = model.perBlockLosses(a.tokens(), 3, a.rowLength());
        assertEquals(direct[0], table.loss(1, 0), 0f);
        assertEquals(direct[1], table.loss(1, 7), 0f);
        assertEquals(direct[2], table.loss(1, last), 0f);
        // a table is keyed by its reference model: another one is refused
        ObjectNode other = model.identity().put("paramsSha256", "0");
        IncompatibleStateException e = assertThrows(IncompatibleStateException.class,
            () -> ReferenceLossTable.open(w.output(1, DoReMiWorkflow.Stage.TABLE), domains,
                Json.read(w.output(1, DoReMiWorkflow.Stage.TABLE).resolve("table.json"))
                    .get("corpus"), other, ReferenceLossTable.Storage.HEAP));
        assertTrue(e.getMessage().contains("reference model"), e.getMessage());
      }
    }
  }

  /** A proxy trained 8 + 8 steps with a resume between equals one trained 16 straight. */
  @Test
  void aProxyResumesExactlyAndOnlyAgainstTheSameReference() throws IOException {
    DemoCorpus.write(dir.resolve("c"), 30_000, 16, 1);
    TrainingConfig cfg = TrainingConfig.fromJson(Json.parse(SMALL)).with(Json.parse(
        "{\"steps\": 16}"));
    JsonNode proxy = Json.parse("{\"policy\": \"doremi\"}");
    try (Corpus corpus = Corpus.open(dir.resolve("c"))) {
      for (String ref : List.of("refA", "refB")) {
        try (MixingTrainer t = MixingTrainer.builder().setCorpus(corpus)
            .optConfig(cfg.with(Json.parse("{\"seed\": " + (ref.equals("refA") ? 1 : 2) + "}")))
            .setRunDirectory(dir.resolve(ref)).setPolicy(Json.parse("{\"policy\": \"uniform\"}"))
            .build()) {
          t.train();
        }
      }
      try (MixingTrainer t = MixingTrainer.builder().setCorpus(corpus).optConfig(cfg)
          .setRunDirectory(dir.resolve("straight")).setPolicy(proxy)
          .optReferenceModel(dir.resolve("refA")).build()) {
        t.train();
      }
      try (MixingTrainer t = MixingTrainer.builder().setCorpus(corpus).optConfig(cfg)
          .setRunDirectory(dir.resolve("split")).setPolicy(proxy)
          .optReferenceModel(dir.resolve("refA")).build()) {
        t.trainUntil(8);
      }
      IncompatibleStateException other = assertThrows(IncompatibleStateException.class,
          () -> MixingTrainer.builder().setCorpus(corpus).optConfig(cfg)
              .setRunDirectory(dir.resolve("split")).setPolicy(proxy)
              .optReferenceModel(dir.resolve("refB")).resume().build());
      assertTrue(other.getMessage().contains("reference.json"), other.getMessage());
      try (MixingTrainer t = MixingTrainer.builder().setCorpus(corpus).optConfig(cfg)
          .setRunDirectory(dir.resolve("split")).setPolicy(proxy)
          .optReferenceModel(dir.resolve("refA")).resume().build()) {
        t.train();
      }
      assertEquals(MixingTrainerTest.withoutTimes(dir.resolve("straight/metrics.jsonl")),
          MixingTrainerTest.withoutTimes(dir.resolve("split/metrics.jsonl")));
    }
  }

  @Test
  void aProxyWithoutAReferenceIsRefusedNamingTheOptions() throws IOException {
    DemoCorpus.write(dir.resolve("c"), 30_000, 16, 1);
    TrainingConfig cfg = TrainingConfig.fromJson(Json.parse(SMALL));
    try (Corpus corpus = Corpus.open(dir.resolve("c"))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> MixingTrainer.builder().setCorpus(corpus).optConfig(cfg)
              .setRunDirectory(dir.resolve("run"))
              .setPolicy(Json.parse("{\"policy\": \"doremi\"}")).build());
      assertTrue(e.getMessage().contains("--reference-run")
          && e.getMessage().contains("--reference-table"), e.getMessage());
      assertTrue(!Files.exists(dir.resolve("run")) || Files.list(dir.resolve("run")).findAny()
          .isEmpty(), "nothing written");
    }
  }
}
