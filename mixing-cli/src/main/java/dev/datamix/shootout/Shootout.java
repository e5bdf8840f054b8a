package dev.datamix.shootout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.CorpusManifest;
import dev.datamix.corpus.Split;
import dev.datamix.corpus.demo.DemoCorpus;
import dev.datamix.djl.train.LossCurve;
import dev.datamix.djl.train.MixingTrainer;
import dev.datamix.djl.workflow.DoReMiWorkflow;
import dev.datamix.djl.train.MixingTrainerBuilder;
import dev.datamix.djl.train.TrainingConfig;
import dev.datamix.run.RunDirectory;
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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The policy shoot-out: every policy config × seed trained with the same model, token budget,
 * batch and schedule; test-split loss curves; a Markdown table, plots, and the raw JSONL of every
 * run. Resumed ({@link ExistingOutput#RESUME}) with the same spec, finished runs are skipped and an
 * interrupted run resumes from its last checkpoint, so a crashed shoot-out picks up where it
 * stopped; a directory holding a shoot-out is otherwise left alone unless told to overwrite it.
 *
 * <p>Output directory: {@code spec.json}, {@code corpus/} (for the demo corpus), {@code
 * runs/<label>-s<seed>/} ({@code metrics.jsonl}, {@code curve.jsonl}, {@code result.json},
 * checkpoints), {@code provenance.json} (command, commit, date and machine of every invocation),
 * {@code report.md}, {@code plots/}. A run's {@code result.json} holds everything the report
 * reads: its curve, median step times, weight trace and final whole-test-split evaluation.
 */
public final class Shootout {
  /** The shoot-out kind of output directory: recognised by its spec or its runs. */
  public static final OutputDirectory OUTPUT =
      new OutputDirectory("shoot-out", List.of("spec.json", "runs"), true);
  private final ShootoutSpec spec;
  private final Path out;
  private final PrintStream progress;
  private String command = Provenance.command("java " + Shootout.class.getName());

  /**
   * @param spec what to run
   * @param out the output directory (created)
   * @param progress where progress lines go, or null
   */
  public Shootout(ShootoutSpec spec, Path out, PrintStream progress) {
    this.spec = spec;
    this.out = out;
    this.progress = progress;
  }

  /**
   * Usage: {@code Shootout --out DIR [--quick | --spec FILE] [--corpus PATH] [--resume |
   * --overwrite] [--report-only]}.
   */
  public static void main(String[] args) throws IOException {
    Path outDir = null;
    ShootoutSpec spec = ShootoutSpec.standard();
    String corpus = null;
    boolean reportOnly = false;
    ExistingOutput mode = ExistingOutput.REFUSE;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--out" -> outDir = Path.of(args[++i]);
        case "--quick" -> spec = ShootoutSpec.quick();
        case "--spec" -> spec = ShootoutSpec.fromJson(Json.read(Path.of(args[++i])), spec);
        case "--corpus" -> corpus = args[++i];
        case "--report-only" -> reportOnly = true;
        case "--resume" -> mode = ExistingOutput.RESUME;
        case "--overwrite" -> mode = ExistingOutput.OVERWRITE;
        default -> throw new IllegalArgumentException("unknown option '" + args[i]
            + "'; known: --out DIR, --quick, --spec FILE, --corpus PATH, --resume, --overwrite, "
            + "--report-only");
      }
    }
    if (outDir == null) {
      throw new IllegalArgumentException("--out DIR is required");
    }
    if (corpus != null) {
      spec = spec.withCorpus(corpus);
    }
    Shootout s = new Shootout(spec, outDir, System.err).command(Provenance.command(
        "java " + Shootout.class.getName() + " " + String.join(" ", args)));
    if (!reportOnly) {
      s.run(mode);
    }
    ShootoutReport.write(outDir);
    System.out.println("wrote " + outDir.resolve("report.md"));
  }

  /** Runs every run into a new or empty output directory; returns the result files. */
  public List<Path> run() throws IOException {
    return run(ExistingOutput.REFUSE);
  }

  /**
   * Runs every run not finished yet; returns the result files.
   *
   * @param mode what to do with a shoot-out already in the output directory: resuming it needs
   *     the same spec
   * @throws dev.datamix.state.OutputExistsException if the directory holds work that {@code
   *     mode} does not allow touching
   * @throws dev.datamix.state.IncompatibleStateException if resuming a shoot-out of another spec
   */
  public List<Path> run(ExistingOutput mode) throws IOException {
    claim(mode);
    List<Path> results = new ArrayList<>();
    int total = spec.policies().size() * spec.seeds().size();
    int index = 0;
    try (Corpus corpus = Corpus.open(corpusDirectory())) {
      for (long seed : spec.seeds()) {
        for (ShootoutSpec.Entry e : spec.policies()) {
          index++;
          Path result = resultOf(e.label(), seed);
          if (Files.exists(result)) {
            log("[%d/%d] %s seed %d: done earlier, skipped", index, total, e.label(), seed);
          } else {
            runOne(corpus, e, seed, result.getParent(), index, total);
          }
          results.add(result);
        }
      }
    }
    return results;
  }

  /**
   * Claims the output directory and records the spec and this invocation, as {@link
   * #run(ExistingOutput)} does before its first run: for callers that hand the runs to workers
   * of their own (the Spark module gives each run its own task, {@link #runSingle}).
   *
   * @throws dev.datamix.state.IncompatibleStateException if resuming a shoot-out of another spec
   */
  public void claim(ExistingOutput mode) throws IOException {
    OUTPUT.claim(out, mode);
    Path specFile = out.resolve("spec.json");
    ObjectNode specJson = toJson();
    if (Files.exists(specFile)) {
      IncompatibleStateException.check("shoot-out " + out + " spec.json", specJson,
          Json.read(specFile));
    }
    AtomicFiles.writeString(specFile, Json.write(specJson));
    recordInvocation();
    corpusDirectory(); // the demo corpus, generated once, before any worker opens it
  }

  /** The result file of policy {@code label} at seed {@code seed}. */
  public Path resultOf(String label, long seed) {
    return new RunDirectory(out.resolve("runs").resolve(label + "-s" + seed)).result();
  }

  /**
   * Runs the run of policy {@code label} at seed {@code seed} in a claimed output directory
   * ({@link #claim}), resuming it if it was interrupted; returns its result file.
   *
   * @throws IllegalArgumentException naming the label if the spec has no such policy
   */
  public Path runSingle(String label, long seed) throws IOException {
    ShootoutSpec.Entry entry = spec.policies().stream().filter(e -> e.label().equals(label))
        .findFirst().orElseThrow(() -> new IllegalArgumentException("the shoot-out has no "
            + "policy labelled '" + label + "'"));
    Path result = resultOf(label, seed);
    try (Corpus corpus = Corpus.open(corpusDirectory())) {
      runOne(corpus, entry, seed, result.getParent(), 1, 1);
    }
    return result;
  }

  /** Appends this invocation's provenance to {@code provenance.json}. */
  private void recordInvocation() throws IOException {
    Path file = out.resolve(ShootoutReport.PROVENANCE);
    ObjectNode o = Files.exists(file) ? (ObjectNode) Json.read(file) : Json.object();
    ArrayNode runs = o.has("invocations") ? (ArrayNode) o.get("invocations")
        : o.putArray("invocations");
    runs.add(Provenance.capture(command).toJson());
    AtomicFiles.writeString(file, Json.write(o));
  }

  /**
   * Sets the command line recorded in the report's provenance (by default the one passed to the
   * scripts as {@code -Ddatamix.command}, or this class's name).
   */
  public Shootout command(String commandLine) {
    this.command = commandLine;
    return this;
  }

  private ObjectNode toJson() {
    ObjectNode o = Json.object();
    o.put("corpus", spec.corpus());
    o.put("demoBytes", spec.demoBytes());
    o.put("demoBlockLength", spec.demoBlockLength());
    o.set("trainer", spec.trainer());
    ArrayNode ps = o.putArray("policies");
    for (ShootoutSpec.Entry e : spec.policies()) {
      ps.addObject().put("label", e.label()).set("policy", e.policy());
    }
    ArrayNode seeds = o.putArray("seeds");
    spec.seeds().forEach(seeds::add);
    o.put("evalEvery", spec.evalEvery());
    o.put("reference", spec.reference());
    if (!spec.startFrom().isEmpty()) {
      o.put("startFrom", spec.startFrom());
    }
    return o;
  }

  private Path corpusDirectory() throws IOException {
    if (!spec.corpus().equals("demo")) {
      return Path.of(spec.corpus());
    }
    Path dir = out.resolve("corpus");
    if (!Files.exists(dir.resolve(CorpusManifest.FILE_NAME))) {
      log("generating the demo corpus (%d bytes per main domain) in %s", spec.demoBytes(), dir);
      DemoCorpus.write(dir, spec.demoBytes(), spec.demoBlockLength(), 1);
    }
    return dir;
  }

  private void runOne(Corpus corpus, ShootoutSpec.Entry entry, long seed, Path runDir,
      int index, int total) throws IOException {
    ObjectNode trainerJson = spec.trainer().deepCopy();
    trainerJson.put("seed", seed);
    trainerJson.put("checkpointEvery", 0);
    TrainingConfig cfg = TrainingConfig.fromJson(trainerJson);
    JsonNode policy = entry.policy();
    JsonNode stages = null;
    if (entry.policyName().equals("doremi")) { // DoReMi's main run uses its proxy's output
      Path fit = out.resolve("fits").resolve(entry.label() + "-s" + seed);
      log("[%d/%d] %s seed %d: DoReMi's reference and proxy runs in %s", index, total,
          entry.label(), seed, fit);
      policy = doremiStages(corpus, entry, cfg, fit);
      stages = Json.read(fit.resolve("doremi.json")).get("compute");
    }
    boolean resume = new RunDirectory(runDir).hasCheckpoint();
    MixingTrainerBuilder b = MixingTrainer.builder().setCorpus(corpus).optConfig(cfg)
        .setPolicy(policy).setRunDirectory(runDir);
    if (resume) {
      b.resume();
    } else {
      b.overwrite(); // this shoot-out's own run, interrupted before its first checkpoint
      if (!spec.startFrom().isEmpty()) {
        b.optInitialWeights(Path.of(spec.startFrom()));
      }
    }
    try (MixingTrainer t = b.build()) {
      if (resume) {
        log("[%d/%d] %s seed %d: resuming at step %d", index, total, entry.label(), seed,
            t.step());
      }
      List<JsonNode> curve = new LossCurve(t, Split.TEST, spec.evalEvery(), runDir)
          .run(progress, String.format(Locale.ROOT, "[%d/%d] %s seed %d", index, total,
              entry.label(), seed));
      ObjectNode result = Json.object();
      result.put("label", entry.label());
      result.set("policy", entry.policy());
      result.put("static", entry.isStatic());
      if (stages != null) {
        result.set("mainPolicy", policy);
        result.set("stageCompute", stages);
      }
      result.put("seed", seed);
      result.put("steps", cfg.steps());
      result.put("tokens", t.tokensSeen());
      result.put("wallSeconds", curve.get(curve.size() - 1).path("wallSeconds").asDouble());
      ArrayNode c = result.putArray("curve");
      curve.forEach(c::add);
      List<ObjectNode> metrics = new RunDirectory(runDir).readMetrics();
      result.set("time", medianTimes(metrics));
      result.set("weightTrace", weightTrace(metrics));
      ArrayNode notices = result.putArray("notices");
      for (ObjectNode l : metrics) {
        for (JsonNode n : l.path("notices")) {
          notices.addObject().put("step", l.path("step").asLong()).put("notice", n.asText());
        }
      }
      log("[%d/%d] %s seed %d: final evaluation on every test block", index, total,
          entry.label(), seed);
      result.set("final", t.evaluateWholeSplit(Split.TEST).toJson());
      AtomicFiles.writeString(new RunDirectory(runDir).result(), Json.write(result));
    }
  }

  /**
   * Runs (or continues) DoReMi's reference and proxy runs for one shoot-out entry, with the
   * entry's trainer settings and seed, and returns the main run's policy: the proxy's averaged
   * weights. The entry's {@code "workflow"} object may set {@code referencePolicy} (default
   * uniform), {@code precompute} and {@code rounds}; its {@code config} is the proxy's.
   */
  private ObjectNode doremiStages(Corpus corpus, ShootoutSpec.Entry entry, TrainingConfig cfg,
      Path fit) throws IOException {
    JsonNode wf = entry.policy().path("workflow");
    JsonNode reference = wf.has("referencePolicy") ? wf.get("referencePolicy")
        : Json.parse("{\"policy\": \"uniform\"}");
    ObjectNode config = entry.policy().path("config").isObject()
        ? (ObjectNode) entry.policy().get("config") : Json.object();
    DoReMiWorkflow w = new DoReMiWorkflow(corpus, fit, cfg, reference, config,
        wf.path("precompute").asBoolean(false), wf.path("rounds").asInt(1),
        spec.startFrom().isEmpty() ? null : Path.of(spec.startFrom()), progress);
    w.claim(DoReMiWorkflow.OUTPUT.resumeIfPresent(fit)); // the shoot-out's own fit, continued
    return w.runMissing(false);
  }

  /** Every step's mixture weights: {@code {"steps": [...], "weights": {domain: [...]}}}. */
  private static ObjectNode weightTrace(List<ObjectNode> lines) {
    ObjectNode o = Json.object();
    ArrayNode steps = o.putArray("steps");
    ObjectNode weights = o.putObject("weights");
    for (ObjectNode l : lines) {
      steps.add(l.path("step").asLong());
      l.path("weights").fields().forEachRemaining(w -> {
        if (!weights.has(w.getKey())) {
          weights.putArray(w.getKey());
        }
        ((ArrayNode) weights.get(w.getKey())).add(w.getValue().asDouble());
      });
    }
    return o;
  }

  private static ObjectNode medianTimes(List<ObjectNode> lines) {
    String[] keys = {"data", "forwardBackward", "optimizer", "policy", "probes", "eval", "total"};
    double[][] v = new double[keys.length][lines.size()];
    for (int i = 0; i < lines.size(); i++) {
      JsonNode tm = lines.get(i).path("timeMs");
      for (int k = 0; k < keys.length; k++) {
        v[k][i] = tm.path(keys[k]).asDouble();
      }
    }
    ObjectNode o = Json.object();
    for (int k = 0; k < keys.length; k++) {
      double[] a = v[k].clone();
      Arrays.sort(a);
      o.put(keys[k], a.length == 0 ? Double.NaN : a[a.length / 2]);
      o.put(keys[k] + "Mean", Arrays.stream(a).average().orElse(Double.NaN));
    }
    return o;
  }

  private void log(String format, Object... args) {
    if (progress != null) {
      progress.println(String.format(Locale.ROOT, format, args));
    }
  }
}
