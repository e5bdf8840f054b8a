package dev.datamix.mixlaw;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.state.AtomicFiles;
import dev.datamix.state.ExistingOutput;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.Json;
import dev.datamix.state.OutputDirectory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A swarm directory: {@code swarm.json} (the plan and the settings its runs were made with),
 * {@code runs/<name>/} (each run's own directory, and {@code swarm-metrics.json} once it
 * finished), and {@code ratios.csv}/{@code metrics.csv} over the finished runs ({@link
 * SwarmTable}). Resuming skips finished runs and hands unfinished ones back to the runner, which
 * continues them from their checkpoints; it requires the same plan and settings.
 */
public final class Swarm {
  /** The swarm kind of output directory, recognised by its plan or its runs. */
  public static final OutputDirectory OUTPUT =
      new OutputDirectory("swarm", List.of("swarm.json", "runs", SwarmTable.RATIOS), true);

  /** A finished run's metrics file, inside its directory. */
  public static final String RUN_METRICS = "swarm-metrics.json";

  private final SwarmPlan plan;
  private final ObjectNode settings;
  private final Path dir;

  /**
   * @param plan the runs
   * @param settings what else decides the runs' results (corpus, trainer config), recorded and
   *     checked on resume
   * @param dir the swarm directory
   */
  public Swarm(SwarmPlan plan, ObjectNode settings, Path dir) {
    this.plan = plan;
    this.settings = settings.deepCopy();
    this.dir = dir;
  }

  /**
   * Claims the directory under {@code mode} and writes {@code swarm.json}; resuming checks the
   * recorded plan and settings.
   */
  public void claim(ExistingOutput mode) throws IOException {
    boolean found = OUTPUT.claim(dir, mode);
    Path file = dir.resolve("swarm.json");
    ObjectNode o = Json.object();
    o.set("plan", plan.toJson());
    o.set("settings", settings);
    if (found && mode == ExistingOutput.RESUME && Files.exists(file)) {
      JsonNode before = Json.read(file);
      IncompatibleStateException.check("swarm " + dir + " (swarm.json) settings", settings,
          before.get("settings"));
      IncompatibleStateException.check("swarm " + dir + " (swarm.json) plan", plan.toJson(),
          before.get("plan"));
    }
    AtomicFiles.writeString(file, Json.write(o));
  }

  /** The plan recorded in a swarm directory. */
  public static SwarmPlan readPlan(Path dir) throws IOException {
    return SwarmPlan.fromJson(Json.read(dir.resolve("swarm.json")).get("plan"));
  }

  /** The settings recorded in a swarm directory. */
  public static JsonNode readSettings(Path dir) throws IOException {
    return Json.read(dir.resolve("swarm.json")).get("settings");
  }

  /** Run {@code r}'s directory. */
  public Path runDirectory(SwarmPlan.Run r) {
    return dir.resolve("runs").resolve(r.name());
  }

  /** Whether run {@code r} finished. */
  public boolean finished(SwarmPlan.Run r) {
    return Files.exists(runDirectory(r).resolve(RUN_METRICS));
  }

  /**
   * Runs every unfinished run with {@code runner}, in order, then writes the tables; returns
   * them. Each run's metrics are written as soon as it ends, so an interruption loses at most
   * the run in progress, which resumes from its checkpoint.
   */
  public SwarmTable runMissing(SwarmRunner runner, PrintStream out) throws IOException {
    int total = plan.runs().size();
    for (SwarmPlan.Run r : plan.runs()) {
      if (finished(r)) {
        print(out, "[%d/%d] %s: done earlier, skipped", r.index() + 1, total, r.name());
        continue;
      }
      long start = System.nanoTime();
      Map<String, Double> metrics = runAndRecord(runner, r);
      print(out, "[%d/%d] %s %s: %s (%.1f s)", r.index() + 1, total, r.name(), r.mixture(),
          metrics, (System.nanoTime() - start) / 1e9);
    }
    return writeTables();
  }

  /** The runs not finished yet, in plan order. */
  public List<SwarmPlan.Run> pending() {
    return plan.runs().stream().filter(r -> !finished(r)).toList();
  }

  /**
   * Runs {@code r} with {@code runner} (resuming it from its checkpoint if it was interrupted)
   * and records its metrics: one run, for callers that hand the runs to workers of their own
   * (the Spark module gives each its own task).
   */
  public Map<String, Double> runAndRecord(SwarmRunner runner, SwarmPlan.Run r)
      throws IOException {
    Map<String, Double> metrics = runner.run(r, runDirectory(r));
    ObjectNode o = Json.object();
    metrics.forEach(o::put);
    ObjectNode doc = Json.object().put("name", r.name());
    doc.set("metrics", o);
    AtomicFiles.writeString(runDirectory(r).resolve(RUN_METRICS), Json.write(doc));
    return metrics;
  }

  /** Writes {@code ratios.csv} and {@code metrics.csv} of the finished runs; returns them. */
  public SwarmTable writeTables() throws IOException {
    SwarmTable t = table();
    t.write(dir);
    return t;
  }

  /** The finished runs as a table (metric columns in the first finished run's order). */
  public SwarmTable table() throws IOException {
    List<SwarmTable.Row> rows = new ArrayList<>();
    List<String> names = null;
    for (SwarmPlan.Run r : plan.runs()) {
      if (!finished(r)) {
        continue;
      }
      JsonNode m = Json.read(runDirectory(r).resolve(RUN_METRICS)).get("metrics");
      Map<String, Double> values = new LinkedHashMap<>();
      m.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().asDouble()));
      if (names == null) {
        names = new ArrayList<>(values.keySet());
      }
      double[] v = new double[names.size()];
      for (int j = 0; j < v.length; j++) {
        v[j] = values.getOrDefault(names.get(j), Double.NaN);
      }
      rows.add(new SwarmTable.Row(r.name(), r.name(), r.mixture().toArray(), v));
    }
    if (rows.isEmpty()) {
      throw new IllegalStateException("swarm " + dir + " has no finished run yet");
    }
    return new SwarmTable(plan.domains(), names, rows);
  }

  private static void print(PrintStream out, String format, Object... args) {
    if (out != null) {
      out.println(String.format(Locale.ROOT, format, args));
    }
  }
}
