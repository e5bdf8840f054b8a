package dev.datamix.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.corpus.demo.DemoCorpus;
import dev.datamix.mixlaw.SwarmTable;
import dev.datamix.testkit.Console;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code datamix-spark prepare} and {@code swarm} from the command line, in local mode. */
class DatamixSparkTest {
  @TempDir Path dir;

  private Console.Captured<Integer> run(String... args) throws Exception {
    return Console.capture(() -> DatamixSpark.run(args));
  }

  @Test
  void prepareAndATwoRunSwarmWorkFromTheCommandLine() throws Exception {
    Path src = Files.createDirectories(dir.resolve("src"));
    for (String d : new String[] {"template", "code"}) {
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < 60; i++) {
        s.append(DemoCorpus.document(d, 1, i)).append("\n<|endoftext|>\n");
      }
      Files.writeString(src.resolve(d + ".txt"), s);
    }
    Console.Captured<Integer> prepared = run("prepare", "--master", "local[2]",
        "--domains-from", src.toString(), "--out", dir.resolve("c").toString(),
        "--block-length", "16");
    assertEquals(0, prepared.value(), prepared.err());
    assertTrue(prepared.out().contains("partitions per domain on local[2]"), prepared.out());
    try (Corpus c = Corpus.open(dir.resolve("c"))) {
      assertEquals(java.util.List.of("code", "template"), c.domainNames());
      assertTrue(c.blocks(0, Split.TRAIN) > 100);
    }
    Console.Captured<Integer> refused = run("prepare", "--master", "local[1]",
        "--domains-from", src.toString(), "--out", dir.resolve("c").toString());
    assertEquals(1, refused.value());
    assertTrue(refused.err().contains("datamix-spark:"), refused.err());

    Console.Captured<Integer> swarm = run("swarm", "--master", "local[2]", "--corpus",
        dir.resolve("c").toString(), "--out", dir.resolve("swarm").toString(), "--runs", "2",
        "--set", "steps=10", "--set", "layers=1", "--set", "dModel=16", "--set", "heads=2",
        "--set", "batchSize=4", "--set", "warmupSteps=2", "--set", "evalBlocksPerDomain=2");
    assertEquals(0, swarm.value(), swarm.err());
    assertEquals(3, Files.readAllLines(dir.resolve("swarm").resolve(SwarmTable.METRICS))
        .size());
  }
}
