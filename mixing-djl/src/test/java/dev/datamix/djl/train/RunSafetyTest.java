package dev.datamix.djl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.demo.DemoCorpus;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.Json;
import dev.datamix.state.OutputExistsException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs are never replaced or mixed unless told to; training longer; damaged checkpoints. */
class RunSafetyTest {
  static Corpus corpus;
  @TempDir Path dir;

  @BeforeAll
  static void demoCorpus(@TempDir Path shared) throws IOException {
    DemoCorpus.write(shared.resolve("demo"), 40_000, 16, 3);
    corpus = Corpus.open(shared.resolve("demo"));
  }

  @AfterAll
  static void closeCorpus() {
    corpus.close();
  }

  static TrainingConfig config(long steps, String extra) {
    ObjectNode o = (ObjectNode) Json.parse("{\"layers\": 1, \"dModel\": 16, \"heads\": 2, "
        + "\"batchSize\": 4, \"warmupSteps\": 2, \"peakLr\": 0.003, \"evalBlocksPerDomain\": 2, "
        + "\"seed\": 5}");
    o.put("steps", steps);
    if (!extra.isEmpty()) {
      o.setAll((ObjectNode) Json.parse("{" + extra + "}"));
    }
    return TrainingConfig.fromJson(o);
  }

  static MixingTrainerBuilder trainer(Path run, TrainingConfig cfg) {
    return MixingTrainer.builder().setCorpus(corpus).setRunDirectory(run).optConfig(cfg)
        .setPolicy(Json.parse("{\"policy\": \"uniform\"}"));
  }

  private static List<Double> losses(List<MixingTrainer.StepResult> steps) {
    return steps.stream().map(MixingTrainer.StepResult::loss).toList();
  }

  @Test
  void trainingIntoAnExistingRunIsRefusedAndTheRunIsUntouched() throws IOException {
    Path run = dir.resolve("run");
    try (MixingTrainer t = trainer(run, config(6, "")).build()) {
      t.train();
    }
    byte[] metrics = Files.readAllBytes(run.resolve("metrics.jsonl"));
    OutputExistsException e = assertThrows(OutputExistsException.class,
        () -> trainer(run, config(3, "")).build());
    assertEquals("run directory " + run + " already holds [metrics.jsonl, checkpoints]",
        e.situation());
    assertArrayEquals(metrics, Files.readAllBytes(run.resolve("metrics.jsonl")));
    assertEquals("step-000000006", Files.readString(run.resolve("checkpoints/latest")).strip());
  }

