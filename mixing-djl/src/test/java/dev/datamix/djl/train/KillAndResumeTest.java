package dev.datamix.djl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.demo.DemoCorpus;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reliability suite: a training process is killed with SIGKILL three times at random steps,
 * and once halted between a checkpoint's write and its rename, each time resumed; every step's
 * metrics (timings aside), the final parameters and the optimizer state must equal an
 * uninterrupted run's byte for byte.
 */
class KillAndResumeTest {
  static final long STEPS = 200;
  static Path corpus;
  @TempDir Path dir;

  @BeforeAll
  static void demoCorpus(@TempDir Path shared) throws IOException {
    corpus = shared.resolve("demo");
    DemoCorpus.write(corpus, 40_000, 16, 3);
  }

  static String policy(String name) {
    return switch (name) {
      case "uniform" -> "{\"policy\": \"uniform\"}";
      case "dga" -> "{\"policy\": \"dga\", \"config\": {\"updateEvery\": 15}}";
      case "lfr" -> "{\"policy\": \"lfr\", \"config\": {\"learnEpochs\": 0.2, \"focus1Epochs\": "
          + "0.1, \"reviewEpochs\": 0.1, \"focus2Epochs\": 0.05, \"focus2Reps\": 2}}";
      case "continual" -> "{\"policy\": \"continual\", \"config\": {\"phases\": ["
          + "{\"name\": \"A\", \"domains\": [\"template\", \"arith\"], \"steps\": 80},"
          + "{\"name\": \"B\", \"domains\": [\"code\", \"noise\", \"small\"], \"steps\": 120, "
          + "\"replay\": 0.25, \"resetOptimizer\": true}]}}";
      default -> throw new IllegalArgumentException(name);
    };
  }

  static String trainer() {
    ObjectNode o = (ObjectNode) Json.parse("{\"layers\": 1, \"dModel\": 16, \"heads\": 2, "
        + "\"batchSize\": 8, \"warmupSteps\": 10, \"peakLr\": 0.003, \"evalBlocksPerDomain\": 2, "
        + "\"probeBatchSize\": 2, \"targetDomain\": \"target_mix\", \"targetBlocks\": 4, "
        + "\"checkpointEvery\": 10, \"seed\": 9}");
    o.put("steps", STEPS);
    return o.toString();
  }

  private Process start(Path run, String policy, boolean resume, Long haltAt) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
        "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
        TrainProcess.class.getName(), corpus.toString(), run.toString(), policy, trainer(),
        resume ? "resume" : "new"));
    if (haltAt != null) {
      cmd.add(haltAt.toString());
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("process.log").toFile());
    pb.environment().putAll(NativeDeterminism.ENVIRONMENT); // also when run outside Maven
    return pb.start();
  }

  private static long lines(Path metrics) throws IOException {
    if (!Files.exists(metrics)) {
      return 0;
    }
    return Files.readAllLines(metrics).stream().filter(l -> l.endsWith("}")).count();
  }

  private Path finalCheckpoint(Path run) {
    return run.resolve("checkpoints").resolve(String.format("step-%09d", STEPS));
  }

  @ParameterizedTest
  @ValueSource(strings = {"uniform", "dga", "lfr", "continual"})
  void killedThreeTimesAndHaltedBeforeARenameTheRunEndsByteIdentical(String name)
      throws Exception {
    String policy = policy(name);
    Path reference = dir.resolve("reference");
    Process p = start(reference, policy, false, null);
    assertEquals(0, p.waitFor(), Files.readString(dir.resolve("process.log")));

    Path run = dir.resolve("killed");
    Random random = new Random(name.hashCode());
    long haltAt = 10 * (2 + random.nextInt(5)); // a checkpoint step in 20..60
    p = start(run, policy, false, haltAt);
    assertEquals(137, p.waitFor(), Files.readString(dir.resolve("process.log")));
    Path checkpoints = run.resolve("checkpoints");
    assertEquals(String.format("step-%09d", haltAt - 10),
        Files.readString(checkpoints.resolve("latest")).strip(),
        "latest still names the previous checkpoint");
    try (var s = Files.list(checkpoints)) {
      assertTrue(s.anyMatch(f -> f.getFileName().toString().startsWith(
          String.format("step-%09d.tmp-", haltAt))), "the halted write left its temporary");
    }
    int kills = 0;
    long at = haltAt;
    List<Long> killedAt = new ArrayList<>();
    while (kills < 3) {
      long target = at + 5 + random.nextInt(40);
      p = start(run, policy, true, null);
      while (p.isAlive() && lines(run.resolve("metrics.jsonl")) < target) {
        Thread.sleep(2);
      }
      assertTrue(p.isAlive(), "the process ended before its kill at step " + target + ": "
          + Files.readString(dir.resolve("process.log")));
      p.destroyForcibly(); // SIGKILL
      p.waitFor(60, TimeUnit.SECONDS);
      kills++;
      killedAt.add(lines(run.resolve("metrics.jsonl")));
      at = target;
    }
    p = start(run, policy, true, null);
    assertEquals(0, p.waitFor(), Files.readString(dir.resolve("process.log")));

    List<String> expected = MixingTrainerTest.withoutTimes(reference.resolve("metrics.jsonl"));
    List<String> actual = MixingTrainerTest.withoutTimes(run.resolve("metrics.jsonl"));
    for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
      assertEquals(expected.get(i), actual.get(i), name + ": metrics of step " + i
          + " (halted at " + haltAt + ", killed at " + kills + " steps: " + killedAt + ")");
    }
    assertEquals(expected.size(), actual.size(), name + ": metrics lines");
    for (String f : List.of("params.bin", "optimizer.bin", "state.json")) {
      assertArrayEquals(Files.readAllBytes(finalCheckpoint(reference).resolve(f)),
          Files.readAllBytes(finalCheckpoint(run).resolve(f)), name + " " + f);
    }
  }
}
