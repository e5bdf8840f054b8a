package dev.datamix.examples;

import dev.datamix.testkit.Console;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.examples.continual.ContinualReplay;
import dev.datamix.examples.coreonly.PolicyAsStateMachine;
import dev.datamix.examples.custompolicy.CustomPolicyExample;
import dev.datamix.examples.dga.DgaTowardTarget;
import dev.datamix.examples.djlloop.OwnDjlTrainerLoop;
import dev.datamix.examples.lfr.LfrPhases;
import dev.datamix.examples.quickstart.QuickStart;
import dev.datamix.examples.velocitune.VelocituneWithFit;
import dev.datamix.state.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every runnable example runs at its tiny size and does what its README says. */
class ExamplesTest {
  @TempDir Path dir;

  interface Main {
    void run(String[] args) throws Exception;
  }

  private String run(Main main, String name) throws Exception {
    return Console.capture(() -> {
      main.run(new String[] {"--tiny", "--work=" + dir.resolve(name)});
      return null;
    }).out();
  }

  /** Rows "domain before after bits/byte weight" of LossTable. */
  private static Map<String, double[]> lossRows(String out) {
    Map<String, double[]> rows = new java.util.LinkedHashMap<>();
    Matcher m = Pattern.compile("(?m)^(\\w+)\\s+([\\d.]+)\\s+([\\d.]+)\\s+([\\d.]+)\\s+([\\d.]+)$")
        .matcher(out);
    while (m.find()) {
      rows.put(m.group(1), new double[] {Double.parseDouble(m.group(2)),
          Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)),
          Double.parseDouble(m.group(5))});
    }
    return rows;
  }

  @Test
  void quickStartLowersEveryDomainsLoss() throws Exception {
    String out = run(QuickStart::main, "quick-start");
    Map<String, double[]> rows = lossRows(out);
    assertEquals(6, rows.size(), out);
    double weights = 0;
    for (var e : rows.entrySet()) {
      assertTrue(e.getValue()[1] < e.getValue()[0], e.getKey() + " loss fell in\n" + out);
      weights += e.getValue()[3];
    }
    assertEquals(1, weights, 0.01, "the weights of the last step sum to 1");
    assertTrue(rows.get("small")[3] < rows.get("code")[3], "temperature 2 keeps small smaller");
  }

  @Test
  void continualReportsForgettingWithAndWithoutReplay() throws Exception {
    String out = run(ContinualReplay::main, "continual");
    for (String batches : List.of("random     ", "exact      ")) {
      for (String row : List.of("0.00     template", "0.00     arith", "0.25     template",
          "0.25     arith")) {
        assertTrue(out.contains(batches + row), batches + row + " in\n" + out);
      }
      // in phase B, phase A's domains keep weight only when replay > 0
      String mode = batches.strip();
      double with = lastWeights(dir.resolve("continual/" + mode + "-replay-0.25")).path("template")
          .asDouble();
      double without = lastWeights(dir.resolve("continual/" + mode + "-replay-0.0"))
          .path("template").asDouble();
      assertTrue(with > 0.05 && without == 0, mode + ": " + with + " vs " + without);
    }
  }

  @Test
  void velocituneFitsTargetsThenTrains() throws Exception {
    String out = run(VelocituneWithFit::main, "velocitune");
    Path v = dir.resolve("velocitune/velocitune");
    for (String f : List.of("initial.json", "proxy.json", "fits.json", "train/result.json")) {
      assertTrue(Files.exists(v.resolve(f)), f);
    }
    assertTrue(out.contains("stage fit") && out.contains("velocity"), out);
    assertEquals(4, Json.read(v.resolve("fits.json")).get("targets").size());
  }

  @Test
  void dgaMovesWeightWhileUniformStays() throws Exception {
    String out = run(DgaTowardTarget::main, "dga");
    assertTrue(out.contains("template 0.200 -> 0.200"), out);
    String dga = out.substring(out.indexOf("dga "));
    Matcher m = Pattern.compile("(\\w+) ([\\d.]+) -> ([\\d.]+)").matcher(dga);
    int moved = 0;
    while (m.find()) {
      moved += Math.abs(Double.parseDouble(m.group(2)) - Double.parseDouble(m.group(3))) > 0.01
          ? 1 : 0;
    }
    assertTrue(moved >= 2, "dga moved the weights of several domains\n" + out);
  }

  @Test
  void lfrDropsAndRestoresBlocks() throws Exception {
    String out = run(LfrPhases::main, "lfr");
    Matcher m = Pattern.compile("(?m)^\\s+(\\d+)((?:\\s+\\d+){5})$").matcher(out);
    List<long[]> rows = new java.util.ArrayList<>();
    while (m.find()) {
      rows.add(Arrays.stream(m.group(2).trim().split("\\s+")).mapToLong(Long::parseLong)
          .toArray());
    }
    assertEquals(6, rows.size(), out);
    long first = rows.get(0)[0];
    assertTrue(rows.stream().anyMatch(r -> r[0] < first), "a Focus phase dropped blocks\n" + out);
    assertTrue(rows.stream().skip(1).anyMatch(r -> r[0] == first)
        && rows.get(rows.size() - 1)[0] < first, "Review restored them, Focus 2 dropped\n" + out);
  }

  @Test
  void ownDjlLoopTrainsAndSavesTheMixer() throws Exception {
    String out = run(OwnDjlTrainerLoop::main, "djl-loop");
    assertTrue(out.contains("trained 6 steps of 4 blocks"), out);
    Matcher m = Pattern.compile("(?m)^\\s+\\w+\\s+(\\d+) of").matcher(out);
    long served = 0;
    while (m.find()) {
      served += Long.parseLong(m.group(1));
    }
    assertEquals(24, served, out);
    assertTrue(Json.read(dir.resolve("djl-loop/mixer.json")).path("policy").path("policy")
        .asText().equals("lfr"));
  }

  @Test
  void customPolicyIsFoundByNameAndTrains() throws Exception {
    String out = run(CustomPolicyExample::main, "custom");
    assertTrue(out.contains("example-loss-softmax") && out.contains("temperature (number > 0"),
        out);
    assertEquals(6, lossRows(out).size(), out);
  }

  @Test
  void coreOnlyLoopResumesExactly() throws Exception {
    String out = run(PolicyAsStateMachine::main, "core");
    assertTrue(out.contains("every later draw identical: true"), out);
    assertTrue(out.contains("step   35  mixture Mixture{"), out);
  }

  @Test
  void coreOnlyLoadsNoDjlClass() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-verbose:class", "-cp",
        System.getProperty("java.class.path"), PolicyAsStateMachine.class.getName(), "--tiny")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    assertTrue(out.contains("every later draw identical: true"), out);
    assertTrue(out.contains("dev.datamix.policy.PolicyRegistry"), "-verbose:class lists classes");
    assertTrue(!out.contains("ai.djl."), "no DJL class may load on the core-only path");
  }

  @Test
  void everyExampleHasAReadmeNamingItsMainClass() throws Exception {
    Map<String, Class<?>> examples = Map.of("quick-start", QuickStart.class,
        "continual", ContinualReplay.class, "velocitune", VelocituneWithFit.class,
        "dga", DgaTowardTarget.class, "lfr", LfrPhases.class,
        "djl-trainer-loop", OwnDjlTrainerLoop.class, "custom-policy", CustomPolicyExample.class,
        "core-only", PolicyAsStateMachine.class);
    for (var e : examples.entrySet()) {
      Path readme = Path.of(e.getKey(), "README.md");
      assertTrue(Files.exists(readme), readme + " (working directory is examples/)");
      assertTrue(Files.readString(readme).contains(e.getValue().getName()),
          readme + " names " + e.getValue().getName());
    }
  }

  @Test
  void aForeignWorkDirectoryIsRefused() throws Exception {
    Files.createDirectories(dir.resolve("mine"));
    Files.writeString(dir.resolve("mine/notes.txt"), "keep me");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> QuickStart.main(new String[] {"--tiny", "--work=" + dir.resolve("mine")}));
    assertTrue(e.getMessage().contains("was not made by an example"), e.getMessage());
    assertTrue(Files.exists(dir.resolve("mine/notes.txt")));
    e = assertThrows(IllegalArgumentException.class,
        () -> QuickStart.main(new String[] {"--tiyn"}));
    assertTrue(e.getMessage().contains("'--tiyn'"), e.getMessage());
  }

  private static com.fasterxml.jackson.databind.JsonNode lastWeights(Path run) throws Exception {
    List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
    return Json.parse(lines.get(lines.size() - 1)).path("weights");
  }
}
