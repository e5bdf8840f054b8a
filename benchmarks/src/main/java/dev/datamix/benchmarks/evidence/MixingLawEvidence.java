package dev.datamix.benchmarks.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.djl.train.TrainingConfig;
import dev.datamix.djl.workflow.TrainerSwarmRunner;
import dev.datamix.mixlaw.MixConstraints;
import dev.datamix.mixlaw.MixFit;
import dev.datamix.mixlaw.MixObjective;
import dev.datamix.mixlaw.MixProposer;
import dev.datamix.mixlaw.MixRegressor;
import dev.datamix.mixlaw.MixRegressors;
import dev.datamix.mixlaw.Swarm;
import dev.datamix.mixlaw.SwarmOptions;
import dev.datamix.mixlaw.SwarmPlan;
import dev.datamix.mixlaw.SwarmTable;
import dev.datamix.mixture.Mixtures;
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
import java.util.List;
import java.util.Locale;

/**
 * Aioli and the offline mixing-law family on real text, against stratified ({@code uniform}),
 * {@code proportional} and {@code temperature} 2, 3 seeds, at the budget of the other real-text
 * results (600 steps × 16 blocks of 128 bytes, byte tokens, the default tiny model, five generic
 * domains). First a RegMix swarm of proxies (2 layers, d = 64, the main run's steps and batch),
 * each scored on 64 validation blocks per domain; then {@code fit-mix} over every regressor on the
 * mean of the domains' bits per byte, with at most 4 epochs of any domain at the main budget; its
 * proposal joins the shoot-out as an {@code explicit} mix. Aioli runs with its defaults, and in
 * its restricted mode from the proposal ({@code priorSteps} 300); since Aioli's rounds restart
 * near uniform, a static two-stage control trains the proposal for 300 steps, then uniform
 * ({@code fitmix-then-uniform}). Then the costs: the swarm's
 * compute against one main run, and Aioli's overhead (its LearnParams share of the steps plus its
 * held-out evaluations' time against a stratified run's training time).
 *
 * <p>Usage: {@code MixingLawEvidence --corpus DIR --out DIR [--steps N] [--seeds 1,2,3]
 * [--swarm-runs N] [--baselines SHOOTOUT]}; run through {@code benchmarks/run-mixing-laws.sh}.
 * With {@code --baselines}, the stratified, proportional and temperature-2 run directories of an
 * earlier shoot-out of the same trainer settings are copied in instead of re-trained (the
 * harness refuses a shoot-out of other settings), and the invocation's log says which.
 */
public final class MixingLawEvidence {
  private MixingLawEvidence() {}

  /** The costs page's raw file. */
  public static final String COSTS = "costs.json";

  /** Runs everything missing and writes the reports. */
  public static void main(String[] args) throws IOException {
    EvidenceArgs a = new EvidenceArgs(args);
    Path corpusDir = Path.of(a.require("--corpus"));
    Path out = Path.of(a.require("--out"));
    long steps = Long.parseLong(a.get("--steps", "600"));
    int swarmRuns = Integer.parseInt(a.get("--swarm-runs", "32"));
    List<Long> seeds = a.seeds();
    ObjectNode trainer = a.realTextTrainer(steps);
    String command = Provenance.command("java " + MixingLawEvidence.class.getName() + " "
        + String.join(" ", args));
    Files.createDirectories(out);
    ObjectNode proposal;
    try (Corpus corpus = Corpus.open(corpusDir)) {
      proposal = swarmAndFit(corpus, trainer, steps, swarmRuns, out);
    }
    String regressor = Json.read(out.resolve("fit/fit-mix.json")).get("regressor").asText();
    ObjectNode twoStage = Json.object().put("policy", "piecewise");
    ArrayNode segments = twoStage.putObject("config").putArray("segments");
    segments.addObject().put("startStep", 0).set("weights", proposal.at("/config/weights"));
    ObjectNode uniform = segments.addObject().put("startStep", steps / 2).putObject("weights");
    proposal.at("/config/weights").fieldNames().forEachRemaining(d -> uniform.put(d, 1.0));
    ObjectNode restricted = Json.object().put("policy", "aioli");
    restricted.putObject("config").put("priorSteps", steps / 2).set("prior", proposal);
    List<ShootoutSpec.Entry> entries = new ArrayList<>(PeersEvidence.BASELINES);
    entries.addAll(List.of(
        new ShootoutSpec.Entry("aioli", Json.parse("{\"policy\": \"aioli\"}")),
        new ShootoutSpec.Entry("aioli-restricted", restricted),
        new ShootoutSpec.Entry("fitmix-" + regressor, proposal),
        new ShootoutSpec.Entry("fitmix-then-uniform", twoStage)));
    ShootoutSpec spec = new ShootoutSpec(corpusDir.toString(), 0, 0, trainer, entries, seeds,
        Math.max(1, steps / 12), "uniform");
    Path shoot = out.resolve("shootout");
    if (a.has("--baselines")) {
      ShootoutRuns.copy(Path.of(a.get("--baselines", "")), shoot, trainer,
          PeersEvidence.BASELINES.stream().map(ShootoutSpec.Entry::label).toList(), seeds);
    }
    new Shootout(spec, shoot, System.err).command(command).run(
        Shootout.OUTPUT.resumeIfPresent(shoot)); // evidence harnesses continue by design
    ShootoutReport.write(shoot);
    System.out.println("wrote " + shoot.resolve("report.md"));
    costs(out, seeds, steps, command);
  }

