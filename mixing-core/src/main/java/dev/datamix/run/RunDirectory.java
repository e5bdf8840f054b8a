package dev.datamix.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.state.AtomicFiles;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.Json;
import dev.datamix.state.OutputDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A training run's directory, the one owner of its file names and formats: {@code metrics.jsonl}
 * (one JSON object per step, written by the trainer), {@code curve.jsonl} (one per evaluation),
 * {@code result.json} (a shoot-out run's summary) and {@code checkpoints/}. Reports, the
 * shoot-out and the benchmarks read a run through this type, and the trainer writes through it.
 *
 * <p>JSON-lines files are read so that a crash cannot make them unreadable: a last line without
 * its newline (cut short by a kill) is dropped, and any other line that is not a JSON object is
 * an error naming the file and the line. They are shortened on resume through a temporary file
 * and a rename, so a crash during that never loses a line that was kept.
 *
 * @param path the directory
 */
public record RunDirectory(Path path) {
  /** One JSON object per training step. */
  public static final String METRICS = "metrics.jsonl";
  /** One JSON object per evaluation of every domain. */
  public static final String CURVE = "curve.jsonl";
  /** A finished shoot-out run's summary. */
  public static final String RESULT = "result.json";
  /** The checkpoints, and {@code latest}. */
  public static final String CHECKPOINTS = "checkpoints";
  /** The run kind of output directory: recognised by its metrics or checkpoints. */
  public static final OutputDirectory KIND =
      new OutputDirectory("run directory", List.of(METRICS, CHECKPOINTS), true);

  /** The metrics file. */
  public Path metrics() {
    return path.resolve(METRICS);
  }

  /** The loss-curve file. */
  public Path curve() {
    return path.resolve(CURVE);
  }

  /** The result file. */
  public Path result() {
    return path.resolve(RESULT);
  }

  /** The checkpoint root. */
  public Path checkpoints() {
    return path.resolve(CHECKPOINTS);
  }

  /** Whether the run has a checkpoint to resume ({@code checkpoints/latest} exists). */
  public boolean hasCheckpoint() {
    return Files.exists(checkpoints().resolve("latest"));
  }

  /** Every step's metrics; empty if there are none. */
  public List<ObjectNode> readMetrics() throws IOException {
    return readLines(metrics());
  }

  /** Every point of the loss curve; empty if there is none. */
  public List<ObjectNode> readCurve() throws IOException {
    return readLines(curve());
  }

  /**
   * The result.
   *
   * @throws IncompatibleStateException naming the file if it is not JSON
   */
  public JsonNode readResult() throws IOException {
    return Json.read(result());
  }

  /**
   * The objects of a JSON-lines file, or none if it does not exist. A last line without its
   * newline is dropped: a crash cut it short.
   *
   * @throws IncompatibleStateException naming the file and line of a line that is not a JSON
   *     object
   */
  public static List<ObjectNode> readLines(Path file) throws IOException {
    List<ObjectNode> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    String[] lines = text.split("\n", -1);
    // the last element is "" after a final newline, or a line a crash cut short: never read
    for (int i = 0; i < lines.length - 1; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      JsonNode n;
      try {
        n = Json.parse(lines[i]);
      } catch (IllegalArgumentException e) {
        throw new IncompatibleStateException(file + " line " + (i + 1) + " is not JSON: "
            + e.getMessage(), e);
      }
      if (!n.isObject()) {
        throw new IncompatibleStateException(file + " line " + (i + 1) + " is not a JSON "
            + "object, got " + n.getNodeType());
      }
      out.add((ObjectNode) n);
    }
    return out;
  }

  /**
   * Keeps the lines of a JSON-lines file that {@code keep} accepts, replacing the file through a
   * temporary file and a rename; returns them.
   */
  public static List<ObjectNode> retain(Path file, Predicate<ObjectNode> keep) throws IOException {
    List<ObjectNode> kept = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (ObjectNode n : readLines(file)) {
      if (keep.test(n)) {
        kept.add(n);
        text.append(n).append('\n');
      }
    }
    AtomicFiles.writeString(file, text.toString());
    return kept;
  }
}
