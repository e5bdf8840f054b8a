package dev.datamix.shootout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shoot-out's statistics on fixture results with known values. */
class ShootoutStatisticsTest {
  @TempDir Path dir;

  /**
   * A result: final bits per byte {@code a}, {@code b} with errors {@code se}; a curve of mean
   * losses at tokens 0, 100, 200.
   */
  static ObjectNode result(String label, long seed, boolean isStatic, double a, double b,
      double se, double... curve) {
    ObjectNode r = Json.object().put("label", label).put("seed", seed).put("static", isStatic)
        .put("steps", 2).put("tokens", 200).put("wallSeconds", 10.0);
    ArrayNode c = r.putArray("curve");
    for (int i = 0; i < curve.length; i++) {
      ObjectNode p = c.addObject().put("step", i).put("tokens", 100 * i);
      p.putObject("bpb").put("a", curve[i]).put("b", curve[i]);
      p.put("meanBpb", curve[i]);
    }
    r.putObject("time").put("total", 5.0);
    ObjectNode f = r.putObject("final").put("split", "test");
    f.putObject("blocks").put("a", 40).put("b", 60);
    f.putObject("bpb").put("a", a).put("b", b);
    f.putObject("bpbSe").put("a", se).put("b", se);
    f.put("meanBpb", (a + b) / 2).put("meanBpbSe", se / Math.sqrt(2)).put("seconds", 0.5);
    r.putObject("weightTrace").putArray("steps").add(0).add(1);
    ((ObjectNode) r.get("weightTrace")).putObject("weights").putArray("a").add(0.5).add(0.5);
    ((ObjectNode) r.get("weightTrace").get("weights")).putArray("b").add(0.5).add(0.5);
    return r;
  }

  @Test
  void pairedDifferencesMatchSeedsAndTakeEachRunsWorstDomain() {
    // reference seeds in another order; the policy's seed 3 has no partner and is left out
    List<JsonNode> ref = List.of(result("r", 2, true, 2.0, 3.0, 0.01),
        result("r", 1, true, 1.0, 2.0, 0.01));
    List<JsonNode> runs = List.of(result("p", 1, false, 0.9, 1.7, 0.01),
        result("p", 2, false, 1.9, 3.1, 0.01), result("p", 3, false, 9, 9, 0.01));
    dev.datamix.stats.PairedDifference mean = ShootoutStatistics.paired(runs, ref, "meanBpb");
    assertEquals(2, mean.n());
    assertEquals(((1.3 - 1.5) + (2.5 - 2.5)) / 2, mean.mean(), 1e-12); // -0.2 and 0.0
    assertEquals(12.706 * Math.sqrt(0.02) / Math.sqrt(2), mean.halfWidth(), 1e-9);
    dev.datamix.stats.PairedDifference worst = ShootoutStatistics.paired(runs, ref, "worst");
    assertEquals(((1.7 - 2.0) + (3.1 - 3.0)) / 2, worst.mean(), 1e-12); // b is worst each time
    assertEquals(null, ShootoutStatistics.paired(runs, ref, "targetBpb")); // no target figure
    assertEquals(null, ShootoutStatistics.paired(runs.subList(2, 3), ref, "meanBpb"));
  }

  @Test
  void worstDomainIsTheHighestMeanWithItsOwnMean() {
    // per seed the worst domains are b (3.0) and a (2.6): the mean of those, 2.8, is no domain's
    List<JsonNode> runs = List.of(result("p", 1, false, 1.0, 3.0, 0.01, 4, 2, 1),
        result("p", 2, false, 2.6, 2.4, 0.02, 4, 3, 1));
    ShootoutStatistics.Worst w = ShootoutStatistics.worst(runs, List.of("a", "b"));
    assertEquals("b", w.name());
    assertEquals(2.7, w.loss().mean(), 1e-12);
    assertEquals(Math.sqrt(0.18), w.loss().sd(), 1e-12);
    assertEquals("b 2.7000 ± 0.4243", w.toString());
    assertEquals("1.8000 ± 1.1314 (0.0150)", ShootoutStatistics.cell(runs, "bpb", "bpbSe", "a"));
  }

