package dev.datamix.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.run.RunDirectory;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a report shows of one training run, read from its directory: {@code metrics.jsonl} (one
 * line per step, written by {@code MixingTrainer}: the mixture weights, learning rate, training
 * loss, per-domain training losses and any held-out losses the policy asked for) and, when
 * present, {@code curve.jsonl} (held-out bits per byte of every domain every few steps, written by
 * {@code LossCurve}).
 *
 * @param name the run's name (its directory name)
 * @param directory the run directory
 * @param steps the step of every metrics line
 * @param tokens tokens seen after every metrics line
 * @param learningRate the learning rate of every step
 * @param loss the mean training loss of every step (nats/token)
 * @param weights per domain, the weight every step was drawn with
 * @param trainLoss per domain, its training loss every step (NaN where it had no blocks)
 * @param heldOut per domain, held-out losses the policy asked for (NaN elsewhere)
 * @param batchBlocks per domain, the blocks every step's batch held ({@code batchBlocks}; NaN
 *     in metrics written before it was recorded)
 * @param curve the points of {@code curve.jsonl}, empty when there is none
 * @param policy the policy spec {@code {"policy", "config"}} of the run's latest checkpoint, or
 *     null when it has none
 * @param gram the last probe Gram matrix a policy asked for ({@code fullGram}): {@code {"step",
 *     "values"}} with the {@code m × m} values row by row, or null
 * @param finalEvaluation the whole-split evaluation a shoot-out wrote at the end ({@code
 *     result.json}'s {@code final}: {@code meanBpb}, per-domain {@code bpb}, ...), or null
 * @param notices what the policy said it cannot do ({@code "notices"} of the metrics lines), as
 *     {@code "step N: sentence"}
 * @param accounting the last {@code accounting} of the metrics (per domain: the cumulative
 *     token shares requested and achieved, and the epochs so far), or null in metrics written
 *     before it was recorded
 */
public record RunData(String name, Path directory, double[] steps, double[] tokens,
    double[] learningRate, double[] loss, Map<String, double[]> weights,
    Map<String, double[]> trainLoss, Map<String, double[]> heldOut,
    Map<String, double[]> batchBlocks, List<JsonNode> curve, JsonNode policy,
    JsonNode gram, JsonNode finalEvaluation, List<String> notices, JsonNode accounting) {

  /**
   * Reads a run directory.
   *
   * @throws IllegalArgumentException naming the file and line when {@code metrics.jsonl} is
   *     missing, empty or holds a line that is not a JSON object with a {@code step}
   * @throws IOException if a file cannot be read
   */
  public static RunData read(Path runDirectory) throws IOException {
    RunDirectory run = new RunDirectory(runDirectory);
    Path metrics = run.metrics();
    if (!Files.isRegularFile(metrics)) {
      throw new IllegalArgumentException("not a run directory: " + runDirectory
          + " has no metrics.jsonl");
    }
    List<ObjectNode> lines = withSteps(metrics, run.readMetrics());
    if (lines.isEmpty()) {
      throw new IllegalArgumentException(metrics + " is empty: the run made no step");
    }
    int n = lines.size();
    double[] steps = new double[n];
    double[] tokens = new double[n];
    double[] lr = new double[n];
    double[] loss = new double[n];
    Map<String, double[]> weights = new LinkedHashMap<>();
    Map<String, double[]> trainLoss = new LinkedHashMap<>();
    Map<String, double[]> heldOut = new LinkedHashMap<>();
    Map<String, double[]> batchBlocks = new LinkedHashMap<>();
    List<String> notices = new ArrayList<>();
    ObjectNode gram = null;
    JsonNode accounting = null;
    for (int i = 0; i < n; i++) {
      JsonNode l = lines.get(i);
      if (l.has("accounting")) {
        accounting = l.get("accounting");
      }
      if (l.has("alignmentGram")) {
        gram = Json.object().put("step", l.get("step").asLong());
        gram.set("values", l.get("alignmentGram"));
      }
      for (JsonNode notice : l.path("notices")) {
        notices.add("step " + l.get("step").asLong() + ": " + notice.asText());
      }
      steps[i] = l.get("step").asDouble();
      tokens[i] = l.path("tokens").asDouble(Double.NaN);
      lr[i] = l.path("lr").asDouble(Double.NaN);
      loss[i] = l.path("loss").asDouble(Double.NaN);
      put(weights, l.path("weights"), i, n);
      put(trainLoss, l.path("trainLoss"), i, n);
      put(heldOut, l.path("heldOut"), i, n);
      put(batchBlocks, l.path("batchBlocks"), i, n);
    }
    List<JsonNode> curve = List.copyOf(withSteps(run.curve(), run.readCurve()));
    Path name = runDirectory.toAbsolutePath().normalize().getFileName();
    return new RunData(name == null ? runDirectory.toString() : name.toString(), runDirectory,
        steps, tokens, lr, loss, weights, trainLoss, heldOut, batchBlocks, curve,
        latestPolicy(run.checkpoints()), gram, finalEvaluation(run), List.copyOf(notices),
        accounting);
  }

  /**
   * The run directories under {@code path}: itself when it holds {@code metrics.jsonl}, else
   * every directory of {@code path/runs/} (a shoot-out) or of {@code path} that does, sorted by
   * name.
   *
   * @throws IllegalArgumentException if there is none
   */
  public static List<Path> findRuns(Path path) throws IOException {
    if (Files.isRegularFile(new RunDirectory(path).metrics())) {
      return List.of(path);
    }
    Path parent = Files.isDirectory(path.resolve("runs")) ? path.resolve("runs") : path;
    List<Path> runs = new ArrayList<>();
    if (Files.isDirectory(parent)) {
      try (var s = Files.list(parent)) {
        s.filter(p -> Files.isRegularFile(new RunDirectory(p).metrics())).sorted()
            .forEach(runs::add);
      }
    }
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("no run found at " + path + ": expected a directory "
          + "with metrics.jsonl, or one whose runs/ or subdirectories hold them");
    }
    return runs;
  }

  /** Reads every run {@link #findRuns} finds under {@code path}. */
  public static List<RunData> readAll(Path path) throws IOException {
    List<RunData> runs = new ArrayList<>();
    for (Path r : findRuns(path)) {
      runs.add(read(r));
    }
    return runs;
  }

  /** The last point of the curve, or null. */
  public JsonNode lastPoint() {
    return curve.isEmpty() ? null : curve.get(curve.size() - 1);
  }

  /** The domains, in the order of the weights. */
  public List<String> domains() {
    return List.copyOf(weights.keySet());
  }

  private static JsonNode finalEvaluation(RunDirectory run) throws IOException {
    if (!Files.isRegularFile(run.result())) {
      return null;
    }
    JsonNode f = run.readResult().path("final");
    return f.path("meanBpb").isNumber() ? f : null;
  }

  private static JsonNode latestPolicy(Path checkpoints) throws IOException {
    Path latest = checkpoints.resolve("latest");
    if (!Files.isRegularFile(latest)) {
      return null;
    }
    Path state = checkpoints.resolve(Files.readString(latest).trim()).resolve("state.json");
    if (!Files.isRegularFile(state)) {
      return null;
    }
    JsonNode p = Json.read(state).path("mixer").path("policy");
    if (!p.path("policy").isTextual()) {
      return null;
    }
    return Json.object().put("policy", p.get("policy").asText()).set("config", p.path("config"));
  }

  private static void put(Map<String, double[]> series, JsonNode values, int i, int n) {
    values.fields().forEachRemaining(e -> {
      double[] s = series.computeIfAbsent(e.getKey(), k -> {
        double[] a = new double[n];
        java.util.Arrays.fill(a, Double.NaN);
        return a;
      });
      s[i] = e.getValue().isNumber() ? e.getValue().asDouble() : Double.NaN;
    });
  }

  /** The lines, each checked to be an object with a numeric step. */
  private static List<ObjectNode> withSteps(Path file, List<ObjectNode> lines) {
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).path("step").isNumber()) {
        throw new IllegalArgumentException(file + " line " + (i + 1)
            + " is not an object with a numeric \"step\": " + abbreviate(lines.get(i).toString()));
      }
    }
    return lines;
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
