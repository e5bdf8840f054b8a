package dev.datamix.benchmarks.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.run.RunDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Finished shoot-out runs carried into a later shoot-out of the same trainer settings. */
final class ShootoutRuns {
  private ShootoutRuns() {}

  /**
   * Copies the results of {@code labels} × {@code seeds} from shoot-out {@code from} into {@code
   * to}, where not there yet, so the later shoot-out reports them without retraining.
   *
   * @throws IllegalArgumentException naming both if {@code from} was trained with other settings
   */
  static void copy(Path from, Path to, JsonNode trainer, List<String> labels, List<Long> seeds)
      throws IOException {
    JsonNode theirs = dev.datamix.state.Json.read(from.resolve("spec.json")).get("trainer");
    if (!theirs.equals(trainer)) {
      throw new IllegalArgumentException("runs in " + from + " were trained with " + theirs
          + ", not " + trainer);
    }
    for (String label : labels) {
      for (long seed : seeds) {
        Path src = from.resolve("runs").resolve(label + "-s" + seed);
        Path dst = to.resolve("runs").resolve(label + "-s" + seed);
        if (!Files.exists(dst) && Files.exists(new RunDirectory(src).result())) {
          Files.createDirectories(dst);
          for (String f : List.of("result.json", "curve.jsonl", "metrics.jsonl")) {
            if (Files.exists(src.resolve(f))) {
              Files.copy(src.resolve(f), dst.resolve(f));
            }
          }
          System.err.println(label + " seed " + seed + " copied from " + src);
        }
      }
    }
  }
}
