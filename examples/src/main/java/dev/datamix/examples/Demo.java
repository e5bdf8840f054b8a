package dev.datamix.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.shootout.Shootout;
import dev.datamix.shootout.ShootoutSpec;
import dev.datamix.report.HtmlReport;
import dev.datamix.report.RunData;
import dev.datamix.run.RunDirectory;
import dev.datamix.state.AtomicFiles;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The README's first command: generates the built-in demo corpus, trains the tiny GPT-style model
 * (DJL, PyTorch, CPU) under three contrasting policies — {@code uniform} (stratified, the baseline
 * to beat), {@code proportional} (the natural mix) and {@code dga} (dynamic gradient alignment
 * toward the demo's target set {@code target_mix}, which is held out from training) — with the
 * same seed and token budget, and ends with a table and a self-contained HTML report of the
 * mixture weights and per-domain losses. Every number printed is measured by this run.
 *
 * <p>Options: {@code --quick} (a tiny model and corpus: well under a minute, what CI runs),
 * {@code --steps=N}, {@code --seed=S}, {@code --out=DIR} (default {@code target/demo}; the
 * directory is replaced on every run).
 */
public final class Demo {
  private Demo() {}

  /** The demo's settings. */
  record Options(boolean quick, long steps, long seed, Path out) {
    static Options parse(String... args) {
      boolean quick = false;
      long steps = -1;
      long seed = 1;
      Path out = Path.of("target", "demo");
      for (String a : args) {
        if (a == null || a.isBlank()) { // an empty -Ddemo.args reaches main as null
          continue;
        }
        if (a.equals("--quick")) {
          quick = true;
          continue;
        }
        String[] kv = a.split("=", 2);
        if (kv.length != 2) {
          throw new IllegalArgumentException("expected --quick or --name=value, got '" + a + "'");
        }
        switch (kv[0]) {
          case "--steps" -> steps = Long.parseLong(kv[1]);
          case "--seed" -> seed = Long.parseLong(kv[1]);
          case "--out" -> out = Path.of(kv[1]);
          default -> throw new IllegalArgumentException(
              "unknown option '" + kv[0] + "'; known: --quick, --steps, --seed, --out");
        }
      }
      if (steps == -1) {
        steps = quick ? 40 : 300;
      }
      if (steps <= 0) {
        throw new IllegalArgumentException("--steps must be > 0, got " + steps);
      }
      return new Options(quick, steps, seed, out);
    }
  }

  /** One policy's outcome, read back from its run. */
  record Row(String label, double meanBpb, double targetBpb, double wallSeconds,
      List<String> domains, double[] finalWeights) {}

  /** Runs the demo. */
  public static void main(String[] args) throws IOException {
    run(Options.parse(args));
  }

  static List<Row> run(Options o) throws IOException {
    ShootoutSpec spec = spec(o);
    prepareOutput(o.out());
    System.out.printf(Locale.ROOT, "datamix demo: %d steps x %d blocks of %d tokens per policy, "
        + "seed %d, model %s layers x %s wide, on %s%n", o.steps(),
        spec.trainer().get("batchSize").asLong(), spec.demoBlockLength(), o.seed(),
        spec.trainer().get("layers").asText(), spec.trainer().get("dModel").asText(),
        o.out().toAbsolutePath());
    System.out.println("target set: target_mix (60% arith-style, 40% code-style lines), held "
        + "out from training; every policy is scored on it and on every training domain");
    new Shootout(spec, o.out(), System.out).run();

    List<Row> rows = new ArrayList<>();
    List<RunData> runs = new ArrayList<>();
    for (ShootoutSpec.Entry e : spec.policies()) {
      Path dir = o.out().resolve("runs").resolve(e.label() + "-s" + o.seed());
      RunData data = RunData.read(dir);
      runs.add(data);
      JsonNode result = new RunDirectory(dir).readResult();
      double[] w = new double[data.domains().size()];
      for (int d = 0; d < w.length; d++) {
        double[] series = data.weights().get(data.domains().get(d));
        w[d] = series[series.length - 1];
      }
      JsonNode whole = result.path("final"); // every test block, not the curve's sample
      rows.add(new Row(e.label(), whole.path("meanBpb").asDouble(),
          whole.path("targetBpb").asDouble(), result.path("wallSeconds").asDouble(),
          data.domains(), w));
    }
    Path html = o.out().resolve("report.html");
    HtmlReport.write(runs, "datamix demo: uniform vs proportional vs dga", html);
    printTable(rows);
    System.out.println();
    System.out.println("report: " + html.toAbsolutePath());
    return rows;
  }

  static ShootoutSpec spec(Options o) {
    String trainer = o.quick()
        ? "{\"layers\": 1, \"dModel\": 32, \"heads\": 2, \"batchSize\": 8, \"warmupSteps\": 4, "
            + "\"peakLr\": 0.003, \"minLr\": 0.0003, \"evalBlocksPerDomain\": 4, "
            + "\"targetBlocks\": 16, \"probeBatchSize\": 4}"
        : "{\"layers\": 4, \"dModel\": 128, \"heads\": 4, \"batchSize\": 16, "
            + "\"warmupSteps\": 20, \"peakLr\": 0.002, \"minLr\": 0.0002, \"evalBlocksPerDomain\": 16, "
            + "\"targetBlocks\": 32, \"probeBatchSize\": 8}";
    ObjectNode t = (ObjectNode) Json.parse(trainer);
    t.put("steps", o.steps());
    t.put("targetDomain", "target_mix");
    long updateEvery = Math.max(1, o.steps() / 12);
    List<ShootoutSpec.Entry> policies = List.of(
        new ShootoutSpec.Entry("uniform", Json.parse("{\"policy\": \"uniform\"}")),
        new ShootoutSpec.Entry("proportional", Json.parse("{\"policy\": \"proportional\"}")),
        new ShootoutSpec.Entry("dga", Json.parse("{\"policy\": \"dga\", \"config\": "
            + "{\"updateEvery\": " + updateEvery + "}}")));
    return new ShootoutSpec("demo", o.quick() ? 40_000 : 300_000, o.quick() ? 32 : 128, t,
        policies, List.of(o.seed()), Math.max(1, o.steps() / 6), "uniform");
  }

  /** The demo owns its output directory: it replaces one it made before, nothing else. */
  private static void prepareOutput(Path out) throws IOException {
    if (Files.exists(out)) {
      if (!Files.exists(out.resolve("spec.json"))) {
        throw new IllegalArgumentException("--out " + out + " exists and is not a demo "
            + "output (no spec.json): choose another directory");
      }
      AtomicFiles.deleteRecursively(out);
    }
  }

  private static void printTable(List<Row> rows) {
    List<String> domains = rows.get(0).domains();
    System.out.println();
    System.out.println("bits per byte on every test block (lower is better) and final mixture "
        + "weights:");
    StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "%-13s %9s %11s %8s",
        "policy", "mean bpb", "target bpb", "wall s"));
    for (String d : domains) {
      h.append(String.format(Locale.ROOT, " %8s", d.length() > 8 ? d.substring(0, 8) : d));
    }
    System.out.println(h);
    for (Row r : rows) {
      StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-13s %9.4f %11.4f %8.1f",
          r.label(), r.meanBpb(), r.targetBpb(), r.wallSeconds()));
      for (double w : r.finalWeights()) {
        b.append(String.format(Locale.ROOT, " %8.3f", w));
      }
      System.out.println(b);
    }
    Row uniform = rows.get(0);
    Row best = rows.stream().min((a, b) -> Double.compare(a.targetBpb(), b.targetBpb()))
        .orElseThrow();
    System.out.printf(Locale.ROOT, "lowest target loss: %s (%.4f bits/byte, %+.4f vs uniform)%n",
        best.label(), best.targetBpb(), best.targetBpb() - uniform.targetBpb());
  }
}