  /** The swarm, then the fit; returns the proposal's policy spec. */
  static ObjectNode swarmAndFit(Corpus corpus, ObjectNode trainer, long steps, int runs, Path out)
      throws IOException {
    ObjectNode proxy = trainer.deepCopy();
    proxy.put("layers", 2).put("dModel", 64).put("evalBlocksPerDomain", 64).put("seed", 1)
        .put("checkpointEvery", 100);
    TrainerSwarmRunner runner = new TrainerSwarmRunner(corpus, TrainingConfig.fromJson(proxy));
    long mainTokens = steps * 16 * (long) corpus.blockLength();
    SwarmPlan plan = SwarmPlan.sample(runner.domains(), new SwarmOptions(runs, 1.0, 2e-4, 15,
        mainTokens, 0.1, 5.0, 1));
    Path dir = out.resolve("swarm");
    Swarm swarm = new Swarm(plan, runner.settings(), dir);
    swarm.claim(Swarm.OUTPUT.resumeIfPresent(dir));
    SwarmTable table = swarm.runMissing(runner, System.err);
    MixObjective objective = MixObjective.parse("mean", table);
    List<MixRegressor> regs = new ArrayList<>();
    MixRegressors known = MixRegressors.load();
    known.names().forEach(n -> regs.add(known.get(n)));
    MixFit fit = new MixFit(table, objective, Mixtures.proportionalToTokens(runner.domains()),
        MixConstraints.of(runner.domains(), 0, 1, 4, mainTokens),
        MixProposer.Options.defaults(1), 5, 1);
    ObjectNode result = fit.run(regs, System.err);
    result.put("source", "the swarm in " + dir.getFileName());
    result.put("budgetTokens", mainTokens).put("maxEpochs", 4);
    Path fitDir = out.resolve("fit");
    Files.createDirectories(fitDir);
    fit.write(fitDir, result);
    return (ObjectNode) Json.read(fitDir.resolve("policy.json"));
  }

