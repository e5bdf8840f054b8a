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
import dev.datamix.shootout.Provenance;
import dev.datamix.shootout.Shootout;
import dev.datamix.shootout.ShootoutReport;
import dev.datamix.shootout.ShootoutSpec;
import dev.datamix.state.AtomicFiles;
import dev.datamix.state.Json;
import dev.datamix.stats.MeanAndSpread;
import dev.datamix.stats.PairedDifference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One leaderboard of every registered policy on one real-text configuration: five generic
 * domains at 600 steps × 16 blocks of 128 bytes, 3 seeds, scored on every test block and on the
 * target task ({@code target_jargon}, evaluated on each run's final model). It gathers three
 * shoot-outs of the same trainer settings: the peers' ({@link PeersEvidence}: the static mixes,
 * DoReMi, ODM, ADO), the mixing laws' ({@link MixingLawEvidence}: Aioli, fit-mix), and its own
 * for the policies that need the target in the trainer (DGA, importance sampling) or a fit
 * (Velocitune), plus LFR — each run where its output is missing. Every row is paired with the
 * stratified run ({@code uniform}) of its own shoot-out, seed by seed, with a 95% Student-t
 * interval; "beats stratified" needs the interval to exclude 0.
 *
 * <p>{@code continual} is a plan over a sequence of datasets, not a mix for one, and {@code
 * explicit} and {@code piecewise} take their weights from the user (fit-mix's rows are both); they
 * have no row of their own. Usage: {@code LeaderboardEvidence --corpus DIR --out DIR [--peers
 * DIR] [--mixlaws DIR] [--seeds 1,2,3] [--docs FILE]}; run through {@code
 * benchmarks/run-leaderboard.sh}.
 */
public final class LeaderboardEvidence {
  static final String TARGET = "target_jargon";
  /** The raw rows, from which {@link #render} writes the page. */
  public static final String RAW = "leaderboard.json";
  /** Rows whose weights come from the mixing-law swarm: its compute is their extra compute. */
  static final Set<String> FROM_SWARM = Set.of("fitmix-gbt", "fitmix-loglinear",
      "fitmix-quadratic", "fitmix-then-uniform", "aioli-restricted");

  private LeaderboardEvidence() {}

  /** Runs what is missing and writes the leaderboard. */
  public static void main(String[] args) throws IOException {
    EvidenceArgs a = new EvidenceArgs(args);
    String corpus = a.require("--corpus");
    Path out = Path.of(a.require("--out"));
    Path peers = Path.of(a.get("--peers", "shootouts/peers"));
    Path mixlaws = Path.of(a.get("--mixlaws", "shootouts/mixlaws"));
    String seeds = a.get("--seeds", "1,2,3");
    PeersEvidence.main(new String[] {"--corpus", corpus, "--out", peers.toString(), "--seeds",
        seeds});
    MixingLawEvidence.main(new String[] {"--corpus", corpus, "--out", mixlaws.toString(),
        "--seeds", seeds, "--baselines", peers.resolve("shootout").toString()});
    Path own = out.resolve("shootout");
    runOwn(a, Path.of(corpus), out, own);
    List<Path> shootouts = List.of(peers.resolve("shootout"), mixlaws.resolve("shootout"), own);
    List<Row> rows = rows(Path.of(corpus), out, shootouts, mixlaws);
    rows.sort(Comparator.comparingDouble(r -> r.mean().mean()));
    AtomicFiles.writeString(out.resolve(RAW), Json.write(toJson(rows, a.seeds(),
        Provenance.command("benchmarks/run-leaderboard.sh"))));
    Path docs = Path.of(a.get("--docs", "docs/leaderboard.md"));
    Files.createDirectories(docs.toAbsolutePath().getParent());
    Files.writeString(docs, render(out));
    System.out.println("wrote " + docs + " (raw: " + out.resolve(RAW) + ")");
  }

  /** The shoot-out of the policies that need the target in the trainer or a fit. */
  private static void runOwn(EvidenceArgs a, Path corpusDir, Path out, Path own)
      throws IOException {
    ObjectNode trainer = DgaEvidence.withTarget(a.realTextTrainer(600), TARGET);
    List<String> names = new ArrayList<>();
    trainer.get("trainDomains").forEach(d -> names.add(d.asText()));
    ObjectNode importance = DgaEvidence.importance(DgaEvidence.targetScores(corpusDir, names,
        TARGET));
    JsonNode targets;
    try (Corpus corpus = Corpus.open(corpusDir)) {
      ObjectNode plain = a.realTextTrainer(600);
      VelocituneWorkflow w = new VelocituneWorkflow(corpus, out.resolve("velocitune-fit"),
          TrainingConfig.fromJson(plain), (ObjectNode) Json.parse("{\"updateEvery\": 50}"), 0.2,
          5, null, System.err);
      w.claim(VelocituneWorkflow.OUTPUT.resumeIfPresent(out.resolve("velocitune-fit")));
      w.runMissing(VelocituneWorkflow.Stage.FIT);
      targets = Json.read(w.output(VelocituneWorkflow.Stage.FIT)).get("targets");
    }
    ObjectNode vt = Json.object();
    vt.put("policy", "velocitune");
    vt.putObject("config").put("updateEvery", 50).set("targetLosses", targets);
    List<ShootoutSpec.Entry> entries = List.of(
        new ShootoutSpec.Entry("uniform", Json.parse("{\"policy\": \"uniform\"}")),
        new ShootoutSpec.Entry("importance", importance),
        new ShootoutSpec.Entry("dga", Json.parse("{\"policy\": \"dga\", \"config\": "
            + "{\"updateEvery\": 25}}")),
        new ShootoutSpec.Entry("velocitune", vt),
        new ShootoutSpec.Entry("lfr", Json.parse("{\"policy\": \"lfr\"}")));
    ShootoutSpec spec = new ShootoutSpec(corpusDir.toString(), 0, 0, trainer, entries,
        a.seeds(), 50, "uniform");
    new Shootout(spec, own, System.err).run(
        Shootout.OUTPUT.resumeIfPresent(own)); // evidence harnesses continue by design
    ShootoutReport.write(own);
  }

  /** A leaderboard row: one label of one shoot-out over its seeds. */
  record Row(String label, String source, MeanAndSpread mean, MeanAndSpread worst,
      MeanAndSpread target, PairedDifference vsStratified, double overhead, double extra) {}

  private static List<Row> rows(Path corpusDir, Path out, List<Path> shootouts, Path mixlaws)
      throws IOException {
    double swarm = swarmCompute(mixlaws);
    List<Row> rows = new ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    for (Path shoot : shootouts) {
      ShootoutSpec spec = ShootoutSpec.ofDirectory(shoot);
      List<Long> seeds = spec.seeds();
      Map<String, double[][]> finals = new LinkedHashMap<>();
      for (String label : spec.labels()) {
        finals.put(label, finals(corpusDir, out, shoot, label, seeds, shootouts));
      }
      double[][] stratified = finals.get("uniform");
      for (String label : spec.labels()) {
        if (!seen.add(label)) {
          continue; // the baselines copied into a later shoot-out appear once
        }
        double[][] f = finals.get(label);
        PairedDifference d = label.equals("uniform") ? null
            : PairedDifference.of(f[0], stratified[0]);
        double extra = FROM_SWARM.contains(label) ? swarm : stageCompute(shoot, label, seeds)
            + (label.equals("velocitune") ? proxyCompute(out) : 0);
        rows.add(new Row(label, shoot.getParent().getFileName().toString(),
            MeanAndSpread.of(f[0]), MeanAndSpread.of(f[1]), MeanAndSpread.of(f[2]), d,
            f[3][0] / stratified[3][0] - 1, extra));
      }
    }
    return rows;
  }

  /**
   * Per seed of one label: {mean bpb, worst-domain bpb, target bpb} of the final whole-split
   * evaluation, and the amortised ms/step (mean over seeds) in {@code [3][0]}.
   */
  private static double[][] finals(Path corpusDir, Path out, Path shoot, String label,
      List<Long> seeds, List<Path> shootouts) throws IOException {
    double[][] f = new double[4][seeds.size()];
    double ms = 0;
    for (int i = 0; i < seeds.size(); i++) {
      Path run = shoot.resolve("runs").resolve(label + "-s" + seeds.get(i));
      JsonNode r = new RunDirectory(run).readResult();
      JsonNode fin = r.get("final");
      f[0][i] = fin.get("meanBpb").asDouble();
      double worst = 0;
      for (JsonNode b : fin.get("bpb")) {
        worst = Math.max(worst, b.asDouble());
      }
      f[1][i] = worst;
      f[2][i] = targetBpb(corpusDir, out, shoot, run, shootouts);
      ms += r.path("time").path("totalMean").asDouble() / seeds.size();
    }
    f[3][0] = ms;
    return f;
  }

  /**
   * The target task's bits per byte, every test block, of a run's final model; kept in {@code
   * out/target/}. A baseline copied from another shoot-out is scored from its original.
   */
  private static double targetBpb(Path corpusDir, Path out, Path shoot, Path run,
      List<Path> shootouts) throws IOException {
    Path cache = out.resolve("target").resolve(shoot.getParent().getFileName() + "-"
        + run.getFileName() + ".json");
    if (Files.exists(cache)) {
      return Json.read(cache).get("targetBpb").asDouble();
    }
    Path weights = run;
    for (Path other : shootouts) { // a copied baseline's model is in the shoot-out it came from
      Path candidate = other.resolve("runs").resolve(run.getFileName());
      if (!new RunDirectory(weights).hasCheckpoint()
          && new RunDirectory(candidate).hasCheckpoint()) {
        weights = candidate;
      }
    }
    if (!new RunDirectory(weights).hasCheckpoint()) {
      throw new IllegalStateException("run " + run + " has no final checkpoint to score the "
          + "target task with, and no shoot-out of " + shootouts + " has one of that name");
    }
    ObjectNode cfg = (ObjectNode) Json.read(shoot.resolve("spec.json")).get("trainer").deepCopy();
    cfg.remove("targetDomain");
    cfg.putArray("trainDomains").add(TARGET);
    double bpb;
    try (Corpus corpus = Corpus.open(corpusDir);
        MixingTrainer t = MixingTrainer.builder().setCorpus(corpus)
            .setPolicy(Json.parse("{\"policy\": \"uniform\"}"))
            .optConfig(TrainingConfig.fromJson(cfg)).optInitialWeights(weights)
            .setRunDirectory(out.resolve("target/eval-run")).overwrite().build()) {
      bpb = t.evaluateWholeSplit(Split.TEST).meanBpb();
    }
    AtomicFiles.writeString(cache, Json.write(Json.object().put("targetBpb", bpb)
        .put("weights", weights.toString())));
    return bpb;
  }

  /** Steps of a label's offline stages (DoReMi's reference and proxy), per main-run step. */
  private static double stageCompute(Path shoot, String label, List<Long> seeds)
      throws IOException {
    JsonNode r = new RunDirectory(shoot.resolve("runs").resolve(label + "-s" + seeds.get(0)))
        .readResult();
    double steps = 0;
    for (JsonNode s : r.path("stageCompute")) {
      steps += s.path("steps").asDouble();
    }
    return steps / r.get("steps").asDouble();
  }

  private static double proxyCompute(Path out) throws IOException {
    JsonNode p = Json.read(out.resolve("velocitune-fit/proxy.json"));
    return p.get("proxySteps").asDouble() / 600;
  }

  /** The swarm's training time per stratified main run, from the mixing laws' costs. */
  private static double swarmCompute(Path mixlaws) throws IOException {
    JsonNode c = Json.read(mixlaws.resolve("costs").resolve(MixingLawEvidence.COSTS));
    return c.get("swarmSeconds").asDouble() / c.get("uniformTrainingSeconds").asDouble();
  }

  static String markdown(List<Row> rows, List<Long> seeds, String command) {
    List<String> md = new ArrayList<>();
    md.add("# Leaderboard: every policy on one real-text configuration");
    md.add("");
    md.add("Five generic domains of `../shared/corpora` (prose, code_python, email, techdocs, "
        + "dictionary), byte tokens, blocks of 128; the default tiny model (4 layers, d = 128); "
        + "600 steps × 16 blocks (1.23 M tokens); seeds " + seeds + ". **Bits per byte on every "
        + "test block** (lower is better), mean ± sd over seeds: the mean and the worst of the "
        + "five domains, and the target task (`" + TARGET + "`, never trained on). Δ is the "
        + "paired difference of the mean against the stratified run (`uniform`) of the same "
        + "shoot-out, seed by seed, with its 95% Student-t interval; a verdict needs the "
        + "interval to exclude 0. Overhead is the amortised time per step (evaluations and "
        + "probes included) against that stratified run, measured in the same shoot-out. Extra "
        + "compute is the offline training a method needs before its main run, in main runs: "
        + "DoReMi's reference and proxy, Velocitune's proxies, the mixing-law swarm (its wall "
        + "time over a stratified run's). Produced by `" + command + "`.");
    md.add("");
    md.add("| # | policy | mean | worst domain | target | Δ mean vs stratified [95%] | verdict "
        + "| overhead | extra compute | shoot-out |");
    md.add("|---:|---|---:|---:|---:|---:|---|---:|---:|---|");
    int k = 1;
    for (Row r : rows) {
      PairedDifference d = r.vsStratified();
      md.add(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s | %+.1f%% | %s | %s |",
          k++, r.label(), r.mean().plain(4), r.worst().plain(4),
          Double.isNaN(r.target().mean()) ? "—" : r.target().plain(4),
          d == null ? "—" : d.plain(4), verdict(d), 100 * r.overhead(),
          r.extra() == 0 ? "—" : String.format(Locale.ROOT, "%.1f×", r.extra()), r.source()));
    }
    md.add("");
    md.add("`continual` has no row: it is a plan over a sequence of datasets (its evidence is "
        + "[continual-evidence.md](continual-evidence.md)). `explicit` and `piecewise` take their "
        + "weights from the user; the fit-mix rows are both.");
    return String.join("\n", md) + "\n";
  }

  static String verdict(PairedDifference d) {
    return d == null ? "stratified" : d.below() ? "**beats stratified**" : d.above()
        ? "loses to stratified" : "no difference shown";
  }

  static ObjectNode toJson(List<Row> rows, List<Long> seeds, String command) {
    ObjectNode o = Json.object().put("command", command);
    seeds.forEach(o.putArray("seeds")::add);
    ArrayNode a = o.putArray("rows");
    for (Row r : rows) {
      ObjectNode row = a.addObject().put("label", r.label()).put("source", r.source());
      spread(row, "mean", r.mean());
      spread(row, "worst", r.worst());
      if (!Double.isNaN(r.target().mean())) {
        spread(row, "target", r.target());
      }
      PairedDifference d = r.vsStratified();
      if (d != null) {
        row.putObject("vsStratified").put("mean", d.mean()).put("sd", d.sd()).put("n", d.n())
            .put("halfWidth", d.halfWidth());
      }
      row.put("overhead", r.overhead()).put("extraCompute", r.extra());
    }
    return o;
  }

  private static void spread(ObjectNode row, String key, MeanAndSpread m) {
    row.putObject(key).put("mean", m.mean()).put("sd", m.sd());
  }

  private static MeanAndSpread spread(JsonNode row, String key) {
    JsonNode m = row.get(key);
    return m == null ? new MeanAndSpread(Double.NaN, Double.NaN)
        : new MeanAndSpread(m.get("mean").asDouble(), m.get("sd").asDouble());
  }

  /** The page, from {@code dir}'s {@link #RAW}. */
  public static String render(Path dir) throws IOException {
    JsonNode o = Json.read(dir.resolve(RAW));
    List<Row> rows = new ArrayList<>();
    for (JsonNode r : o.get("rows")) {
      JsonNode d = r.get("vsStratified");
      rows.add(new Row(r.get("label").asText(), r.get("source").asText(), spread(r, "mean"),
          spread(r, "worst"), spread(r, "target"), d == null ? null
              : new PairedDifference(d.get("mean").asDouble(), d.get("sd").asDouble(),
                  d.get("n").asInt(), d.get("halfWidth").asDouble()),
          r.get("overhead").asDouble(), r.get("extraCompute").asDouble()));
    }
    List<Long> seeds = new ArrayList<>();
    o.get("seeds").forEach(x -> seeds.add(x.asLong()));
    return markdown(rows, seeds, o.get("command").asText());
  }
}
