package dev.datamix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.corpus.demo.DemoCorpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No command replaces or mixes existing work unless told to; runs can be trained longer. */
class ExistingWorkTest {
  static Path corpus;
  @TempDir Path dir;

  @BeforeAll
  static void demo(@TempDir Path shared) throws Exception {
    corpus = shared.resolve("c");
    DemoCorpus.write(corpus, 30_000, 16, 1);
  }

  static String[] train(Path run, String... more) {
    List<String> a = new ArrayList<>(List.of("train", "--corpus", corpus.toString(), "--policy",
        "uniform", "--run", run.toString(), "--quiet", "--set", "layers=1", "--set", "dModel=16",
        "--set", "heads=2", "--set", "batchSize=4", "--set", "warmupSteps=1", "--set",
        "evalBlocksPerDomain=2"));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  @Test
  void trainIntoAnExistingRunNamesResumeAndOverwriteAndChangesNothing() throws Exception {
    Path run = dir.resolve("run");
    assertEquals(0, CliRun.of(train(run, "--set", "steps=6")).code());
    String metrics = Files.readString(run.resolve("metrics.jsonl"));
    CliRun again = CliRun.of(train(run, "--set", "steps=3"));
    assertEquals(1, again.code());
    assertEquals("datamix: run directory " + run + " already holds [metrics.jsonl, checkpoints];"
        + " nothing was changed: pass --resume to continue it, or --overwrite to delete it and "
        + "start again\n", again.err());
    assertEquals(metrics, Files.readString(run.resolve("metrics.jsonl")));
    CliRun over = CliRun.of(train(run, "--set", "steps=3", "--overwrite"));
    assertEquals(0, over.code(), over.err());
    assertEquals(3, Files.readAllLines(run.resolve("metrics.jsonl")).size());
    assertTrue(Files.notExists(run.resolve("checkpoints/step-000000006")), "the old run is gone");
  }

  @Test
  void resumeWithMoreStepsTrainsLongerWhereTheScheduleAllows() throws Exception {
    Path run = dir.resolve("run");
    assertEquals(0, CliRun.of(train(run, "--set", "steps=6", "--set", "schedule=\"constant\""))
        .code());
    CliRun longer = CliRun.of(train(run, "--set", "steps=10", "--set", "schedule=\"constant\"",
        "--resume"));
    assertEquals(0, longer.code(), longer.err());
    assertTrue(longer.out().startsWith("trained 10 steps"), longer.out());
    assertEquals(10, Files.readAllLines(run.resolve("metrics.jsonl")).size());
    CliRun cosine = CliRun.of(train(dir.resolve("cos"), "--set", "steps=6"));
    assertEquals(0, cosine.code());
    CliRun refused = CliRun.of(train(dir.resolve("cos"), "--set", "steps=10", "--resume"));
    assertEquals(1, refused.code());
    assertTrue(refused.err().startsWith("datamix: cannot change steps from 6 to 10 on resume: "
        + "under schedule 'cosine'"), refused.err());
    CliRun fresh = CliRun.of(train(dir.resolve("next"), "--set", "steps=4", "--init-from",
        dir.resolve("cos").toString()));
    assertEquals(0, fresh.code(), fresh.err());
  }

  @Test
  void prepareRefusesAnExistingCorpusUnlessToldToOverwriteIt() throws Exception {
    Path out = dir.resolve("corpus");
    String[] prepare = {"prepare", "--demo", "--demo-bytes", "20000", "--block-length", "16",
        "--out", out.toString()};
    assertEquals(0, CliRun.of(prepare).code());
    String manifest = Files.readString(out.resolve("manifest.json"));
    CliRun again = CliRun.of(prepare);
    assertEquals(1, again.code());
    assertTrue(again.err().contains("already holds [manifest.json]; nothing was changed: pass "
        + "--overwrite to delete it and start again"), again.err());
    assertEquals(manifest, Files.readString(out.resolve("manifest.json")));
    CliRun over = CliRun.of(concat(prepare, "--overwrite", "--seed", "2"));
    assertEquals(0, over.code(), over.err());
    assertTrue(!manifest.equals(Files.readString(out.resolve("manifest.json"))));
  }

  @Test
  void shootoutRefusesAnExistingOneAndResumesWhenAsked() throws Exception {
    Path spec = Files.writeString(dir.resolve("spec.json"), "{\"corpus\": \"" + corpus + "\", "
        + "\"trainer\": {\"layers\": 1, \"dModel\": 16, \"heads\": 2, \"batchSize\": 4, "
        + "\"steps\": 4, \"warmupSteps\": 1, \"evalBlocksPerDomain\": 2}, \"policies\": ["
        + "{\"label\": \"uniform\", \"policy\": {\"policy\": \"uniform\"}}], \"seeds\": [1], "
        + "\"evalEvery\": 2}");
    String[] shoot = {"shootout", "--spec", spec.toString(), "--out", dir.resolve("s").toString()};
    CliRun first = CliRun.of(shoot);
    assertEquals(0, first.code(), first.err());
    CliRun again = CliRun.of(shoot);
    assertEquals(1, again.code());
    assertTrue(again.err().contains("shoot-out " + dir.resolve("s") + " already holds "
        + "[spec.json, runs]; nothing was changed: pass --resume"), again.err());
    CliRun resumed = CliRun.of(concat(shoot, "--resume"));
    assertEquals(0, resumed.code(), resumed.err());
    assertTrue(resumed.err().contains("done earlier, skipped"), resumed.err());
  }

  private static String[] concat(String[] a, String... b) {
    List<String> l = new ArrayList<>(List.of(a));
    l.addAll(List.of(b));
    return l.toArray(String[]::new);
  }
}