  /** Writes {@link #COSTS} and the costs page. */
  static void costs(Path out, List<Long> seeds, long steps, String command) throws IOException {
    ObjectNode c = Json.object();
    c.put("command", command);
    double uniformMs = 0;
    for (long s : seeds) {
      uniformMs += totalMs(out.resolve("shootout/runs/uniform-s" + s), "total");
    }
    uniformMs /= seeds.size();
    c.put("uniformTrainingSeconds", uniformMs / 1000);
    double swarmMs = 0;
    int runs = 0;
    for (SwarmPlan.Run r : Swarm.readPlan(out.resolve("swarm")).runs()) {
      swarmMs += totalMs(out.resolve("swarm/runs").resolve(r.name()), "total");
      runs++;
    }
    c.put("swarmRuns", runs).put("swarmSeconds", swarmMs / 1000);
    ArrayNode aioli = c.putArray("aioli");
    for (String label : List.of("aioli", "aioli-restricted")) {
      for (long s : seeds) {
        Path run = out.resolve("shootout/runs/" + label + "-s" + s);
        aioli.addObject().put("label", label).put("seed", s)
            .put("evalSeconds", totalMs(run, "eval") / 1000)
            .put("trainingSeconds", totalMs(run, "total") / 1000);
      }
    }
    c.put("aioliLearnParamsSteps", learnParamsSteps(out, "aioli-s" + seeds.get(0), steps));
    c.put("aioliRestrictedLearnParamsSteps",
        learnParamsSteps(out, "aioli-restricted-s" + seeds.get(0), steps));
    c.put("steps", steps);
    AtomicFiles.writeString(out.resolve("costs").resolve(COSTS), Json.write(c));
    renderCosts(out.resolve("costs"));
    System.out.println("wrote " + out.resolve("costs/report.md"));
  }

  /** Steps of a run that trained on a LearnParams mixture (its metrics' {@code weights}). */
  private static long learnParamsSteps(Path out, String run, long steps) throws IOException {
    long n = 0;
    for (ObjectNode line : new RunDirectory(out.resolve("shootout/runs").resolve(run))
        .readMetrics()) {
      double max = 0;
      for (JsonNode w : line.path("weights")) {
        max = Math.max(max, w.asDouble());
      }
      n += Math.abs(max - 0.75) < 1e-9 ? 1 : 0; // the default oneHotFactor's segments
    }
    return n;
  }

  private static double totalMs(Path runDir, String key) throws IOException {
    double ms = 0;
    for (ObjectNode line : new RunDirectory(runDir).readMetrics()) {
      ms += line.path("timeMs").path(key).asDouble();
    }
    return ms;
  }

  /** Writes {@code report.md} in {@code dir} from its {@link #COSTS}; returns it. */
  public static String renderCosts(Path dir) throws IOException {
    JsonNode c = Json.read(dir.resolve(COSTS));
    double uniform = c.get("uniformTrainingSeconds").asDouble();
    long steps = c.get("steps").asLong();
    List<String> md = new ArrayList<>();
    md.add("# What Aioli and the swarm cost");
    md.add("");
    md.add("Command: `" + c.get("command").asText() + "`. Times are the sums of each run's "
        + "`metrics.jsonl` step times (training only; the shoot-out's curve evaluations are "
        + "outside them), measured in the runs of this shoot-out.");
    md.add("");
    md.add(String.format(Locale.ROOT, "**Swarm:** %d proxy runs took %.0f s, %.1f× the mean "
        + "stratified main run's %.1f s of training.", c.get("swarmRuns").asInt(),
        c.get("swarmSeconds").asDouble(), c.get("swarmSeconds").asDouble() / uniform, uniform));
    md.add("");
    md.add("**Aioli:** its LearnParams steps are ordinary training steps on perturbed mixtures "
        + "(no extra compute, but not spent on its weights); its held-out evaluations are extra "
        + "time.");
    md.add("");
    md.add("| run | seed | LearnParams share of steps | held-out eval s | eval vs stratified "
        + "training | overhead (sum) |");
    md.add("|---|---:|---:|---:|---:|---:|");
    for (JsonNode r : c.get("aioli")) {
      long lp = c.get(r.get("label").asText().equals("aioli") ? "aioliLearnParamsSteps"
          : "aioliRestrictedLearnParamsSteps").asLong();
      double share = lp / (double) steps;
      double eval = r.get("evalSeconds").asDouble() / uniform;
      md.add(String.format(Locale.ROOT, "| %s | %d | %.1f%% | %.2f | %.1f%% | %.1f%% |",
          r.get("label").asText(), r.get("seed").asLong(), 100 * share,
          r.get("evalSeconds").asDouble(), 100 * eval, 100 * (share + eval)));
    }
    String text = String.join("\n", md) + "\n";
    AtomicFiles.writeString(dir.resolve("report.md"), text);
    return text;
  }
}
