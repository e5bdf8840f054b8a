package dev.datamix.benchmarks.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.djl.train.MixingTrainer;
import dev.datamix.djl.train.MixingTrainerBuilder;
import dev.datamix.djl.train.TrainingConfig;
import dev.datamix.report.Charts;
import dev.datamix.run.RunDirectory;
import dev.datamix.schedule.LearningRateSchedule;
import dev.datamix.state.AtomicFiles;
import dev.datamix.state.Json;
import dev.datamix.stats.MeanAndSpread;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Continual pre-training on real text, in the regime the replay and rewarm claims are made for
 * (Ibrahim et al., 2024): phase A (English prose) is trained once for {@code --steps-a} steps to
 * the end of its cosine and shared as a checkpoint; phase B (code) then continues from it for
 * {@code --steps-b} steps with a rewarmed, redecayed rate and a fresh optimizer, at each replay
 * fraction of {@code --replays}, with the exact per-batch allocation and (for replay &gt; 0) the
 * i.i.d. one; the union A ∪ B is trained from scratch for the combined budget. Every run of
 * phase B and the union runs over {@code --seeds}. Reports held-out loss on A and B at the end
 * and forgetting on A (its rise during B), as mean ± sd over seeds, and the loss curves.
 *
 * <p>Runs finished earlier (their {@code result.json}) are kept, so an interrupted harness
 * continues. Usage: {@code ContinualEvidence --corpus DIR --out DIR [--steps-a N] [--steps-b N]
 * [--seeds 1,2] [--replays 0,0.05,0.25]}.
 */
public final class ContinualEvidence {
  private static final List<String> A = List.of("prose", "bible", "sotu");
  private static final List<String> B = List.of("code_python", "code_java");
  private static final double PEAK = 2e-3;
  private static final double MIN = 2e-4;
  private static final int EVAL_BLOCKS = 256;
  private static final int CURVE_POINTS = 5;
  private static final String UNION = "union A ∪ B from scratch";
  /** The index of the runs a report is made of. */
  static final String RAW = "continual.json";

  private ContinualEvidence() {}

  /** Runs what is missing and writes {@code report.md} and plots. */
  public static void main(String[] args) throws IOException {
    EvidenceArgs a = new EvidenceArgs(args);
    Path corpusDir = Path.of(a.require("--corpus"));
    Path out = Path.of(a.require("--out"));
    long stepsA = Long.parseLong(a.get("--steps-a", "1000"));
    long stepsB = Long.parseLong(a.get("--steps-b", "1000"));
    List<Long> seeds = a.longs("--seeds", "1,2");
    List<Double> replays = new ArrayList<>();
    for (String r : a.get("--replays", "0,0.05,0.25").split(",")) {
      replays.add(Double.parseDouble(r.strip()));
    }
    Files.createDirectories(out);
    ObjectNode index = Json.object();
    index.put("stepsA", stepsA).put("stepsB", stepsB);
    seeds.forEach(index.putArray("seeds")::add);
    index.put("phaseA", "runs/phase-A");
    ObjectNode entries = index.putObject("entries");
    try (Corpus corpus = Corpus.open(corpusDir)) {
      Path phaseA = out.resolve("runs/phase-A");
      run(corpus, phaseA, mix(corpus, 1), stepsA, 1, "random", null);
      for (double replay : replays) {
        for (String allocation : replay > 0 ? List.of("exact", "random") : List.of("exact")) {
          String label = String.format(Locale.ROOT, "B, replay %.0f%%, %s", replay * 100,
              allocation);
          ArrayNode dirs = entries.putArray(label);
          for (long seed : seeds) {
            Path dir = out.resolve("runs").resolve(slug(label) + "-s" + seed);
            run(corpus, dir, mix(corpus, replay), stepsB, seed, allocation, phaseA);
            dirs.add("runs/" + dir.getFileName());
          }
        }
      }
      ArrayNode dirs = entries.putArray(UNION);
      for (long seed : seeds) {
        run(corpus, out.resolve("runs/union-s" + seed), Json.parse("{\"policy\": "
            + "\"proportional\"}"), stepsA + stepsB, seed, "random", null);
        dirs.add("runs/union-s" + seed);
      }
    }
    AtomicFiles.writeString(out.resolve(RAW), Json.write(index));
    render(out);
    System.out.println("wrote " + out.resolve("report.md"));
  }

