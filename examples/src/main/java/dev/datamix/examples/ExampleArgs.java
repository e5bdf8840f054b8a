package dev.datamix.examples;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.demo.DemoCorpus;
import dev.datamix.djl.train.TrainingConfig;
import dev.datamix.state.AtomicFiles;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The options every runnable example takes: {@code --tiny} (the size CI runs: a tiny model on a
 * tiny corpus, seconds) and {@code --work=DIR} (where it writes; default {@code
 * target/examples/NAME}, replaced on every run).
 *
 * @param tiny whether to run at CI size
 * @param work the example's working directory
 */
public record ExampleArgs(boolean tiny, Path work) {
  private static final String MARKER = ".datamix-example";

  /** Parses the arguments of the example {@code name}. */
  public static ExampleArgs parse(String name, String... args) {
    boolean tiny = false;
    Path work = Path.of("target", "examples", name);
    for (String a : args) {
      if (a.equals("--tiny")) {
        tiny = true;
      } else if (a.startsWith("--work=")) {
        work = Path.of(a.substring("--work=".length()));
      } else {
        throw new IllegalArgumentException("unknown option '" + a + "' for example " + name
            + "; known: --tiny, --work=DIR");
      }
    }
    return new ExampleArgs(tiny, work);
  }

  /**
   * Empties and creates the working directory. A directory this example did not make (no marker
   * file) is refused, never deleted.
   */
  public Path freshWorkDirectory() throws IOException {
    if (Files.exists(work)) {
      boolean empty;
      try (var s = Files.list(work)) {
        empty = s.findAny().isEmpty();
      }
      if (!empty && !Files.exists(work.resolve(MARKER))) {
        throw new IllegalArgumentException("--work=" + work + " is not empty and was not made by "
            + "an example: choose another directory");
      }
      AtomicFiles.deleteRecursively(work);
    }
    Files.createDirectories(work);
    Files.writeString(work.resolve(MARKER), "made by a datamix example; replaced on every run\n");
    return work;
  }

  /** Writes the built-in demo corpus into {@code work/corpus} (small, or tiny) and returns it. */
  public Path demoCorpus() throws IOException {
    return demoCorpus(tiny ? 30_000 : 200_000, tiny ? 16 : 64);
  }

  /** Writes the demo corpus with {@code bytesPerDomain} and {@code blockLength}. */
  public Path demoCorpus(long bytesPerDomain, int blockLength) throws IOException {
    Path dir = work.resolve("corpus");
    DemoCorpus.write(dir, bytesPerDomain, blockLength, 1);
    return dir;
  }

  /** Trainer settings: the tiny model for {@code steps} steps (tinier still under --tiny). */
  public TrainingConfig trainer(long steps, String extraJson) {
    ObjectNode t = (ObjectNode) Json.parse(tiny
        ? "{\"layers\": 1, \"dModel\": 16, \"heads\": 2, \"batchSize\": 4, \"warmupSteps\": 2, "
            + "\"evalBlocksPerDomain\": 2, \"targetBlocks\": 8, \"probeBatchSize\": 2}"
        : "{\"layers\": 2, \"dModel\": 64, \"heads\": 4, \"batchSize\": 16, \"warmupSteps\": 20, "
            + "\"peakLr\": 0.003, \"minLr\": 0.0003, \"evalBlocksPerDomain\": 16}");
    t.put("steps", steps);
    t.setAll((ObjectNode) Json.parse(extraJson));
    return TrainingConfig.fromJson(t);
  }

  /** {@code full} normally, {@code tiny} under --tiny. */
  public long size(long full, long tinySize) {
    return tiny ? tinySize : full;
  }
}
