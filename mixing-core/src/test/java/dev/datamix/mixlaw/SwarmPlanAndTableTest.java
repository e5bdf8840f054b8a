package dev.datamix.mixlaw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.mixture.Domain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SwarmPlanAndTableTest {
  static final List<Domain> DOMAINS = List.of(Domain.ofBlocks("web", 8000, 100),
      Domain.ofBlocks("code", 1500, 100), Domain.ofBlocks("books", 400, 100),
      Domain.ofBlocks("math", 100, 100));

  @Test
  void plansAreSeededRespectTheEpochCapAndZeroTinyWeights() {
    SwarmOptions o = new SwarmOptions(64, 1.0, 0.01, 2.0, 200_000, 0.1, 5.0, 7);
    SwarmPlan a = SwarmPlan.sample(DOMAINS, o);
    assertEquals(a, SwarmPlan.sample(DOMAINS, o), "same options, same plan");
    assertEquals(64, a.runs().size());
    assertTrue(a.runs().stream().map(SwarmPlan.Run::mixture).distinct().count() > 20,
        "runs differ (one-hot draws repeat: at low strength RegMix's draws are sparse)");
    boolean zeroed = false;
    for (SwarmPlan.Run r : a.runs()) {
      for (int i = 0; i < DOMAINS.size(); i++) {
        double w = r.mixture().weight(i);
        double cap = 2.0 * DOMAINS.get(i).tokens() / 200_000.0;
        assertTrue(w <= cap + 1e-12, r + ": " + DOMAINS.get(i).name() + " over its cap " + cap);
        assertTrue(w == 0 || w >= 0.01 - 1e-12, r + ": weight " + w + " below minWeight");
        zeroed |= w == 0;
      }
    }
    assertTrue(zeroed, "low strengths put some domains below minWeight");
    SwarmPlan other = SwarmPlan.sample(DOMAINS, new SwarmOptions(64, 1.0, 0.01, 2.0, 200_000,
        0.1, 5.0, 8));
    assertTrue(!other.runs().equals(a.runs()), "seeded");
    assertEquals(a.runs(), SwarmPlan.fromJson(a.toJson()).runs(), "JSON round trip");
  }

  @Test
  void aTemperatureBelowOneFlattensThePrior() {
    SwarmPlan t = SwarmPlan.sample(DOMAINS, new SwarmOptions(2, 0.5, 0, 1e9, 1, 1, 1, 1));
    double web = Math.sqrt(0.8);
    double math = Math.sqrt(0.01);
    double sum = Math.sqrt(0.8) + Math.sqrt(0.15) + Math.sqrt(0.04) + Math.sqrt(0.01);
    assertEquals(web / sum, t.prior().weight("web"), 1e-12);
    assertEquals(math / sum, t.prior().weight("math"), 1e-12);
  }

  @Test
  void aCapThatLeavesNoRoomIsRefusedNamingIt() {
    var e = assertThrows(IllegalArgumentException.class, () -> SwarmPlan.sample(DOMAINS,
        new SwarmOptions(4, 1.0, 0, 0.5, 10_000_000, 0.1, 5, 1)));
    assertTrue(e.getMessage().contains("maxEpochs 0.5") && e.getMessage().contains("10000000"),
        e.getMessage());
  }

  @Test
  void tablesRoundTripThroughOlmixCsv(@TempDir Path dir) throws Exception {
    SwarmTable t = new SwarmTable(List.of("web", "code, quoted"), List.of("web_bpb", "mean_bpb"),
        List.of(new SwarmTable.Row("r0", "swarm-0000", new double[] {0.25, 0.75},
            new double[] {1.5, 1.25}), new SwarmTable.Row("r1", "swarm-0001",
            new double[] {1.0 / 3, 2.0 / 3}, new double[] {Double.NaN, 0.1 + 0.2})));
    t.write(dir);
    assertEquals(t, SwarmTable.read(dir));
    assertTrue(Files.readString(dir.resolve("ratios.csv")).startsWith(
        "run,name,index,web,\"code, quoted\"\nr0,swarm-0000,0,0.25,0.75\n"));
  }

  @Test
  void readsOlmixsOwnExampleAndMatchesRunsById(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("ratios.csv"), "run_id,name,index,dclm,wikipedia,arxiv\n"
        + "hz0dfydj,my-swarm-0000,0,0.45,0.30,0.25\npj0hxxl7,my-swarm-0001,1,0.60,0.20,0.20\n"
        + "sqleanmq,my-swarm-0002,2,0.33,0.33,0.34\n");
    Files.writeString(dir.resolve("metrics.csv"), "run,name,index,arc_challenge_bpb,"
        + "hellaswag_bpb\nsqleanmq,my-swarm-0002,2,1.20,0.89\nhz0dfydj,my-swarm-0000,0,1.23,"
        + "0.87\n");
    SwarmTable t = SwarmTable.read(dir);
    assertEquals(List.of("dclm", "wikipedia", "arxiv"), t.domains());
    assertEquals(List.of("hz0dfydj", "sqleanmq"), t.runs().stream().map(SwarmTable.Row::id)
        .toList(), "pj0hxxl7 has no metrics: left out");
    assertEquals(1.20, t.metric("arc_challenge_bpb")[1], 0.0);
  }

  @Test
  void malformedCellsAreNamedByFileLineAndColumn(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("metrics.csv"), "run,m\na,1\n");
    Files.writeString(dir.resolve("ratios.csv"), "run,x,y\na,0.5,0.6\n");
    var e = assertThrows(IllegalArgumentException.class, () -> SwarmTable.read(dir));
    assertTrue(e.getMessage().contains("ratios.csv line 2") && e.getMessage().contains("1.1"),
        e.getMessage());
    Files.writeString(dir.resolve("ratios.csv"), "run,x,y\na,0.5,oops\n");
    e = assertThrows(IllegalArgumentException.class, () -> SwarmTable.read(dir));
    assertTrue(e.getMessage().contains("line 2 column 'y' is not a number: 'oops'"),
        e.getMessage());
    Files.writeString(dir.resolve("ratios.csv"), "run,x,y\na,1.5,-0.5\n");
    e = assertThrows(IllegalArgumentException.class, () -> SwarmTable.read(dir));
    assertTrue(e.getMessage().contains("column 'y' a ratio must be >= 0"), e.getMessage());
    Files.writeString(dir.resolve("ratios.csv"), "name,x\na,1\n");
    e = assertThrows(IllegalArgumentException.class, () -> SwarmTable.read(dir));
    assertTrue(e.getMessage().contains("'run' or 'run_id'"), e.getMessage());
  }
}
