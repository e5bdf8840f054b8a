package dev.datamix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.corpus.demo.DemoCorpus;
import dev.datamix.mixlaw.SwarmTable;
import dev.datamix.state.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `datamix swarm` then `datamix fit-mix` then `datamix train` on the proposal. */
class SwarmAndFitMixCommandTest {
  @TempDir Path dir;

  static final List<String> TINY = List.of("--set", "layers=1", "--set", "dModel=16", "--set",
      "heads=2", "--set", "batchSize=8", "--set", "warmupSteps=1", "--set",
      "evalBlocksPerDomain=2", "--set", "steps=8", "--set",
      "trainDomains=[\"template\",\"arith\",\"noise\"]");

  static String[] args(List<String> head, List<String> tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(tail);
    return all.toArray(String[]::new);
  }

  @Test
  void aSwarmIsFittedAndItsProposalTrains() throws Exception {
    DemoCorpus.write(dir.resolve("c"), 20_000, 16, 1);
    String c = dir.resolve("c").toString();
    List<String> swarm = List.of("swarm", "--corpus", c, "--out", dir.resolve("s").toString(),
        "--runs", "6", "--swarm-seed", "3");
    CliRun s = CliRun.of(args(swarm, TINY));
    assertEquals(0, s.code(), s.err());
    assertTrue(s.out().contains("[6/6] swarm-0005"), s.out());
    SwarmTable t = SwarmTable.read(dir.resolve("s"));
    assertEquals(6, t.runs().size());
    assertEquals(List.of("template_bpb", "arith_bpb", "noise_bpb", "mean_bpb"), t.metricNames());

    CliRun again = CliRun.of(args(swarm, TINY));
    assertEquals(1, again.code(), "an existing swarm is never overwritten unasked");
    assertTrue(again.err().contains("--resume"), again.err());
    CliRun resumed = CliRun.of(args(swarm, concat(TINY, "--resume")));
    assertEquals(0, resumed.code(), resumed.err());
    assertTrue(resumed.out().contains("[6/6] swarm-0005: done earlier, skipped"),
        resumed.out());
    CliRun otherSeed = CliRun.of(args(List.of("swarm", "--corpus", c, "--out",
        dir.resolve("s").toString(), "--runs", "6", "--swarm-seed", "4", "--resume"), TINY));
    assertEquals(1, otherSeed.code());
    assertTrue(otherSeed.err().contains("plan"), otherSeed.err());

    CliRun fit = CliRun.of("fit-mix", "--swarm", dir.resolve("s").toString(), "--out",
        dir.resolve("f").toString(), "--regressor", "linear", "--candidates", "2000",
        "--top-k", "16", "--budget-tokens", "2000", "--max-epochs", "4");
    assertEquals(0, fit.code(), fit.err());
    assertTrue(fit.out().contains("linear     cross-validated Spearman rho"), fit.out());
    JsonNode record = Json.read(dir.resolve("f/fit-mix.json"));
    assertEquals("linear", record.get("regressor").asText());
    assertEquals(6, record.get("runs").asInt());
    JsonNode spec = Json.read(dir.resolve("f/policy.json"));
    assertEquals("explicit", spec.get("policy").asText());
    double sum = 0;
    for (String d : List.of("template", "arith", "noise")) {
      double w = spec.at("/config/weights/" + d).asDouble();
      assertTrue(w <= record.at("/bounds/caps").get(List.of("template", "arith", "noise")
          .indexOf(d)).asDouble() + 1e-9, d + " within its epoch cap");
      sum += w;
    }
    assertEquals(1.0, sum, 1e-9);
    assertTrue(Files.readString(dir.resolve("f/fit-mix.md")).contains("| linear (used) |"));
    CliRun refit = CliRun.of("fit-mix", "--swarm", dir.resolve("s").toString(), "--out",
        dir.resolve("f").toString(), "--regressor", "linear");
    assertEquals(1, refit.code(), "an earlier fit is kept unless --overwrite");

    CliRun train = CliRun.of(args(List.of("train", "--corpus", c, "--policy",
        dir.resolve("f/policy.json").toString(), "--run", dir.resolve("r").toString()), TINY));
    assertEquals(0, train.code(), train.err());
  }

  @Test
  void fitMixNamesWhatIsMissing() {
    CliRun none = CliRun.of("fit-mix", "--out", dir.resolve("f").toString());
    assertEquals(2, none.code());
    assertTrue(none.err().contains("--swarm DIR or both --ratios FILE and --metrics FILE"),
        none.err());
  }

  static List<String> concat(List<String> a, String... more) {
    List<String> out = new ArrayList<>(a);
    out.addAll(List.of(more));
    return out;
  }
}
