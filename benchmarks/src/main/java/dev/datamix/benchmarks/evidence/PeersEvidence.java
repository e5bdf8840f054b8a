package dev.datamix.benchmarks.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.djl.workflow.DoReMiWorkflow;
import dev.datamix.djl.train.TrainingConfig;
import dev.datamix.run.RunDirectory;
import dev.datamix.shootout.Provenance;
import dev.datamix.shootout.Shootout;
import dev.datamix.shootout.ShootoutReport;
import dev.datamix.shootout.ShootoutSpec;
import dev.datamix.state.AtomicFiles;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The peers on real text: DoReMi (its averaged weights; its reference and proxy compute reported
 * beside it), ODM and ADO against the stratified ({@code uniform}), {@code proportional} and
 * {@code temperature} 2 mixes, 3 seeds, at the budget of the other real-text results (600 steps
 * × 16 blocks of 128 bytes, byte tokens, the default tiny model, five generic domains). Then the
 * cost of DoReMi's reference signal both ways: a proxy run with the reference model on the fly
 * and one with a precomputed table, timed step by step in the same invocation, on two small
 * domains (a table scores every training block once, so its build grows with the corpus).
 *
 * <p>ADO's step constants are the reference code's divided by 10 (ignore 50, start 100, refit
 * every 100, subsampling 5), stated before any run: at the reference's 500/1000/1000 a 600-step
 * run never leaves the prior. Every other knob is the method's default.
 *
 * <p>Usage: {@code PeersEvidence --corpus DIR --out DIR [--steps N] [--seeds 1,2,3]
 * [--overhead-steps N]}; run through {@code benchmarks/run-peers.sh}.
 */
public final class PeersEvidence {
  private PeersEvidence() {}

  /**
   * The static baselines every real-text comparison carries: stratified ({@code uniform}), the
   * natural mix ({@code proportional}) and {@code temperature} 2.
   */
  static final List<ShootoutSpec.Entry> BASELINES = List.of(
      new ShootoutSpec.Entry("uniform", Json.parse("{\"policy\": \"uniform\"}")),
      new ShootoutSpec.Entry("proportional", Json.parse("{\"policy\": \"proportional\"}")),
      new ShootoutSpec.Entry("temperature-2",
          Json.parse("{\"policy\": \"temperature\", \"config\": {\"temperature\": 2}}")));

  /** Runs everything missing and writes {@code report.md} and {@code reference-cost.md}. */
  public static void main(String[] args) throws IOException {
    EvidenceArgs a = new EvidenceArgs(args);
    Path corpusDir = Path.of(a.require("--corpus"));
    Path out = Path.of(a.require("--out"));
    long steps = Long.parseLong(a.get("--steps", "600"));
    long overheadSteps = Long.parseLong(a.get("--overhead-steps", "100"));
    List<Long> seeds = a.seeds();
    ObjectNode trainer = a.realTextTrainer(steps);
    List<ShootoutSpec.Entry> entries = new ArrayList<>(BASELINES);
    entries.addAll(List.of(
        new ShootoutSpec.Entry("doremi", Json.parse("{\"policy\": \"doremi\"}")),
        new ShootoutSpec.Entry("odm", Json.parse("{\"policy\": \"odm\"}")),
        new ShootoutSpec.Entry("ado", Json.parse("{\"policy\": \"ado\", \"config\": "
            + "{\"ignoreInitialSteps\": 50, \"startStep\": 100, \"refitEvery\": 100, "
            + "\"subsampling\": 5}}"))));
    ShootoutSpec spec = new ShootoutSpec(corpusDir.toString(), 0, 0, trainer, entries, seeds,
        Math.max(1, steps / 12), "uniform");
    String command = Provenance.command("java " + PeersEvidence.class.getName() + " "
        + String.join(" ", args));
    Path shoot = out.resolve("shootout");
    Files.createDirectories(out);
    if (!Boolean.parseBoolean(a.get("--skip-shootout", "false"))) {
      new Shootout(spec, shoot, System.err).command(command).run(
          Shootout.OUTPUT.resumeIfPresent(shoot)); // evidence harnesses continue by design
      ShootoutReport.write(shoot);
      System.out.println("wrote " + shoot.resolve("report.md"));
    }
    if (overheadSteps > 0) {
      // a table scores every training block once: on two small domains it builds in minutes
      ObjectNode t = trainer.deepCopy();
      ArrayNode small = t.putArray("trainDomains");
      for (String d : a.get("--overhead-domains", "bible,target_jargon").split(",")) {
        small.add(d.strip());
      }
      t.put("steps", overheadSteps).put("warmupSteps", Math.min(10, overheadSteps / 2))
          .put("seed", 1).put("checkpointEvery", 0);
      referenceCost(corpusDir, TrainingConfig.fromJson(t), out.resolve("reference-cost"),
          command);
    }
  }

