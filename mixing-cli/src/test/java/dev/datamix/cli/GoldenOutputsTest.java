package dev.datamix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.demo.DemoCorpus;
import dev.datamix.state.Json;
import dev.datamix.testkit.GoldenFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Behaviour stays identical through restructuring: outputs committed before the code moved
 * ({@code src/test/resources/golden/}) must be reproduced, timings aside: the listing byte for
 * byte, the run's metrics with every draw, key and integer exact and its floats within 10^-5 of
 * the golden ones, since they follow the machine's float arithmetic (see {@link GoldenFiles}).
 * The quick-start's golden is tested in the examples, and the quick shoot-out's by {@code
 * .ci/run}.
 */
class GoldenOutputsTest {
  @TempDir Path tmp;

  @Test
  void aFortyStepDgaRunWritesTheSameMetrics() throws Exception {
    Path corpus = tmp.resolve("corpus");
    DemoCorpus.write(corpus, 30_000, 16, 1);
    Path run = tmp.resolve("dga");
    CliRun r = CliRun.of("train", "--corpus", corpus.toString(), "--policy", "dga", "--run",
        run.toString(), "--quiet", "--set", "steps=40", "--set", "targetDomain=\"target_mix\"",
        "--set", "layers=1", "--set", "dModel=16", "--set", "heads=2", "--set", "batchSize=8",
        "--set", "warmupSteps=4", "--set", "evalBlocksPerDomain=2", "--set", "targetBlocks=8",
        "--set", "probeBatchSize=4");
    assertEquals(0, r.code(), r.err());
    List<String> lines = new ArrayList<>();
    for (String l : Files.readAllLines(run.resolve("metrics.jsonl"))) {
      ObjectNode o = (ObjectNode) Json.parse(l);
      o.remove("timeMs");
      o.remove("accounting"); // a view of the sampler's counts, tested in ResumeOnChangesTest
      lines.add(o.toString());
    }
    GoldenFiles.compareJsonLines("dga-40-steps.metrics.jsonl", lines, 1e-5);
  }

  @Test
  void thePolicyListingIsTheSameWithoutTheExamplePolicy() throws Exception {
    CliRun r = CliRun.of("policies");
    assertEquals(0, r.code(), r.err());
    GoldenFiles.compare("policies.txt", withoutExamplePolicy(r.out()));
  }

  /** The listing without the section of {@code example-loss-softmax}, which the examples add. */
  static String withoutExamplePolicy(String listing) {
    StringBuilder out = new StringBuilder();
    boolean skip = false;
    for (String line : listing.split("\n", -1)) {
      if (!line.startsWith(" ") && !line.isEmpty()) {
        skip = line.startsWith("example-loss-softmax");
      }
      if (!skip) {
        out.append(line).append('\n');
      }
    }
    return out.substring(0, out.length() - 1);
  }
}