  /**
   * Writes {@code report.md} and the plots from {@link #RAW} and each run's {@code
   * evidence-result.json} in {@code dir}; returns the report's text.
   */
  static String render(Path dir) throws IOException {
    JsonNode index = Json.read(dir.resolve(RAW));
    List<Long> seeds = new ArrayList<>();
    index.get("seeds").forEach(x -> seeds.add(x.asLong()));
    JsonNode endOfA = Json.read(dir.resolve(index.get("phaseA").asText())
        .resolve("evidence-result.json"));
    Map<String, List<JsonNode>> results = new LinkedHashMap<>();
    for (var it = index.get("entries").fields(); it.hasNext(); ) {
      var e = it.next();
      List<JsonNode> runs = new ArrayList<>();
      for (JsonNode r : e.getValue()) {
        runs.add(Json.read(dir.resolve(r.asText()).resolve("evidence-result.json")));
      }
      results.put(e.getKey(), runs);
    }
    return write(dir, index.get("stepsA").asLong(), index.get("stepsB").asLong(), seeds, endOfA,
        results);
  }

  /**
   * {@code x} of each batch from A in proportion to A's tokens and {@code 1 − x} from B in
   * proportion to B's: phase A at {@code x = 1}, phase B at its replay fraction, as the {@code
   * continual} policy builds it.
   */
  private static JsonNode mix(Corpus corpus, double replay) {
    ObjectNode spec = Json.object();
    spec.put("policy", "explicit");
    ObjectNode w = spec.putObject("config").putObject("weights");
    put(w, corpus, B, 1 - replay);
    put(w, corpus, A, replay);
    return spec;
  }

  private static void put(ObjectNode w, Corpus corpus, List<String> group, double share) {
    double total = 0;
    for (String d : group) {
      total += corpus.domains(Split.TRAIN).get(corpus.domainIndex(d)).tokens();
    }
    for (String d : group) {
      w.put(d, share * corpus.domains(Split.TRAIN).get(corpus.domainIndex(d)).tokens() / total);
    }
  }

  /**
   * One run over A ∪ B (A's domains are evaluated in every run), unless it left its result: its
   * curve of (tokens, mean A, mean B) and final means.
   */
  private static void run(Corpus corpus, Path dir, JsonNode policy, long steps, long seed,
      String allocation, Path initialWeights) throws IOException {
    Path resultFile = dir.resolve("evidence-result.json");
    if (Files.exists(resultFile)) {
      return;
    }
    ObjectNode cfg = (ObjectNode) Json.parse("{\"batchSize\": 16, \"steps\": " + steps
        + ", \"seed\": " + seed + ", \"evalBlocksPerDomain\": " + EVAL_BLOCKS
        + ", \"allocation\": \"" + allocation + "\", \"warmupSteps\": " + warmup(steps)
        + ", \"peakLr\": " + PEAK + ", \"minLr\": " + MIN + "}");
    ArrayNode td = cfg.putArray("trainDomains");
    A.forEach(td::add);
    B.forEach(td::add);
    MixingTrainerBuilder b = MixingTrainer.builder().setCorpus(corpus).setPolicy(policy)
        .optConfig(TrainingConfig.fromJson(cfg))
        .optSchedule(LearningRateSchedule.warmupCosine(PEAK, warmup(steps), steps, MIN))
        .setRunDirectory(dir).overwrite(); // a run without its result is redone
    if (initialWeights != null) {
      b.optInitialWeights(initialWeights);
    }
    ObjectNode result = Json.object();
    ArrayNode curve = result.putArray("curve");
    try (MixingTrainer t = b.build()) {
      for (int k = 0; k <= CURVE_POINTS; k++) {
        if (k > 0) {
          t.runSteps(steps * k / CURVE_POINTS);
        }
        double[] m = means(t);
        curve.addArray().add(t.tokensSeen()).add(m[0]).add(m[1]);
      }
      t.saveCheckpoint();
    }
    JsonNode last = curve.get(CURVE_POINTS);
    result.put("a", last.get(1).asDouble()).put("b", last.get(2).asDouble());
    result.set("weights", policy);
    AtomicFiles.writeString(resultFile, Json.write(result));
    System.err.printf(Locale.ROOT, "%s: A %.4f, B %.4f%n", dir.getFileName(),
        result.get("a").asDouble(), result.get("b").asDouble());
  }

  private static long warmup(long steps) {
    return Math.max(1, steps / 100);
  }

