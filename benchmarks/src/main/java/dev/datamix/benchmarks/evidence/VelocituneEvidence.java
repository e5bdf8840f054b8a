package dev.datamix.benchmarks.evidence;

import dev.datamix.shootout.Shootout;
import dev.datamix.shootout.ShootoutReport;
import dev.datamix.shootout.ShootoutSpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.djl.train.MixingTrainer;
import dev.datamix.djl.train.TrainingConfig;
import dev.datamix.djl.workflow.VelocituneWorkflow;
import dev.datamix.run.RunDirectory;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Velocitune against static proportional and uniform mixes on a real corpus: the workflow's
 * initial, proxy and fit stages (seed 1) give the targets; a shoot-out runs the three policies
 * over the seeds; the report adds each domain's normalised velocity at the end, {@code
 * clamp((ℓ_end − ℓ_target)/(ℓ_start − ℓ_target), 0, 1)} on the test split.
 *
 * <p>Usage: {@code VelocituneEvidence --corpus DIR --out DIR [--domains a,b,c] [--steps N]
 * [--seeds 1,2,3] [--update-every M]}; run through {@code benchmarks/run-velocitune.sh}.
 */
public final class VelocituneEvidence {
  private VelocituneEvidence() {}

  /** Runs everything missing and writes {@code report.md}. */
  public static void main(String[] args) throws IOException {
    EvidenceArgs a = new EvidenceArgs(args);
    Path corpusDir = Path.of(a.require("--corpus"));
    Path out = Path.of(a.require("--out"));
    String domains = a.get("--domains", "prose,code_python,email,techdocs,dictionary");
    long steps = Long.parseLong(a.get("--steps", "600"));
    String seeds = a.get("--seeds", "1,2,3");
    long updateEvery = Long.parseLong(a.get("--update-every", "50"));
    long pretrainSteps = Long.parseLong(a.get("--pretrain-steps", "0"));
    String pretrainDomains = a.get("--pretrain-domains", "bible,sotu,code_java");
    ObjectNode trainer = (ObjectNode) Json.parse("{\"batchSize\": 16, \"steps\": " + steps
        + ", \"warmupSteps\": 30, \"peakLr\": 0.002, \"minLr\": 0.0002, "
        + "\"evalBlocksPerDomain\": 32, \"seed\": 1}");
    ArrayNode train = trainer.putArray("trainDomains");
    for (String d : domains.split(",")) {
      train.add(d.strip());
    }
    Files.createDirectories(out);
    JsonNode fits;
    Path base = null;
    try (Corpus corpus = Corpus.open(corpusDir)) {
      if (pretrainSteps > 0) {
        // continual pre-training: a base model trained on other domains first
        base = out.resolve("pretrain");
        if (!new RunDirectory(base).hasCheckpoint()) {
          ObjectNode pre = trainer.deepCopy();
          pre.put("steps", pretrainSteps);
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
      }
      VelocituneWorkflow w = new VelocituneWorkflow(corpus, out.resolve("workflow"),
          TrainingConfig.fromJson(trainer), (ObjectNode) Json.parse("{\"updateEvery\": "
              + updateEvery + "}"), 0.2, 8, base, System.err);
      w.claim(VelocituneWorkflow.OUTPUT.resumeIfPresent(out.resolve("workflow")));
      for (VelocituneWorkflow.Stage s : List.of(VelocituneWorkflow.Stage.INITIAL,
          VelocituneWorkflow.Stage.PROXY, VelocituneWorkflow.Stage.FIT)) {
        if (!Files.exists(w.output(s))) {
          w.run(s);
        }
      }
      fits = Json.read(w.output(VelocituneWorkflow.Stage.FIT));
    }
    trainer.remove("seed");
    ObjectNode vt = Json.object();
    vt.put("policy", "velocitune");
    vt.putObject("config").put("updateEvery", updateEvery).set("targetLosses",
        fits.get("targets"));
    List<ShootoutSpec.Entry> entries = List.of(
        new ShootoutSpec.Entry("uniform", Json.parse("{\"policy\": \"uniform\"}")),
        new ShootoutSpec.Entry("proportional", Json.parse("{\"policy\": \"proportional\"}")),
        new ShootoutSpec.Entry("velocitune", vt));
    List<Long> seedList = new ArrayList<>();
    for (String s : seeds.split(",")) {
      seedList.add(Long.parseLong(s.strip()));
    }
    ShootoutSpec spec = new ShootoutSpec(corpusDir.toString(), 0, 0, trainer, entries, seedList,
        Math.max(1, steps / 12), "proportional", base == null ? "" : base.toString());
    Path shoot = out.resolve("shootout");
    new Shootout(spec, shoot, System.err).run(
        Shootout.OUTPUT.resumeIfPresent(shoot)); // evidence harnesses continue by design
    ShootoutReport.write(shoot);
    List<String> md = new ArrayList<>(Files.readAllLines(shoot.resolve("report.md")));
    md.set(0, "# Velocitune against static mixes on real text");
    md.add("");
    md.add("## Normalised velocity at the end (test split; 1 = nothing learned, 0 = target "
        + "reached)");
    md.add("");
    md.add("`clamp((ℓ_end − ℓ_target)/(ℓ_start − ℓ_target), 0, 1)` per domain, with ℓ in "
        + "nats/token from the first and last test evaluations of each run and ℓ_target from "
        + "the proxy fit (`workflow/fits.json`, extrapolated to each domain's tokens under the "
        + "proportional mix). The claim to test: Velocitune ends with more balanced progress "
        + "(a lower worst-domain velocity) without a worse mean loss.");
    md.add("");
    JsonNode targets = fits.get("targets");
    List<String> names = new ArrayList<>();
    targets.fieldNames().forEachRemaining(names::add);
    StringBuilder h = new StringBuilder("| policy |");
    StringBuilder sep = new StringBuilder("|---|");
    for (String n : names) {
      h.append(' ').append(n).append(" |");
      sep.append("---:|");
    }
    md.add(h + " worst |");
    md.add(sep + "---:|");
    for (ShootoutSpec.Entry e : entries) {
      List<double[]> perSeed = new ArrayList<>();
      for (long seed : seedList) {
        JsonNode r = new RunDirectory(shoot.resolve("runs").resolve(e.label() + "-s" + seed))
            .readResult();
        JsonNode curve = r.get("curve");
        JsonNode start = curve.get(0).get("nats");
        JsonNode end = curve.get(curve.size() - 1).get("nats");
        double[] v = new double[names.size() + 1];
        for (int i = 0; i < names.size(); i++) {
          double target = targets.get(names.get(i)).asDouble();
          double gap = start.get(names.get(i)).asDouble() - target;
          v[i] = gap <= 0 ? 0 : Math.max(0, Math.min(1,
              (end.get(names.get(i)).asDouble() - target) / gap));
          v[names.size()] = Math.max(v[names.size()], v[i]);
        }
        perSeed.add(v);
      }
      StringBuilder row = new StringBuilder("| ").append(e.label()).append(" |");
      for (int i = 0; i <= names.size(); i++) {
        List<Double> col = new ArrayList<>();
        for (double[] v : perSeed) {
          col.add(v[i]);
        }
        row.append(' ').append(dev.datamix.stats.MeanAndSpread.of(col).plain(3)).append(" |");
      }
      md.add(row.toString());
    }
    md.add("");
    md.add("Fits and targets (seed 1 proxy, " + fits.path("tokenBudget").asDouble()
        + " tokens budget): see `workflow/fits.json`."
        + (base == null ? " Every run starts from fresh weights." : " Every run, the proxy "
        + "included, starts from a base model trained " + pretrainSteps + " steps on "
        + pretrainDomains + " (continual pre-training)."));
    Files.writeString(out.resolve("report.md"), String.join("\n", md) + "\n");
    System.out.println("wrote " + out.resolve("report.md"));
  }


}