  @Test
  void overwriteDeletesTheOldRunSoTheDirectoryNeverMixesTwoRuns() throws IOException {
    Path run = dir.resolve("run");
    try (MixingTrainer t = trainer(run, config(6, "")).build()) {
      t.train();
    }
    try (MixingTrainer t = trainer(run, config(3, "")).overwrite().build()) {
      t.train();
    }
    assertEquals(3, Files.readAllLines(run.resolve("metrics.jsonl")).size());
    try (var s = Files.list(run.resolve("checkpoints"))) {
      assertEquals(List.of("latest", "step-000000003"),
          s.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void aConfigErrorDeletesNothingEvenWithOverwrite() throws IOException {
    Path run = dir.resolve("run");
    try (MixingTrainer t = trainer(run, config(3, "")).build()) {
      t.train();
    }
    assertThrows(IllegalArgumentException.class, () -> MixingTrainer.builder().setCorpus(corpus)
        .setRunDirectory(run).optConfig(config(3, "")).overwrite()
        .setPolicy(Json.parse("{\"policy\": \"no-such-policy\"}")).build());
    assertTrue(Files.exists(run.resolve("checkpoints/step-000000003/params.bin")));
  }

  @Test
  void aLongerWsdRunResumedBeforeItsDecayEqualsOneTrainedLongFromTheStart()
      throws IOException {
    String wsd = "\"schedule\": \"wsd\", \"decayFraction\": 0.25";
    List<MixingTrainer.StepResult> full;
    try (MixingTrainer t = trainer(dir.resolve("long"), config(16, wsd)).build()) {
      full = t.train();
    }
    List<MixingTrainer.StepResult> split = new java.util.ArrayList<>();
    try (MixingTrainer t = trainer(dir.resolve("short"), config(8, wsd)).build()) {
      split.addAll(t.trainUntil(5)); // its decay would start at step 6
    }
    try (MixingTrainer t = trainer(dir.resolve("short"), config(16, wsd)).resume().build()) {
      split.addAll(t.train());
    }
    assertEquals(losses(full), losses(split));
    assertEquals(Files.readString(dir.resolve("long/checkpoints/step-000000016/state.json")),
        Files.readString(dir.resolve("short/checkpoints/step-000000016/state.json")));
    assertArrayEquals(Files.readAllBytes(dir.resolve("long/checkpoints/step-000000016/params.bin")),
        Files.readAllBytes(dir.resolve("short/checkpoints/step-000000016/params.bin")));
  }

  @Test
  void aCosineRunCannotBeExtendedAndTheRefusalSaysWhyAndWhatToDo() throws IOException {
    Path run = dir.resolve("run");
    try (MixingTrainer t = trainer(run, config(6, "")).build()) {
      t.train();
    }
    IncompatibleStateException e = assertThrows(IncompatibleStateException.class,
        () -> trainer(run, config(9, "")).resume().build());
    assertEquals("cannot change steps from 6 to 9 on resume: under schedule 'cosine' the "
        + "learning rate of step 3, already taken, would change from 0.00257530 to 0.00285640 "
        + "(the cosine decays to minLr at the last step, so every later rate changes too). To "
        + "train longer, use schedule 'constant', 'wsd' or 'infinite' (each can be extended "
        + "until its decay starts), or start a new run from this one's weights with its own "
        + "warmup (train --init-from RUN; MixingTrainerBuilder.optInitialWeights)",
        e.getMessage());
  }

  @Test
  void aCosineRunStoppedInsideItsWarmupCanBeExtended() throws IOException {
    Path run = dir.resolve("run");
    try (MixingTrainer t = trainer(run, config(6, "\"warmupSteps\": 4")).build()) {
      t.trainUntil(3);
    }
    try (MixingTrainer t = trainer(run, config(9, "\"warmupSteps\": 4")).resume().build()) {
      assertEquals(9, t.train().get(5).step() + 1);
    }
  }

  @Test
  void fewerStepsThanTakenAndWsdPastItsDecayAreRefused() throws IOException {
    Path run = dir.resolve("run");
    String wsd = "\"schedule\": \"wsd\"";
    try (MixingTrainer t = trainer(run, config(8, wsd)).build()) {
      t.train();
    }
    IncompatibleStateException fewer = assertThrows(IncompatibleStateException.class,
        () -> trainer(run, config(4, wsd)).resume().build());
    assertTrue(fewer.getMessage().endsWith("has already taken 8 steps"), fewer.getMessage());
    IncompatibleStateException decayed = assertThrows(IncompatibleStateException.class,
        () -> trainer(run, config(20, wsd)).resume().build());
    assertTrue(decayed.getMessage().contains("under schedule 'wsd' the learning rate of step 7"),
        decayed.getMessage());
  }

  @Test
  void aPolicyThatDoesNotDeclareItsHorizonCannotBeExtended() throws IOException {
    Path run = dir.resolve("run");
    try (MixingTrainer t = undeclared(run, 6).build()) {
      t.train();
    }
    IncompatibleStateException e = assertThrows(IncompatibleStateException.class,
        () -> undeclared(run, 9).resume().build());
    assertTrue(e.getMessage().contains("policy 'all-signals' does not declare"), e.getMessage());
  }

  private static MixingTrainerBuilder undeclared(Path run, long steps) {
    return trainer(run, config(steps, "\"schedule\": \"constant\", \"targetDomain\": "
        + "\"target_mix\", \"targetBlocks\": 4, \"probeBatchSize\": 2"))
        .setPolicy(Json.parse("{\"policy\": \"all-signals\"}"))
        .optRegistry(dev.datamix.policy.PolicyRegistry.of(List.of(
            new AllSignalsPolicy.Provider())));
  }

  @Test
  void aCorruptTruncatedOrForeignCheckpointIsRefusedNamingTheFile() throws IOException {
    Path run = dir.resolve("run");
    try (MixingTrainer t = trainer(run, config(3, "")).build()) {
      t.train();
    }
    Path params = run.resolve("checkpoints/step-000000003/params.bin");
    byte[] good = Files.readAllBytes(params);
    byte[] flipped = good.clone();
    flipped[good.length / 2] ^= 0x10;
    Files.write(params, flipped);
    assertTrue(resumeError(run).contains(params + " is corrupt: CRC-32"), resumeError(run));
    Files.write(params, java.util.Arrays.copyOf(good, good.length - 100));
    assertTrue(resumeError(run).contains(params + " is truncated"), resumeError(run));
    Files.write(params, good);
    Files.writeString(params.resolveSibling("state.json"), "{\"step\": 3, \"mod");
    assertTrue(resumeError(run).contains("state.json is not valid JSON"), resumeError(run));
    Files.writeString(run.resolve("checkpoints/latest"), "step-000000099\n");
    assertTrue(resumeError(run).contains("step-000000099 named by"), resumeError(run));
  }

  private String resumeError(Path run) {
    return assertThrows(IncompatibleStateException.class,
        () -> trainer(run, config(3, "")).resume().build()).getMessage();
  }

  @Test
  void aFormatVersion1CheckpointStillResumesButCannotBeExtended() throws IOException {
    Path run = dir.resolve("run");
    List<MixingTrainer.StepResult> full;
    try (MixingTrainer t = trainer(dir.resolve("full"), config(6, "")).build()) {
      full = t.train();
    }
    try (MixingTrainer t = trainer(run, config(6, "")).build()) {
      t.trainUntil(3);
    }
    downgradeToVersion1(run.resolve("checkpoints/step-000000003"));
    IncompatibleStateException e = assertThrows(IncompatibleStateException.class,
        () -> trainer(run, config(9, "")).resume().build());
    assertTrue(e.getMessage().contains("is of format version 1"), e.getMessage());
    try (MixingTrainer t = trainer(run, config(6, "")).resume().build()) {
      assertEquals(losses(full.subList(3, 6)), losses(t.train()));
    }
  }

  /** Rewrites a checkpoint as the first format wrote it: no digest, no schedule keys, no CRC. */
  static void downgradeToVersion1(Path checkpoint) throws IOException {
    ObjectNode state = (ObjectNode) Json.read(checkpoint.resolve("state.json"));
    state.put("formatVersion", 1);
    state.remove("lrDigest");
    ObjectNode trainer = (ObjectNode) state.get("trainer");
    trainer.remove(List.of("schedule", "decayFraction", "stableLr", "cooldownSteps"));
    Files.writeString(checkpoint.resolve("state.json"), Json.write(state));
    for (String f : List.of("params.bin", "optimizer.bin")) {
      byte[] b = Files.readAllBytes(checkpoint.resolve(f));
      Files.write(checkpoint.resolve(f), java.util.Arrays.copyOf(b, b.length - 4));
    }
  }

  @Test
  void aFullDiskDuringACheckpointFailsTheRunAndLeavesThePreviousCheckpointLoadable()
      throws IOException {
    Path run = dir.resolve("run");
    CheckpointIo disk = CheckpointIo.fileSystem();
    long[] room = {Long.MAX_VALUE};
    CheckpointIo full = new CheckpointIo() {
      @Override
      public OutputStream create(Path file) throws IOException {
        return new FilterOutputStream(disk.create(file)) {
          @Override
          public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            if ((room[0] -= len) < 0) {
              throw new IOException("No space left on device");
            }
            out.write(b, off, len);
          }
        };
      }

      @Override
      public void rename(Path from, Path to) throws IOException {
        disk.rename(from, to);
      }
    };
    try (MixingTrainer t = trainer(run, config(6, "\"checkpointEvery\": 3")).optCheckpointIo(full)
        .build()) {
      t.runSteps(3);
      room[0] = 1000;
      IOException e = assertThrows(IOException.class, t::train);
      assertEquals("cannot write checkpoint " + run.resolve("checkpoints/step-000000006")
          + ": No space left on device; latest still names the earlier step-000000003",
          e.getMessage());
    }
    try (var s = Files.list(run.resolve("checkpoints"))) {
      assertEquals(List.of("latest", "step-000000003"),
          s.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary is left");
    }
    try (MixingTrainer t = trainer(run, config(6, "")).resume().build()) {
      assertEquals(3, t.step());
      assertEquals(3, t.train().size());
    }
  }
}
