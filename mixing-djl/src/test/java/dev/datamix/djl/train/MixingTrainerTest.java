package dev.datamix.djl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.corpus.demo.DemoCorpus;
import dev.datamix.policy.PolicyRegistry;
import dev.datamix.signal.BlockLosses;
import dev.datamix.signal.Observation;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class MixingTrainerTest {
  static Path corpusDir;
  static Corpus corpus;
  @TempDir Path dir;

  @BeforeAll
  static void demoCorpus(@TempDir Path shared) throws IOException {
    corpusDir = shared.resolve("demo");
    DemoCorpus.write(corpusDir, 60_000, 32, 3);
    corpus = Corpus.open(corpusDir);
  }

  @AfterAll
  static void closeCorpus() {
    corpus.close();
  }

  static TrainingConfig small(String extra) {
    ObjectNode o = (ObjectNode) Json.parse("{\"layers\": 1, \"dModel\": 32, \"heads\": 2, "
        + "\"batchSize\": 8, \"steps\": 24, \"warmupSteps\": 4, \"peakLr\": 0.003, "
        + "\"evalBlocksPerDomain\": 4, \"evalBatchSize\": 8, \"probeBatchSize\": 4, "
        + "\"targetDomain\": \"target_mix\", \"targetBlocks\": 8, \"seed\": 11}");
    if (!extra.isEmpty()) {
      o.setAll((ObjectNode) Json.parse("{" + extra.substring(1) + "}"));
    }
    return TrainingConfig.fromJson(o);
  }

  static MixingTrainerBuilder builder(Path run, TrainingConfig cfg, AllSignalsPolicy.Provider p) {
    return MixingTrainer.builder().setCorpus(corpus).setRunDirectory(run).optConfig(cfg)
        .setPolicy(Json.parse("{\"policy\": \"all-signals\"}"))
        .optRegistry(PolicyRegistry.of(List.of(p)));
  }

  @Test
  void lossFallsOnTheBuiltInCorpus() throws IOException {
    TrainingConfig cfg = TrainingConfig.fromJson(Json.parse("{\"layers\": 2, \"dModel\": 64, "
        + "\"heads\": 4, \"batchSize\": 16, \"steps\": 150, \"warmupSteps\": 10, "
        + "\"peakLr\": 0.003, \"evalBlocksPerDomain\": 8}"));
    try (MixingTrainer t = MixingTrainer.builder().setCorpus(corpus).optConfig(cfg)
        .setRunDirectory(dir.resolve("run"))
        .setPolicy(Json.parse("{\"policy\": \"uniform\"}")).build()) {
      double before = mean(t.evaluate(Split.VALIDATION));
      List<MixingTrainer.StepResult> steps = t.train();
      double after = mean(t.evaluate(Split.VALIDATION));
      assertEquals(150, steps.size());
      assertTrue(before > 5.0, "a fresh byte-level model is near ln 257 = 5.55, got " + before);
      assertTrue(after < before - 2.0, "held-out loss " + before + " -> " + after);
      assertEquals(6, t.domains().size(), "target_mix is trained on when no target is set");
    }
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  @Test
  void resumeContinuesExactlyLikeAnUninterruptedRun() throws IOException {
    List<MixingTrainer.StepResult> full;
    AllSignalsPolicy.Provider a = new AllSignalsPolicy.Provider();
    try (MixingTrainer t = builder(dir.resolve("full"), small(""), a).build()) {
      full = t.train();
    }
    List<MixingTrainer.StepResult> resumed = new ArrayList<>();
    AllSignalsPolicy.Provider b = new AllSignalsPolicy.Provider();
    try (MixingTrainer t = builder(dir.resolve("split"), small(""), b).build()) {
      resumed.addAll(t.trainUntil(12));
    }
    try (MixingTrainer t = builder(dir.resolve("split"), small(""), b).resume().build()) {
      assertEquals(12, t.step());
      resumed.addAll(t.train());
    }
    assertEquals(full.size(), resumed.size());
    for (int i = 0; i < full.size(); i++) {
      assertEquals(full.get(i).loss(), resumed.get(i).loss(), 0.0, "loss at step " + i);
      assertArrayEquals(full.get(i).perBlockLoss(), resumed.get(i).perBlockLoss(), 0f);
      assertEquals(full.get(i).mixture(), resumed.get(i).mixture(), "mixture at step " + i);
    }
    List<String> fullLines = withoutTimes(dir.resolve("full/metrics.jsonl"));
    List<String> splitLines = withoutTimes(dir.resolve("split/metrics.jsonl"));
    assertEquals(fullLines, splitLines);
  }

  /**
   * DJL's PyTorch engine wraps a Java buffer without copying when it makes a tensor from Java
   * data, and {@code mul(Number)}/{@code div(Number)} close the scalar's wrapper at once while
   * autograd still holds the tensor: a garbage collection between forward and backward then
   * frees memory that backward reads, and gradients differ from run to run. The model and trainer
   * keep their scalars alive; this runs training under constant collections and expects the very
   * same run (it failed before, at step 0).
   */
  @Test
  void garbageCollectionsDuringStepsChangeNothing() throws Exception {
    AllSignalsPolicy.Provider a = new AllSignalsPolicy.Provider();
    try (MixingTrainer t = builder(dir.resolve("quiet"), small(""), a).build()) {
      t.train();
    }
    Thread storm = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        System.gc();
        try {
          Thread.sleep(1);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    storm.setDaemon(true);
    storm.start();
    AllSignalsPolicy.Provider b = new AllSignalsPolicy.Provider();
    try (MixingTrainer t = builder(dir.resolve("storm"), small(""), b).build()) {
      t.train();
    } finally {
      storm.interrupt();
      storm.join();
    }
    List<String> quiet = withoutTimes(dir.resolve("quiet/metrics.jsonl"));
    List<String> stormy = withoutTimes(dir.resolve("storm/metrics.jsonl"));
    assertEquals(quiet.size(), stormy.size());
    for (int i = 0; i < quiet.size(); i++) {
      assertEquals(quiet.get(i), stormy.get(i), "metrics of step " + i);
    }
  }

  /** The lines of a metrics file without their timings, which differ from run to run. */
  /** Every line of a {@code metrics.jsonl}, its {@code timeMs} removed. */
  public static List<String> withoutTimes(Path file) throws IOException {
    List<String> out = new ArrayList<>();
    for (String l : Files.readAllLines(file)) {
      ObjectNode o = (ObjectNode) Json.parse(l);
      o.remove("timeMs");
      out.add(o.toString());
    }
    return out;
  }

  @Test
  void everyRequestedSignalReachesThePolicy() throws IOException {
    AllSignalsPolicy.Provider p = new AllSignalsPolicy.Provider();
    try (MixingTrainer t = builder(dir.resolve("run"), small(""), p).build()) {
      t.trainUntil(18);
      List<Observation> got = p.last.received;
      List<Long> heldOut = new ArrayList<>();
      List<Long> alignment = new ArrayList<>();
      int training = 0;
      int blocks = 0;
      for (Observation o : got) {
        if (o instanceof Observation.HeldOutLoss h) {
          heldOut.add(h.step());
          for (int d = 0; d < h.loss().size(); d++) {
            assertTrue(h.loss().get(d) > 0, "held-out loss of domain " + d);
          }
        } else if (o instanceof Observation.GradientAlignment g) {
          alignment.add(g.step());
          assertEquals(5, g.scores().size(), "one score per training domain");
          assertEquals(g.step() % 14 == 3 ? 25 : 0, g.gram().size());
          assertTrue(g.targetNorm() > 0);
        } else if (o instanceof Observation.TrainingLoss) {
          training++;
        } else if (o instanceof BlockLosses b) {
          blocks++;
          assertEquals(8, b.size());
        }
      }
      assertEquals(List.of(0L, 5L, 10L, 15L), heldOut);
      assertEquals(List.of(3L, 10L, 17L), alignment);
      assertEquals(18, training);
      assertEquals(18, blocks);
      JsonNode line = Json.parse(Files.readAllLines(dir.resolve("run/metrics.jsonl")).get(10));
      assertTrue(line.has("heldOut") && line.has("heldOutBpb") && line.has("alignment")
          && line.has("trainLossBpb"));
      for (String k : List.of("data", "forwardBackward", "optimizer", "policy", "probes",
          "eval")) {
        assertTrue(line.get("timeMs").has(k), k);
      }
    }
  }

  @Test
  void nonFiniteLossesSkipTheUpdateTellThePolicyNothingAndStopTheRun() throws IOException {
    AllSignalsPolicy.Provider p = new AllSignalsPolicy.Provider();
    try (MixingTrainer t = builder(dir.resolve("nan"), small(", \"maxNonFiniteInARow\": 2"), p)
        .build()) {
      t.trainUntil(2);
      NDArray w = t.model().orderedParameters().get(0).getArray();
      float[] nan = new float[(int) w.getShape().size()];
      java.util.Arrays.fill(nan, Float.NaN);
      w.set(nan);
      int trainingBefore = count(p.last.received, Observation.TrainingLoss.class);
      TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
          () -> t.trainUntil(20));
      assertTrue(e.getMessage().contains("3 non-finite losses in a row")
          && e.getMessage().contains("maxNonFiniteInARow 2"), e.getMessage());
      assertEquals(trainingBefore, count(p.last.received, Observation.TrainingLoss.class));
      assertEquals(5, t.step());
      List<String> lines = Files.readAllLines(dir.resolve("nan/metrics.jsonl"));
      assertTrue(Json.parse(lines.get(lines.size() - 1)).get("skipped").asBoolean());
      assertFalse(Json.parse(lines.get(1)).get("skipped").asBoolean());
    }
  }

  private static int count(List<Observation> obs, Class<?> type) {
    return (int) obs.stream().filter(type::isInstance).count();
  }

  @Test
  void checkpointsOfAnotherModelPolicyOrCorpusAreRefused() throws IOException {
    Path run = dir.resolve("ckpt");
    try (MixingTrainer t = builder(run, small(""), new AllSignalsPolicy.Provider()).build()) {
      t.trainUntil(2);
    }
    IncompatibleStateException model = assertThrows(IncompatibleStateException.class,
        () -> builder(run, small(", \"dModel\": 64"), new AllSignalsPolicy.Provider()).resume()
            .build());
    assertTrue(model.getMessage().contains("checkpoint model expected")
        && model.getMessage().contains("\"dModel\":64"), model.getMessage());
    IncompatibleStateException policy = assertThrows(IncompatibleStateException.class,
        () -> MixingTrainer.builder().setCorpus(corpus).setRunDirectory(run).optConfig(small(""))
            .setPolicy(Json.parse("{\"policy\": \"uniform\"}")).resume().build());
    assertTrue(policy.getMessage().contains("expected uniform but found all-signals"),
        policy.getMessage());
    IncompatibleStateException domains = assertThrows(IncompatibleStateException.class,
        () -> builder(run, small(", \"trainDomains\": [\"arith\", \"code\"]"),
            new AllSignalsPolicy.Provider()).resume().build());
    assertTrue(domains.getMessage().contains("checkpoint corpus"), domains.getMessage());
    IncompatibleStateException seed = assertThrows(IncompatibleStateException.class,
        () -> builder(run, small(", \"seed\": 12"), new AllSignalsPolicy.Provider()).resume()
            .build());
    assertTrue(seed.getMessage().contains("'seed' expected 12 but found 11"), seed.getMessage());
    Path params = Checkpoint.latest(run.resolve("checkpoints")).resolve("params.bin");
    byte[] bytes = Files.readAllBytes(params);
    Files.write(params, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    IncompatibleStateException truncated = assertThrows(IncompatibleStateException.class,
        () -> builder(run, small(""), new AllSignalsPolicy.Provider()).resume().build());
    assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
  }

  @Test
  void aPhaseThatResetsTheOptimizerRestartsItsMoments() throws IOException {
    JsonNode plan = Json.parse("{\"policy\": \"continual\", \"config\": {\"phases\": ["
        + "{\"name\": \"A\", \"domains\": [\"template\", \"arith\"], \"steps\": 3},"
        + "{\"name\": \"B\", \"domains\": [\"code\"], \"steps\": 3, \"replay\": 0.25, "
        + "\"resetOptimizer\": true}]}}");
    TrainingConfig cfg = small(", \"steps\": 6, \"targetDomain\": \"\", "
        + "\"trainDomains\": [\"template\", \"arith\", \"code\"]");
    try (MixingTrainer t = MixingTrainer.builder().setCorpus(corpus).optConfig(cfg)
        .setPolicy(plan).setRunDirectory(dir.resolve("phases")).build()) {
      t.train();
    }
    JsonNode state = Checkpoint.readState(Checkpoint.latest(dir.resolve("phases/checkpoints")));
    assertEquals(3, state.get("optimizerUpdates").asLong(), "moments restarted at step 3");
    assertEquals(1, state.get("phaseIndex").asInt());
    List<String> lines = Files.readAllLines(dir.resolve("phases/metrics.jsonl"));
    assertEquals("B", Json.parse(lines.get(3)).get("phase").asText());
    assertTrue(Json.parse(lines.get(1)).get("weights").get("code").asDouble() == 0.0);
  }

  @Test
  void configErrorsNameTheKey() {
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> TrainingConfig.fromJson(Json.parse("{\"batchsize\": 4}")));
    assertTrue(unknown.getMessage().contains("'batchsize'"), unknown.getMessage());
    IllegalArgumentException typed = assertThrows(IllegalArgumentException.class,
        () -> TrainingConfig.fromJson(Json.parse("{\"peakLr\": \"fast\"}")));
    assertTrue(typed.getMessage().contains("'peakLr'"), typed.getMessage());
    IllegalArgumentException target = assertThrows(IllegalArgumentException.class,
        () -> builder(dir, small(", \"trainDomains\": [\"arith\", \"target_mix\"]"),
            new AllSignalsPolicy.Provider()).build());
    assertTrue(target.getMessage().contains("must not be a training domain"),
        target.getMessage());
  }
}
