package dev.datamix.benchmarks.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.djl.train.MixingTrainer;
import dev.datamix.djl.train.TrainingConfig;
import dev.datamix.djl.workflow.VelocituneWorkflow;
import dev.datamix.run.RunDirectory;
import dev.datamix.shootout.Shootout;
import dev.datamix.shootout.ShootoutReport;
import dev.datamix.shootout.ShootoutSpec;
import dev.datamix.state.AtomicFiles;
import dev.datamix.state.Json;
import dev.datamix.stats.MeanAndSpread;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Velocitune in its paper's regime, continual pre-training (Luo et al., ACL 2025): a base model
 * trained {@code --pretrain-steps} on other domains, then continued on {@code --domains} under
 * four arms over the seeds — {@code proportional}; Velocitune with <b>oracle</b> targets (each
 * domain's final validation loss in the seed-1 proportional run), which isolates the reweighting
 * rule from the target fit; Velocitune with the workflow's targets (completed proxies, {@code
 * VelocituneWorkflow}); and the static mix at that Velocitune run's average weights (the paper's
 * ordering ablation) — plus {@code uniform}, the stratified baseline every shoot-out carries.
 * Writes the shoot-out's report and {@link #VELOCITIES}, each arm's final normalised velocities
 * against both target sets: worst domain and spread (max − min) over domains.
 *
 * <p>Usage: {@code VelocituneEvidence --corpus DIR --out DIR [--domains a,b,c] [--steps N]
 * [--seeds 1,2,3] [--update-every M] [--pretrain-steps N] [--pretrain-domains a,b]}; run
 * through {@code benchmarks/run-velocitune.sh}. Everything finished earlier is kept.
 */
public final class VelocituneEvidence {
  /** Both target sets and the note on the arms, beside the shoot-out. */
  public static final String TARGETS = "velocitune-targets.json";
  /** The page {@link #renderVelocities} writes. */
  public static final String VELOCITIES = "velocities.md";

  private VelocituneEvidence() {}

