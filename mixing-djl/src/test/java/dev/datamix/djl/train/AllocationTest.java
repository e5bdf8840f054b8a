package dev.datamix.djl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.demo.DemoCorpus;
import dev.datamix.sampler.SamplerOptions.Allocation;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer's {@code allocation} key: exact batches, the policy's preference, resume. */
class AllocationTest {
  @TempDir Path dir;

  static TrainingConfig config(String allocation) {
    ObjectNode o = (ObjectNode) Json.parse("{\"layers\": 1, \"dModel\": 16, \"heads\": 2, "
        + "\"batchSize\": 8, \"steps\": 6, \"warmupSteps\": 1, \"evalBlocksPerDomain\": 2, "
        + "\"trainDomains\": [\"template\", \"arith\", \"code\", \"noise\"]}");
    if (allocation != null) {
      o.put("allocation", allocation);
    }
    return TrainingConfig.fromJson(o);
  }

  MixingTrainer trainer(Corpus c, String policy, String allocation, String run)
      throws IOException {
    return MixingTrainer.builder().setCorpus(c).optConfig(config(allocation))
        .setRunDirectory(dir.resolve(run)).setPolicy(Json.parse(policy)).build();
  }

  static final String UNIFORM = "{\"policy\": \"uniform\"}";
  static final String CONTINUAL = "{\"policy\": \"continual\", \"config\": {\"phases\": ["
      + "{\"name\": \"A\", \"steps\": 3, \"domains\": [\"template\", \"arith\"]}, "
      + "{\"name\": \"B\", \"steps\": 3, \"domains\": [\"code\", \"noise\"], \"replay\": 0.25}]}}";

  @Test
  void exactBatchesServeTheMixturesCountsAndAutoFollowsThePolicy() throws IOException {
    DemoCorpus.write(dir.resolve("c"), 20_000, 16, 1);
    try (Corpus c = Corpus.open(dir.resolve("c"))) {
      try (MixingTrainer t = trainer(c, UNIFORM, "exact", "exact")) {
        assertEquals(Allocation.EXACT, t.mixer().sampler().options().allocation());
        t.train();
        for (int d = 0; d < 4; d++) {
          assertEquals(12, t.mixer().sampler().blocksServed(d), "2 of every 8 blocks, 6 steps");
        }
      }
      try (MixingTrainer t = trainer(c, UNIFORM, null, "auto-uniform")) {
        assertEquals(Allocation.RANDOM, t.mixer().sampler().options().allocation());
      }
      try (MixingTrainer t = trainer(c, CONTINUAL, null, "auto-continual")) {
        assertEquals(Allocation.EXACT, t.mixer().sampler().options().allocation(),
            "continual's replay share is meant per batch");
        t.train();
        // phase B (steps 3-5): 25% replay of A's two domains = 2 of 8 blocks, 6 from B's two
        long replayed = t.mixer().sampler().blocksServed(0) + t.mixer().sampler()
            .blocksServed(1) - 3 * 8;
        assertEquals(6, replayed, "2 replayed blocks in each of the 3 phase-B steps");
      }
      try (MixingTrainer t = trainer(c, CONTINUAL, "random", "random-continual")) {
        assertEquals(Allocation.RANDOM, t.mixer().sampler().options().allocation());
      }
    }
  }

  /**
   * {@code allocation: grouped} under ODM, its warm-up mixture giving way to the bandit at step 2:
   * a run stopped at step 3 and resumed trains, draws and counts what the uninterrupted run does.
   */
  @Test
  void groupedDrawsResumeExactlyAcrossAChangeOfWeights() throws IOException {
    DemoCorpus.write(dir.resolve("c"), 20_000, 16, 1);
    String odm = "{\"policy\": \"odm\", \"config\": {\"warmupSteps\": 2, \"warmupWeights\": "
        + "{\"template\": 5, \"arith\": 1, \"code\": 1, \"noise\": 1}}}";
    try (Corpus c = Corpus.open(dir.resolve("c"))) {
      java.util.List<MixingTrainer.StepResult> full;
      String fullState;
      try (MixingTrainer t = trainer(c, odm, "grouped", "full")) {
        assertEquals(Allocation.GROUPED, t.mixer().sampler().options().allocation());
        full = t.train();
        fullState = Json.write(t.mixer().sampler().snapshot());
      }
      java.util.List<MixingTrainer.StepResult> split = new java.util.ArrayList<>();
      try (MixingTrainer t = trainer(c, odm, "grouped", "split")) {
        split.addAll(t.trainUntil(3));
      }
      try (MixingTrainer t = MixingTrainer.builder().setCorpus(c).optConfig(config("grouped"))
          .setRunDirectory(dir.resolve("split")).setPolicy(Json.parse(odm)).resume().build()) {
        split.addAll(t.train());
        assertEquals(fullState, Json.write(t.mixer().sampler().snapshot()));
      }
      assertEquals(full.size(), split.size());
      for (int i = 0; i < full.size(); i++) {
        assertEquals(full.get(i).loss(), split.get(i).loss(), 0.0, "loss at step " + i);
        assertEquals(full.get(i).mixture(), split.get(i).mixture(), "mixture at step " + i);
      }
      assertTrue(full.get(0).mixture().maxAbsDifference(full.get(5).mixture()) > 0,
          "the weights changed");
    }
  }

  @Test
  void resumingWithAnotherAllocationIsRefusedNamingTheKey() throws IOException {
    DemoCorpus.write(dir.resolve("c"), 20_000, 16, 1);
    try (Corpus c = Corpus.open(dir.resolve("c"))) {
      try (MixingTrainer t = trainer(c, UNIFORM, "exact", "run")) {
        t.train();
      }
      var e = assertThrows(RuntimeException.class, () -> MixingTrainer.builder().setCorpus(c)
          .optConfig(config("random")).setRunDirectory(dir.resolve("run"))
          .setPolicy(Json.parse(UNIFORM)).resume().build());
      assertTrue(e.getMessage().contains("allocation"), e.getMessage());
    }
  }
}