  /**
   * DoReMi's proxy with the reference model run at every step, then with a table built once:
   * median milliseconds per step of the reference phase and of the whole step, from each run's
   * metrics, and the table's build time.
   */
  static void referenceCost(Path corpusDir, TrainingConfig cfg, Path out, String command)
      throws IOException {
    ObjectNode cost = Json.object();
    try (Corpus corpus = Corpus.open(corpusDir)) {
      for (boolean table : new boolean[] {false, true}) {
        String name = table ? "table" : "on-the-fly";
        Path dir = out.resolve(name);
        long start = System.nanoTime();
        DoReMiWorkflow w = new DoReMiWorkflow(corpus, dir, cfg,
            Json.parse("{\"policy\": \"uniform\"}"), Json.object(), table, 1, null, System.err);
        w.claim(DoReMiWorkflow.OUTPUT.resumeIfPresent(dir));
        w.runMissing(false);
        ObjectNode o = cost.putObject(name);
        o.put("workflowSeconds", (System.nanoTime() - start) / 1e9);
        if (table) {
          o.set("tableBuild", Json.read(dir.resolve("round-1/table-build.json")));
        }
        List<ObjectNode> lines = new RunDirectory(w.output(1, DoReMiWorkflow.Stage.PROXY))
            .readMetrics();
        o.put("referenceMsMedian", median(lines, "reference"));
        o.put("stepMsMedian", median(lines, "total"));
        o.put("forwardBackwardMsMedian", median(lines, "forwardBackward"));
        List<ObjectNode> ref = new RunDirectory(w.output(1, DoReMiWorkflow.Stage.REFERENCE))
            .readMetrics();
        o.put("referenceRunStepMsMedian", median(ref, "total"));
      }
    }
    cost.put("command", command);
    cost.put("steps", cfg.steps());
    cost.put("domains", String.join(", ", cfg.trainDomains()));
    try (Corpus corpus = Corpus.open(corpusDir)) {
      long blocks = 0;
      for (var d : dev.datamix.djl.train.ReferenceTables.trainDomains(corpus, cfg)) {
        blocks += d.blocks();
      }
      cost.put("blocks", blocks);
    }
    cost.put("batchSize", cfg.batchSize());
    AtomicFiles.writeString(out.resolve(REFERENCE_COST), Json.write(cost));
    renderReferenceCost(out);
    System.out.println("wrote " + out.resolve("report.md"));
  }

  /** The raw file of the reference-cost page. */
  public static final String REFERENCE_COST = "reference-cost.json";

  /** Writes {@code report.md} in {@code dir} from its {@link #REFERENCE_COST}; returns it. */
  public static String renderReferenceCost(Path dir) throws IOException {
    JsonNode cost = Json.read(dir.resolve(REFERENCE_COST));
    JsonNode fly = cost.get("on-the-fly");
    JsonNode tab = cost.get("table");
    List<String> md = new ArrayList<>();
    md.add("# DoReMi's reference signal: on the fly against a precomputed table");
    md.add("");
    md.add("Command: `" + cost.get("command").asText() + "`. " + cost.get("steps").asLong()
        + "-step proxy runs, seed 1, batch " + cost.get("batchSize").asInt() + ", domains "
        + cost.get("domains").asText() + " (" + cost.get("blocks").asLong() + " training "
        + "blocks), medians over every step of each run's `metrics.jsonl`, measured in this one "
        + "invocation.");
    md.add("");
    md.add("| reference | reference ms/step | proxy ms/step | vs the plain reference run's step |");
    md.add("|---|---:|---:|---:|");
    for (JsonNode o : List.of(fly, tab)) {
      md.add(String.format(Locale.ROOT, "| %s | %.2f | %.1f | %+.1f%% |",
          o == fly ? "on the fly (one extra forward pass)" : "table (4 bytes a block, heap)",
          o.get("referenceMsMedian").asDouble(), o.get("stepMsMedian").asDouble(),
          100 * (o.get("stepMsMedian").asDouble() / o.get("referenceRunStepMsMedian")
              .asDouble() - 1)));
    }
    md.add("");
    md.add(String.format(Locale.ROOT, "Building the table scored %,d blocks in %.1f s (%.0f "
        + "blocks/s). Whole workflow (reference run, table build if any, proxy run): %.1f s on "
        + "the fly, %.1f s with the table. The table pays for itself once the proxy draws about "
        + "as many blocks as the corpus holds, or is reused (iterated rounds, several proxies).",
        tab.at("/tableBuild/blocks").asLong(), tab.at("/tableBuild/wallSeconds").asDouble(),
        tab.at("/tableBuild/blocks").asLong() / tab.at("/tableBuild/wallSeconds").asDouble(),
        fly.get("workflowSeconds").asDouble(), tab.get("workflowSeconds").asDouble()));
    String text = String.join("\n", md) + "\n";
    AtomicFiles.writeString(dir.resolve("report.md"), text);
    return text;
  }

  private static double median(List<ObjectNode> lines, String key) {
    double[] v = lines.stream().mapToDouble(l -> l.path("timeMs").path(key).asDouble())
        .toArray();
    Arrays.sort(v);
    return v.length == 0 ? Double.NaN : v[v.length / 2];
  }
}