  /** Runs everything missing; writes the shoot-out's {@code report.md} and {@link #VELOCITIES}. */
  public static void main(String[] args) throws IOException {
    EvidenceArgs a = new EvidenceArgs(args);
    Path corpusDir = Path.of(a.require("--corpus"));
    Path out = Path.of(a.require("--out"));
    long steps = Long.parseLong(a.get("--steps", "600"));
    List<Long> seeds = a.seeds();
    long updateEvery = Long.parseLong(a.get("--update-every", "50"));
    long pretrainSteps = Long.parseLong(a.get("--pretrain-steps", "1500"));
    String pretrainDomains = a.get("--pretrain-domains", "bible,sotu,code_java");
    ObjectNode trainer = a.realTextTrainer(steps);
    trainer.put("evalBlocksPerDomain", 32);
    Files.createDirectories(out);
    Path base = pretrainSteps > 0 ? out.resolve("pretrain") : null;
    JsonNode fits;
    try (Corpus corpus = Corpus.open(corpusDir)) {
      if (base != null && !new RunDirectory(base).hasCheckpoint()) {
        ObjectNode pre = a.realTextTrainer(pretrainSteps);
        ArrayNode pd = pre.putArray("trainDomains");
        for (String d : pretrainDomains.split(",")) {
          pd.add(d.strip());
        }
        try (MixingTrainer t = MixingTrainer.builder().setCorpus(corpus)
            .setPolicy(Json.parse("{\"policy\": \"uniform\"}"))
            .optConfig(TrainingConfig.fromJson(pre)).setRunDirectory(base)
            .overwrite() // a base run interrupted before its checkpoint is redone
            .build()) {
          t.train();
        }
      }
      VelocituneWorkflow w = new VelocituneWorkflow(corpus, out.resolve("workflow"),
          TrainingConfig.fromJson(trainer), (ObjectNode) Json.parse("{\"updateEvery\": "
              + updateEvery + "}"), 0.2, 5, base, System.err);
      w.claim(VelocituneWorkflow.OUTPUT.resumeIfPresent(out.resolve("workflow")));
      w.runMissing(VelocituneWorkflow.Stage.FIT);
      fits = Json.read(w.output(VelocituneWorkflow.Stage.FIT));
    }
    ShootoutSpec.Entry uniform = new ShootoutSpec.Entry("uniform",
        Json.parse("{\"policy\": \"uniform\"}"));
    ShootoutSpec.Entry proportional = new ShootoutSpec.Entry("proportional",
        Json.parse("{\"policy\": \"proportional\"}"));
    ShootoutSpec.Entry fitted = new ShootoutSpec.Entry("velocitune", velocitune(updateEvery,
        fits.get("targets")));
    String start = base == null ? "" : base.toString();
    Path first = out.resolve("shootout-base");
    run(new ShootoutSpec(corpusDir.toString(), 0, 0, trainer, List.of(uniform, proportional,
        fitted), seeds, Math.max(1, steps / 12), "proportional", start), first);
    JsonNode oracle = oracleTargets(corpusDir, first.resolve("runs/proportional-s" + seeds.get(0)),
        trainer);
    ShootoutSpec.Entry oracleArm = new ShootoutSpec.Entry("velocitune-oracle",
        velocitune(updateEvery, oracle));
    ObjectNode average = Json.object();
    average.put("policy", "explicit");
    average.putObject("config").set("weights", averageWeights(first, seeds));
    ShootoutSpec.Entry averageArm = new ShootoutSpec.Entry("static-at-velocitune-average",
        average);
    List<ShootoutSpec.Entry> entries = List.of(uniform, proportional, fitted, oracleArm,
        averageArm);
    Path shoot = out.resolve("shootout");
    ShootoutRuns.copy(first, shoot, trainer, List.of("uniform", "proportional", "velocitune"),
        seeds);
    run(new ShootoutSpec(corpusDir.toString(), 0, 0, trainer, entries, seeds,
        Math.max(1, steps / 12), "proportional", start), shoot);
    ObjectNode targets = Json.object();
    targets.set("workflow", fits.get("targets"));
    targets.set("oracle", oracle);
    targets.put("note", "Every run, the proxies included, starts from a base model trained "
        + pretrainSteps + " steps (uniform) on " + pretrainDomains + ". `velocitune` takes its "
        + "targets from the workflow's completed proxies (`workflow/fits.json`, with the "
        + "extrapolation check); `velocitune-oracle` from the final validation losses of "
        + "`proportional` seed " + seeds.get(0) + " (both sets are in `" + TARGETS + "`); "
        + "`static-at-velocitune-average` is the explicit mix at the mean weights of the "
        + "`velocitune` runs over all steps and seeds.");
    AtomicFiles.writeString(shoot.resolve(TARGETS), Json.write(targets));
    Files.writeString(shoot.resolve(VELOCITIES), renderVelocities(shoot));
    System.out.println("wrote " + shoot.resolve("report.md") + " and "
        + shoot.resolve(VELOCITIES));
  }

  /**
   * The velocity page of a shoot-out directory holding {@link #TARGETS}: its note, then the
   * final normalised velocities of every arm against each target set.
   */
  public static String renderVelocities(Path shoot) throws IOException {
    JsonNode targets = Json.read(shoot.resolve(TARGETS));
    ShootoutSpec spec = ShootoutSpec.ofDirectory(shoot);
    List<String> md = new ArrayList<>();
    md.add("# Velocitune in continual pre-training: normalised velocities");
    md.add("");
    md.add(targets.get("note").asText());
    md.add("");
    velocities(md, shoot, spec.labels(), spec.seeds(), "the workflow's targets",
        targets.get("workflow"));
    velocities(md, shoot, spec.labels(), spec.seeds(), "the oracle targets",
        targets.get("oracle"));
    return String.join("\n", md) + "\n";
  }

  private static void run(ShootoutSpec spec, Path dir) throws IOException {
    new Shootout(spec, dir, System.err).run(
        Shootout.OUTPUT.resumeIfPresent(dir)); // evidence harnesses continue by design
    ShootoutReport.write(dir);
  }

  private static JsonNode velocitune(long updateEvery, JsonNode targets) {
    ObjectNode vt = Json.object();
    vt.put("policy", "velocitune");
    vt.putObject("config").put("updateEvery", updateEvery).set("targetLosses", targets);
    return vt;
  }

