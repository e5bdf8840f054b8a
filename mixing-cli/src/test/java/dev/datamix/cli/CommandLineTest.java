package dev.datamix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.corpus.demo.DemoCorpus;
import dev.datamix.state.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --help everywhere, and the error paths of fit, shootout and report. */
class CommandLineTest {
  @TempDir Path dir;

  static final List<String> COMMANDS = List.of("prepare", "policies", "train", "fit", "swarm",
      "fit-mix", "shootout", "report");

  private static final String[] TINY = {"--set", "layers=1", "--set", "dModel=16", "--set",
      "heads=2", "--set", "batchSize=8", "--set", "warmupSteps=1", "--set",
      "evalBlocksPerDomain=2"};

  @Test
  void everyCommandHasHelpThatExitsZero() {
    for (String c : COMMANDS) {
      CliRun r = CliRun.of(c, "--help");
      assertEquals(0, r.code(), c + ": " + r.err());
      assertTrue(r.out().contains("Usage: datamix " + c), c + ":\n" + r.out());
    }
    CliRun top = CliRun.of("--help");
    assertEquals(0, top.code());
    for (String c : COMMANDS) {
      assertTrue(top.out().contains(c), top.out());
    }
    CliRun none = CliRun.of();
    assertEquals(2, none.code());
    assertTrue(none.err().contains("a subcommand is required"), none.err());
  }