  @Test
  void tokensToReachInterpolatesOnTheSeedAveragedCurve() {
    List<JsonNode> runs = List.of(result("p", 1, false, 1, 1, 0, 4, 2, 1),
        result("p", 2, false, 1, 1, 0, 4, 3, 1));
    // mean curve 4, 2.5, 1 at tokens 0, 100, 200: 2.0 is a third of the way from 100 to 200
    assertEquals(100 + 100.0 / 3, ShootoutStatistics.tokensToReach(runs, 2.0), 1e-9);
    assertEquals(100, ShootoutStatistics.tokensToReach(runs, 2.5), 1e-9);
    assertEquals(0, ShootoutStatistics.tokensToReach(runs, 5), 1e-9);
    assertTrue(Double.isNaN(ShootoutStatistics.tokensToReach(runs, 0.5)));
  }

  @Test
  void aResultWithoutTheWholeSplitEvaluationIsRefused() {
    ObjectNode old = result("p", 1, false, 1, 1, 0, 4, 2, 1);
    old.remove("final");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ShootoutStatistics.finalScores(old));
    assertTrue(e.getMessage().contains("p seed 1"), e.getMessage());
  }

  @Test
  void theReportTableFromFixtureResults() throws IOException {
    Path out = dir.resolve("s");
    Files.createDirectories(out);
    ObjectNode spec = Json.object().put("corpus", "fixture");
    spec.putObject("trainer").put("batchSize", 1).put("evalBlocksPerDomain", 8);
    spec.putArray("policies").addObject().put("label", "uniform");
    ((ArrayNode) spec.get("policies")).addObject().put("label", "dyn");
    spec.putArray("seeds").add(1).add(2);
    spec.put("evalEvery", 1).put("reference", "uniform");
    Files.writeString(out.resolve("spec.json"), Json.write(spec));
    write(out, result("uniform", 1, true, 2.0, 3.0, 0.01, 4, 3, 2.5));
    write(out, result("uniform", 2, true, 2.2, 2.8, 0.03, 4, 3, 2.5));
    write(out, result("dyn", 1, false, 1.0, 3.0, 0.01, 4, 2, 1));
    write(out, result("dyn", 2, false, 2.6, 2.4, 0.02, 4, 3, 1));
    ShootoutReport.write(out);
    List<String> md = Files.readAllLines(out.resolve("report.md"));
    assertTrue(md.contains("| uniform | 2.1000 ± 0.1414 (0.0200) | 2.9000 ± 0.1414 (0.0200) | "
        + "2.5000 ± 0.0000 (0.0141) | b 2.9000 ± 0.1414 | 200 | 10 ± 0 | 5.0 ± 0.0 | +0.0% |"),
        String.join("\n", md));
    // dyn's mean curve 4, 2.5, 1 reaches uniform's final 2.5 at 100 tokens
    assertTrue(md.contains("| dyn | 1.8000 ± 1.1314 (0.0150) | 2.7000 ± 0.4243 (0.0150) | "
        + "2.2500 ± 0.3536 (0.0106) | b 2.7000 ± 0.4243 | 100 | 10 ± 0 | 5.0 ± 0.0 | +0.0% |"),
        String.join("\n", md));
    assertTrue(md.contains("Evaluation cost: the final whole-split evaluation took 5.0% of the "
        + "runs' training wall time (2 s of 40 s)."), String.join("\n", md));
    assertTrue(String.join("\n", md).contains("(a 40, b 60 blocks)"));
  }

  private static void write(Path out, ObjectNode r) throws IOException {
    Path run = out.resolve("runs").resolve(r.get("label").asText() + "-s" + r.get("seed"));
    Files.createDirectories(run);
    Files.writeString(run.resolve("result.json"), Json.write(r));
  }
}