  /** The final model of {@code run}: its validation loss per domain (nats), kept in a file. */
  private static JsonNode oracleTargets(Path corpusDir, Path run, ObjectNode trainer)
      throws IOException {
    Path file = run.getParent().getParent().getParent().resolve("oracle-targets.json");
    if (Files.exists(file)) {
      return Json.read(file);
    }
    ObjectNode o = Json.object();
    try (Corpus corpus = Corpus.open(corpusDir);
        MixingTrainer t = MixingTrainer.builder().setCorpus(corpus)
            .setPolicy(Json.parse("{\"policy\": \"proportional\"}"))
            .optConfig(TrainingConfig.fromJson(trainer)).optInitialWeights(run)
            .setRunDirectory(file.getParent().resolve("oracle-eval")).overwrite().build()) {
      double[] loss = t.evaluate(Split.VALIDATION);
      for (int d = 0; d < loss.length; d++) {
        o.put(t.domains().get(d).name(), loss[d]);
      }
    }
    AtomicFiles.writeString(file, Json.write(o));
    return o;
  }

  /** Mean requested weight per domain over every step and seed of the {@code velocitune} runs. */
  private static ObjectNode averageWeights(Path shoot, List<Long> seeds) throws IOException {
    ObjectNode mean = Json.object();
    for (long seed : seeds) {
      JsonNode w = new RunDirectory(shoot.resolve("runs/velocitune-s" + seed)).readResult()
          .get("weightTrace").get("weights");
      w.fields().forEachRemaining(e -> {
        double s = 0;
        for (JsonNode x : e.getValue()) {
          s += x.asDouble();
        }
        mean.put(e.getKey(), mean.path(e.getKey()).asDouble(0)
            + s / e.getValue().size() / seeds.size());
      });
    }
    return mean;
  }

  /**
   * A table of final normalised velocities {@code clamp((ℓ_end − ℓ_target)/(ℓ_start −
   * ℓ_target), 0, 1)} (test split, first and last evaluations) per arm, with the worst domain
   * and the spread over domains.
   */
  private static void velocities(List<String> md, Path shoot, List<String> labels,
      List<Long> seeds, String what, JsonNode targets) throws IOException {
    List<String> names = new ArrayList<>();
    targets.fieldNames().forEachRemaining(names::add);
    md.add("## Final normalised velocity against " + what + " (1 = nothing learned, 0 = target "
        + "reached)");
    md.add("");
    StringBuilder h = new StringBuilder("| arm |");
    StringBuilder sep = new StringBuilder("|---|");
    for (String n : names) {
      h.append(' ').append(n).append(" |");
      sep.append("---:|");
    }
    md.add(h + " worst | spread |");
    md.add(sep + "---:|---:|");
    for (String label : labels) {
      List<List<Double>> cols = new ArrayList<>();
      for (int i = 0; i < names.size() + 2; i++) {
        cols.add(new ArrayList<>());
      }
      for (long seed : seeds) {
        JsonNode curve = new RunDirectory(shoot.resolve("runs").resolve(label + "-s" + seed))
            .readResult().get("curve");
        JsonNode first = curve.get(0).get("nats");
        JsonNode last = curve.get(curve.size() - 1).get("nats");
        double worst = 0;
        double best = 1;
        for (int i = 0; i < names.size(); i++) {
          double target = targets.get(names.get(i)).asDouble();
          double gap = first.get(names.get(i)).asDouble() - target;
          double v = gap <= 0 ? 0 : Math.max(0, Math.min(1,
              (last.get(names.get(i)).asDouble() - target) / gap));
          cols.get(i).add(v);
          worst = Math.max(worst, v);
          best = Math.min(best, v);
        }
        cols.get(names.size()).add(worst);
        cols.get(names.size() + 1).add(worst - best);
      }
      StringBuilder row = new StringBuilder("| ").append(label).append(" |");
      for (List<Double> c : cols) {
        row.append(' ').append(MeanAndSpread.of(c).plain(3)).append(" |");
      }
      md.add(row.toString());
    }
    md.add("");
    md.add("Targets (nats/token): " + targets + ".");
    md.add("");
  }
}