  /** Mean held-out bits/byte over A's and over B's domains, on fixed test blocks. */
  private static double[] means(MixingTrainer t) {
    double[] nats = t.evaluate(Split.TEST);
    double sa = 0;
    double sb = 0;
    for (int d = 0; d < t.domains().size(); d++) {
      double bpb = t.bitsPerByte(nats[d], d, Split.TEST);
      if (A.contains(t.domains().get(d).name())) {
        sa += bpb / A.size();
      } else {
        sb += bpb / B.size();
      }
    }
    return new double[] {sa, sb};
  }

  private static String write(Path out, long stepsA, long stepsB, List<Long> seeds,
      JsonNode endOfA, Map<String, List<JsonNode>> results) throws IOException {
    double aAfterA = endOfA.get("a").asDouble();
    List<String> md = new ArrayList<>();
    md.add("# Continual pre-training: replay and rewarm from a shared phase-A checkpoint");
    md.add("");
    md.add(String.format(Locale.ROOT, "Phase A = %s, trained once for %d steps (proportional, "
        + "cosine %.0e → %.0e, seed 1) and shared as a checkpoint; it ends at A %.4f, B %.4f "
        + "bits/byte. Phase B = %s for %d steps from that checkpoint: fresh AdamW, rate rewarmed "
        + "over 1%% of the steps and redecayed by cosine, replay x%% of each batch from A "
        + "(proportional within each group). The union trains A ∪ B (proportional) from scratch "
        + "for %d steps. 16 blocks of 128 bytes per step, the default tiny model, seeds %s. "
        + "Held-out **bits per byte** on %d fixed test blocks per domain, mean over each "
        + "group's domains, mean ± sd over seeds. Forgetting = A at the end of B minus A at the "
        + "end of phase A. `exact` gives every batch the mix's counts within one block per "
        + "domain; `random` draws each block's domain i.i.d. Produced by "
        + "`benchmarks/run-continual.sh`.", A, stepsA, PEAK, MIN, aAfterA,
        endOfA.get("b").asDouble(), B, stepsB, stepsA + stepsB, seeds, EVAL_BLOCKS));
    md.add("");
    md.add("| run | A at end | B at end | mean | forgetting on A |");
    md.add("|---|---:|---:|---:|---:|");
    Map<String, double[][]> curvesA = new LinkedHashMap<>();
    Map<String, double[][]> curvesB = new LinkedHashMap<>();
    for (Map.Entry<String, List<JsonNode>> e : results.entrySet()) {
      List<Double> as = new ArrayList<>();
      List<Double> bs = new ArrayList<>();
      List<Double> mean = new ArrayList<>();
      List<Double> forget = new ArrayList<>();
      for (JsonNode r : e.getValue()) {
        as.add(r.get("a").asDouble());
        bs.add(r.get("b").asDouble());
        mean.add((r.get("a").asDouble() + r.get("b").asDouble()) / 2);
        forget.add(r.get("a").asDouble() - aAfterA);
      }
      boolean isUnion = e.getKey().equals(UNION);
      md.add(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |", e.getKey(),
          MeanAndSpread.of(as).plain(4), MeanAndSpread.of(bs).plain(4),
          MeanAndSpread.of(mean).plain(4), isUnion ? "—" : MeanAndSpread.of(forget).plain(4)));
      JsonNode curve = e.getValue().get(0).get("curve");
      double[][] ca = new double[2][curve.size()];
      double[][] cb = new double[2][curve.size()];
      double offset = isUnion ? 0 : endOfA.get("curve").get(CURVE_POINTS).get(0).asDouble();
      for (int i = 0; i < curve.size(); i++) {
        ca[0][i] = cb[0][i] = offset + curve.get(i).get(0).asDouble();
        ca[1][i] = curve.get(i).get(1).asDouble();
        cb[1][i] = curve.get(i).get(2).asDouble();
      }
      curvesA.put(e.getKey(), ca);
      curvesB.put(e.getKey(), cb);
    }
    md.add("");
    md.add("The union run has no end of phase A, so its forgetting is not defined. The curves "
        + "(seed " + seeds.get(0) + ") count tokens from the start of phase A.");
    md.add("");
    Charts.lines(out.resolve("plots/loss-A"), "Held-out loss on A (English prose)", "tokens",
        "bits per byte", curvesA);
    Charts.lines(out.resolve("plots/loss-B"), "Held-out loss on B (code)", "tokens",
        "bits per byte", curvesB);
    md.add("![A](plots/loss-A.png)");
    md.add("![B](plots/loss-B.png)");
    String text = String.join("\n", md) + "\n";
    Files.writeString(out.resolve("report.md"), text);
    return text;
  }

  private static String slug(String label) {
    return label.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("-+$", "");
  }
}
