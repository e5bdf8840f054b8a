package dev.datamix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.demo.DemoCorpus;
import dev.datamix.examples.Console;
import dev.datamix.examples.quickstart.QuickStart;
import dev.datamix.state.AtomicFiles;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Behaviour stays identical through restructuring: outputs committed before the code moved
 * ({@code src/test/resources/golden/}) must be reproduced byte for byte, timings aside. Regenerate
 * only for an intended change of behaviour, with {@code -Ddatamix.regenerate=true}, and say why in
 * the commit.
 */
class GoldenOutputsTest {
  static final Path GOLDEN = Path.of("src", "test", "resources", "golden");
  @TempDir Path tmp;

  private static void compare(String name, String actual) throws IOException {
    Path file = GOLDEN.resolve(name);
    if (Boolean.getBoolean("datamix.regenerate")) {
      AtomicFiles.writeString(file, actual);
    }
    assertEquals(Files.readString(file, StandardCharsets.UTF_8), actual, "golden " + file);
  }

  @Test
  void theQuickStartAtItsDefaultSizePrintsTheSameLosses() throws Exception {
    Path work = tmp.resolve("quick-start");
    Console.Captured<Void> c = Console.capture(() -> {
      QuickStart.main(new String[] {"--work=" + work});
      return null;
    });
    compare("quick-start.txt", c.out().replace(work.toString(), "$WORK"));
  }

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
      lines.add(o.toString());
    }
    compare("dga-40-steps.metrics.jsonl", String.join("\n", lines) + "\n");
  }

  @Test
  void thePolicyListingIsTheSameWithoutTheExamplePolicy() throws Exception {
    CliRun r = CliRun.of("policies");
    assertEquals(0, r.code(), r.err());
    compare("policies.txt", withoutExamplePolicy(r.out()));
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
