package dev.datamix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.corpus.demo.DemoCorpus;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainAndPoliciesCommandTest {
  @TempDir Path dir;

  @Test
  void policiesListsEveryPolicyWithItsKeys() {
    CliRun r = CliRun.of("policies");
    assertEquals(0, r.code(), r.err());
    for (String p : new String[] {"uniform", "velocitune", "dga", "lfr", "continual"}) {
      assertTrue(r.out().contains(p + ": "), p + " in\n" + r.out());
    }
    assertTrue(r.out().contains("updateEvery (integer > 0, default 50)"), r.out());
  }

  @Test
  void trainsAndResumesAndNamesBadInput() throws Exception {
    DemoCorpus.write(dir.resolve("c"), 30_000, 16, 1);
    String[] base = {"train", "--corpus", dir.resolve("c").toString(), "--policy", "uniform",
        "--run", dir.resolve("run").toString(), "--quiet", "--set", "layers=1",
        "--set", "dModel=16", "--set", "heads=2", "--set", "batchSize=4",
        "--set", "warmupSteps=1", "--set", "evalBlocksPerDomain=2"};
    CliRun r = CliRun.of(concat(base, "--set", "steps=4"));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("trained 4 steps") && r.out().contains("bits/byte"), r.out());
    assertEquals(4, Files.readAllLines(dir.resolve("run/metrics.jsonl")).size());
    CliRun resumed = CliRun.of(concat(base, "--set", "steps=4", "--resume"));
    assertEquals(0, resumed.code(), resumed.err());
    CliRun other = CliRun.of(concat(base, "--set", "steps=6", "--resume"));
    assertEquals(1, other.code());
    assertTrue(other.err().contains("cannot change steps from 4 to 6 on resume: under schedule "
        + "'cosine'"), other.err());
    CliRun unknown = CliRun.of("train", "--corpus", dir.resolve("c").toString(), "--policy", "nope",
        "--run", dir.resolve("r2").toString());
    assertEquals(1, unknown.code());
    assertTrue(unknown.err().contains("unknown policy 'nope'"), unknown.err());
    CliRun badKey = CliRun.of(concat(base, "--set", "stpes=4", "--overwrite"));
    assertEquals(1, badKey.code());
    assertTrue(badKey.err().contains("'stpes'"), badKey.err());
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