  @Test
  void usageErrorsExitTwoAndNameTheOption() {
    CliRun missing = CliRun.of("fit", "--out", dir.toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("--corpus"), missing.err());
    CliRun unknown = CliRun.of("report", dir.toString(), "--colour");
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("--colour"), unknown.err());
    CliRun noPath = CliRun.of("report");
    assertEquals(2, noPath.code());
    assertTrue(noPath.err().contains("PATH"), noPath.err());
    CliRun badSet = CliRun.of("train", "--corpus", "c", "--policy", "uniform", "--run", "r",
        "--set", "steps");
    assertEquals(2, badSet.code());
    assertTrue(badSet.err().contains("--set must be KEY=JSON, got 'steps'"), badSet.err());
  }

  @Test
  void fitWritesTheVelocituneSpecThatTrainAccepts() throws Exception {
    DemoCorpus.write(dir.resolve("c"), 30_000, 16, 1);
    String[] fit = concat(new String[] {"fit", "--corpus", dir.resolve("c").toString(), "--out",
        dir.resolve("fit").toString(), "--proxy-fraction", "0.5", "--fit-points", "4",
        "--policy-config", "{\"updateEvery\": 2}", "--set", "steps=16", "--set",
        "trainDomains=[\"template\", \"arith\", \"code\", \"noise\"]"}, TINY);
    CliRun r = CliRun.of(fit);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("stage fit") && r.out().contains("policy spec:"), r.out());
    assertTrue(r.err().contains("datamix fit --method velocitune"),
        "the old form works and names the new: " + r.err());
    Path spec = dir.resolve("fit/velocitune.json");
    var json = Json.read(spec);
    assertEquals("velocitune", json.path("policy").asText());
    assertEquals(2, json.path("config").path("updateEvery").asInt());
    assertEquals(4, json.path("config").path("targetLosses").size());
    // a second call resumes: it skips the finished stages
    CliRun again = CliRun.of(concat(fit, new String[] {"--resume", "--method", "velocitune"}));
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("stage PROXY: ") && again.out().contains("exists, skipped"),
        again.out());
    CliRun train = CliRun.of(concat(new String[] {"train", "--corpus",
        dir.resolve("c").toString(), "--policy", spec.toString(), "--run",
        dir.resolve("run").toString(), "--quiet", "--eval-every", "2", "--set", "steps=4",
        "--set", "trainDomains=[\"template\", \"arith\", \"code\", \"noise\"]"}, TINY));
    assertEquals(0, train.code(), train.err());
    assertTrue(train.out().contains("report: "), train.out());
    assertEquals(3, Files.readAllLines(dir.resolve("run/curve.jsonl")).size());
    assertTrue(Files.readString(dir.resolve("run/report.html")).contains("velocitune"));

    CliRun badConfig = CliRun.of("fit", "--corpus", dir.resolve("c").toString(), "--out",
        dir.resolve("fit2").toString(), "--policy-config", "[1]");
    assertEquals(2, badConfig.code());
    assertTrue(badConfig.err().contains("--policy-config must be a JSON object, got [1]"),
        badConfig.err());
    CliRun badFraction = CliRun.of("fit", "--corpus", dir.resolve("c").toString(), "--out",
        dir.resolve("fit3").toString(), "--proxy-fraction", "1.5");
    assertEquals(1, badFraction.code());
    assertTrue(badFraction.err().contains("proxyFraction must be in (0, 1], got 1.5"),
        badFraction.err());
  }

  @Test
  void fitMethodDoremiWritesTheAveragedMixThatTrainAccepts() throws Exception {
    DemoCorpus.write(dir.resolve("c"), 30_000, 16, 1);
    String domains = "trainDomains=[\"template\", \"arith\", \"noise\"]";
    CliRun r = CliRun.of(concat(new String[] {"fit", "--method", "doremi", "--corpus",
        dir.resolve("c").toString(), "--out", dir.resolve("fit").toString(), "--precompute",
        "--set", "steps=12", "--set", domains}, TINY));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("stage output: average weights"), r.out());
    Path spec = dir.resolve("fit/doremi-policy.json");
    assertEquals("explicit", Json.read(spec).path("policy").asText());
    assertEquals(3, Json.read(spec).path("config").path("weights").size());
    assertTrue(Files.exists(dir.resolve("fit/round-1/reference-table/losses.f32")));
    CliRun train = CliRun.of(concat(new String[] {"train", "--corpus",
        dir.resolve("c").toString(), "--policy", spec.toString(), "--run",
        dir.resolve("run").toString(), "--quiet", "--set", "steps=4", "--set", domains}, TINY));
    assertEquals(0, train.code(), train.err());
    // the proxy alone, trained by hand against the fit's reference table
    String proxy = dir.resolve("proxy.json").toString();
    Files.writeString(Path.of(proxy), "{\"policy\": \"doremi\"}");
    CliRun byHand = CliRun.of(concat(new String[] {"train", "--corpus",
        dir.resolve("c").toString(), "--policy", proxy, "--run", dir.resolve("proxy").toString(),
        "--quiet", "--reference-table", dir.resolve("fit/round-1/reference-table").toString(),
        "--set", "steps=12", "--set", domains}, TINY));
    assertEquals(0, byHand.code(), byHand.err());
    CliRun wrongOption = CliRun.of("fit", "--method", "doremi", "--corpus",
        dir.resolve("c").toString(), "--out", dir.resolve("fit4").toString(), "--fit-points", "4");
    assertEquals(2, wrongOption.code());
    assertTrue(wrongOption.err().contains("--fit-points is an option of --method velocitune"),
        wrongOption.err());
    CliRun unknown = CliRun.of("fit", "--method", "regmix", "--corpus",
        dir.resolve("c").toString(), "--out", dir.resolve("fit5").toString());
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("velocitune or doremi"), unknown.err());
  }

  @Test
  void shootoutRunsASpecAndWritesBothReports() throws Exception {
    Path spec = dir.resolve("spec.json");
    Files.writeString(spec, "{\"demoBytes\": 30000, \"demoBlockLength\": 16, \"trainer\": "
        + "{\"layers\": 1, \"dModel\": 16, \"heads\": 2, \"batchSize\": 4, \"steps\": 4, "
        + "\"warmupSteps\": 1, \"evalBlocksPerDomain\": 2}, \"policies\": [{\"label\": "
        + "\"uniform\", \"policy\": {\"policy\": \"uniform\"}}, {\"label\": \"t2\", \"policy\": "
        + "{\"policy\": \"temperature\", \"config\": {\"temperature\": 2}}}], \"seeds\": [1], "
        + "\"evalEvery\": 2}");
    Path out = dir.resolve("s");
    CliRun r = CliRun.of("shootout", "--out", out.toString(), "--spec", spec.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.readString(out.resolve("report.md")).contains("| t2 |"));
    String html = Files.readString(out.resolve("report.html"));
    assertTrue(html.contains("uniform-s1") && html.contains("t2-s1")
        && html.contains("Every run compared"), "both runs in the HTML");
    CliRun reportOnly = CliRun.of("shootout", "--out", out.toString(), "--spec",
        spec.toString(), "--report-only");
    assertEquals(0, reportOnly.code(), reportOnly.err());

    Files.writeString(spec, "{\"policies\": [{\"label\": \"t2\", \"policy\": {\"policy\": "
        + "\"temperature\", \"config\": {\"temperature\": 2}}}]}");
    CliRun noUniform = CliRun.of("shootout", "--out", dir.resolve("s2").toString(), "--spec",
        spec.toString());
    assertEquals(1, noUniform.code());
    assertTrue(noUniform.err().contains("the uniform (stratified) policy must be in every"),
        noUniform.err());
    Files.writeString(spec, "{\"seeds\": [1], \"evalevery\": 5}");
    CliRun badKey = CliRun.of("shootout", "--out", dir.resolve("s3").toString(), "--spec",
        spec.toString());
    assertEquals(1, badKey.code());
    assertTrue(badKey.err().contains("unknown shoot-out key 'evalevery'"), badKey.err());
  }

  @Test
  void reportNamesWhatIsWrongWithItsInput() throws Exception {
    CliRun empty = CliRun.of("report", dir.toString());
    assertEquals(1, empty.code());
    assertTrue(empty.err().contains("no run found at " + dir), empty.err());
    Path run = dir.resolve("run");
    Files.createDirectories(run);
    Files.writeString(run.resolve("metrics.jsonl"), "{\"step\": 0, \"loss\": 2.0}\n{\"step\": 1,\n"
        + "{\"step\": 2, \"loss\": 1.9}\n");
    CliRun corrupt = CliRun.of("report", run.toString());
    assertEquals(1, corrupt.code());
    assertTrue(corrupt.err().contains("metrics.jsonl line 2 is not JSON"), corrupt.err());
    // a last line cut short by a crash is what an interrupted run leaves: it is skipped
    Files.writeString(run.resolve("metrics.jsonl"), "{\"step\": 0, \"loss\": 2.0}\n{\"step\": 1,");
    CliRun cut = CliRun.of("report", run.toString(), "--out", dir.resolve("r.html").toString());
    assertEquals(0, cut.code(), cut.err());
    Files.writeString(run.resolve("metrics.jsonl"), "{\"loss\": 2.0}\n");
    CliRun noStep = CliRun.of("report", run.toString());
    assertEquals(1, noStep.code());
    assertTrue(noStep.err().contains("line 1 is not an object with a numeric \"step\""),
        noStep.err());
    Files.writeString(run.resolve("metrics.jsonl"), "");
    CliRun noSteps = CliRun.of("report", run.toString());
    assertEquals(1, noSteps.code());
    assertTrue(noSteps.err().contains("is empty: the run made no step"), noSteps.err());
  }

  @Test
  void everyTrainerAndPolicyKeyIsDocumented() throws Exception {
    String trainerDoc = Files.readString(Path.of("..", "docs", "trainer.md"));
    for (var k : dev.datamix.djl.train.TrainingConfig.SCHEMA.keys()) {
      assertTrue(trainerDoc.contains("`" + k.name() + "`"), k.name() + " in docs/trainer.md");
    }
    CliRun policies = CliRun.of("policies");
    for (var p : dev.datamix.policy.PolicyRegistry.load().providers()) {
      for (var k : p.configSchema().keys()) {
        assertTrue(policies.out().contains("    " + k.name() + " ("),
            p.name() + "." + k.name() + " listed by `datamix policies`");
      }
    }
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
