package dev.datamix.benchmarks.evidence;

import dev.datamix.shootout.Shootout;
import dev.datamix.shootout.ShootoutReport;
import dev.datamix.shootout.ShootoutSpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.dga.TargetSimilarity;
import dev.datamix.djl.train.MixingTrainer;
import dev.datamix.djl.train.TrainingConfig;
import dev.datamix.run.RunDirectory;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * DGA against importance sampling, the natural (proportional) and the uniform mix on real text,
 * toward a small target set, with an overhead sweep over {@code T_r} and the probe batch size.
 *
 * <p>Usage: {@code DgaEvidence --corpus DIR --out DIR [--domains a,b] [--target t] [--steps N]
 * [--seeds 1,2,3] [--update-every T] [--learning-rate η] [--ema λ] [--sweep-steps N]
 * [--sweep-only true]}; run through {@code
 * benchmarks/run-dga.sh}.
 */
public final class DgaEvidence {
  private DgaEvidence() {}

  /**
   * How target-like each domain is ({@link TargetSimilarity}, on the 64 target blocks DGA's
   * probes use, 200,000 tokens of each domain, α = 0.1): importance sampling's scores.
   */
  static Map<String, Double> targetScores(Path corpusDir, List<String> domains, String target)
      throws IOException {
    try (Corpus corpus = Corpus.open(corpusDir)) {
      return TargetSimilarity.scores(corpus, domains, target, 64, 200_000, 0.1);
    }
  }

  /** The {@code importance} policy spec with these scores. */
  static ObjectNode importance(Map<String, Double> scores) {
    ObjectNode spec = Json.object();
    spec.put("policy", "importance");
    ObjectNode sc = spec.putObject("config").putObject("scores");
    scores.forEach(sc::put);
    return spec;
  }

  /** {@code trainer} with the target set DGA's probes align with: 64 blocks, probe batch 8. */
  static ObjectNode withTarget(ObjectNode trainer, String target) {
    return trainer.put("targetDomain", target).put("targetBlocks", 64).put("probeBatchSize", 8);
  }

  /** Runs everything missing and writes {@code report.md}. */
  public static void main(String[] args) throws IOException {
    EvidenceArgs a = new EvidenceArgs(args);
    Path corpusDir = Path.of(a.require("--corpus"));
    Path out = Path.of(a.require("--out"));
    String domains = a.get("--domains", "prose,code_python,email,techdocs,dictionary");
    String target = a.get("--target", "target_jargon");
    long steps = Long.parseLong(a.get("--steps", "600"));
    String seeds = a.get("--seeds", "1,2,3");
    long updateEvery = Long.parseLong(a.get("--update-every", "25"));
    long sweepSteps = Long.parseLong(a.get("--sweep-steps", "100"));
    ObjectNode trainer = (ObjectNode) Json.parse("{\"batchSize\": 16, \"steps\": " + steps
        + ", \"warmupSteps\": 30, \"peakLr\": 0.002, \"minLr\": 0.0002, "
        + "\"evalBlocksPerDomain\": 16, \"targetDomain\": \"" + target + "\", "
        + "\"targetBlocks\": 64, \"probeBatchSize\": 8}");
    ArrayNode train = trainer.putArray("trainDomains");
    List<String> names = new ArrayList<>();
    for (String d : domains.split(",")) {
      train.add(d.strip());
      names.add(d.strip());
    }
    Files.createDirectories(out);
    Map<String, Double> scores = targetScores(corpusDir, names, target);
    ObjectNode importance = importance(scores);
    ObjectNode dga = (ObjectNode) Json.parse("{\"policy\": \"dga\"}");
    ObjectNode dgaConfig = dga.putObject("config").put("updateEvery", updateEvery);
    if (a.has("--learning-rate")) {
      dgaConfig.put("learningRate", Double.parseDouble(a.get("--learning-rate", "")));
    }
    if (a.has("--ema")) {
      dgaConfig.put("ema", Double.parseDouble(a.get("--ema", "")));
    }
    List<ShootoutSpec.Entry> entries = List.of(
        new ShootoutSpec.Entry("uniform", Json.parse("{\"policy\": \"uniform\"}")),
        new ShootoutSpec.Entry("natural", Json.parse("{\"policy\": \"proportional\"}")),
        new ShootoutSpec.Entry("importance", importance),
        new ShootoutSpec.Entry("dga", dga));
    List<Long> seedList = new ArrayList<>();
    for (String s : seeds.split(",")) {
      seedList.add(Long.parseLong(s.strip()));
    }
    ShootoutSpec spec = new ShootoutSpec(corpusDir.toString(), 0, 0, trainer, entries, seedList,
        Math.max(1, steps / 12), "natural");
    String command = dev.datamix.shootout.Provenance.command(
        "java " + DgaEvidence.class.getName() + " " + String.join(" ", args));
    if (sweepSteps > 0) {
      try (Corpus corpus = Corpus.open(corpusDir)) {
        DgaOverheadSweep.run(corpus, trainer, names.size(), sweepSteps, out.resolve("overhead"),
            command);
      }
      System.out.println("wrote " + out.resolve("overhead/report.md"));
    }
    if (Boolean.parseBoolean(a.get("--sweep-only", "false"))) {
      return;
    }
    Path shoot = out.resolve("shootout");
    new Shootout(spec, shoot, System.err).command(command).run(
        Shootout.OUTPUT.resumeIfPresent(shoot)); // evidence harnesses continue by design
    ShootoutReport.write(shoot);
    List<String> md = new ArrayList<>(Files.readAllLines(shoot.resolve("report.md")));
    md.set(0, "# DGA toward a small target set, on real text");
    md.add("");
    md.add("Importance-sampling scores (`TargetSimilarity`, bigram cross-entropy of the 64 "
        + "target blocks under each domain): " + scores);
    md.add("");
    md.add("The overhead sweep is in `overhead/report.md`.");
    Files.writeString(out.resolve("report.md"), String.join("\n", md) + "\n");
    System.out.println("wrote " + out.resolve("report.md"));
  }

}
