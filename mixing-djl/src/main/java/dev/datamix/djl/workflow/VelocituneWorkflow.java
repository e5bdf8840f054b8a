package dev.datamix.djl.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.djl.train.MixingTrainer;
import dev.datamix.djl.train.MixingTrainerBuilder;
import dev.datamix.djl.train.TrainingConfig;
import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixture;
import dev.datamix.mixture.Mixtures;
import dev.datamix.scaling.DataScalingFit;
import dev.datamix.scaling.ScalingLawFitter;
import dev.datamix.run.RunDirectory;
import dev.datamix.state.AtomicFiles;
import dev.datamix.state.ExistingOutput;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.Json;
import dev.datamix.state.OutputDirectory;
import dev.datamix.velocitune.ProxyFit;
import dev.datamix.velocitune.ProxyRuns;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Velocitune end to end, in four stages whose outputs are saved so that any stage can be re-run
 * alone: (1) {@code initial} — the starting model's held-out loss per domain ({@code
 * initial.json}); (2) {@code proxy} — {@code fitPoints} proxy runs with the initial weights,
 * the longest on {@code proxyFraction} of the budget, each trained to the end of the main
 * schedule compressed to its length, recording their final held-out losses and tokens ({@link
 * ProxyRuns}, {@code proxy.json}); (3) {@code fit} — a scaling-law fit per domain and its target
 * at the tokens the domain will see in the full run, with the fit's error when it predicts the
 * longest proxy without it ({@code fits.json}, printed); (4) {@code train} — the main run under
 * Velocitune ({@code train/}).
 *
 * <p>The directory is claimed once, under an {@link ExistingOutput} mode ({@link #claim}; {@link
 * ExistingOutput#REFUSE} unless said otherwise): a directory that holds a fit is continued only
 * when resuming, and only if {@code workflow.json} records the same corpus, trainer settings and
 * workflow parameters, so stages made under other settings are never mixed.
 *
 * @see <a href="https://arxiv.org/abs/2411.14318">Luo et al., Velocitune, ACL 2025</a>
 */
public final class VelocituneWorkflow {
  /** The fit kind of output directory: recognised by its settings or any stage's output. */
  public static final OutputDirectory OUTPUT = new OutputDirectory("fit directory",
      List.of("workflow.json", "initial.json", "proxy.json", "fits.json", "velocitune.json",
          "train"), true);

  /** The stages, in order. */
  public enum Stage {
    /** Held-out losses of the starting model. */
    INITIAL,
    /** The proxy run and its loss points. */
    PROXY,
    /** Scaling-law fits and targets. */
    FIT,
    /** The main run under Velocitune. */
    TRAIN
  }

  private final Corpus corpus;
  private final Path dir;
  private final TrainingConfig config;
  private final ObjectNode policyConfig;
  private final ProxyRuns proxies;
  private final Path startFrom;
  private final PrintStream out;
  private boolean claimed;

  /**
   * @param corpus the corpus
   * @param dir where every stage writes
   * @param config the main run's trainer settings (the proxy uses the same, shorter)
   * @param policyConfig extra Velocitune keys for the main run ({@code updateEvery},
   *     {@code initialWeights}, {@code stepSize}, ...); targets and initial losses come from the
   *     stages
   * @param proxyFraction share of the main run's steps the longest proxy trains, in {@code (0,
   *     1]}
   * @param fitPoints how many proxies (fit points), {@code >= 4}; the extrapolation check needs
   *     5
   * @param startFrom a run directory whose latest checkpoint holds the starting weights, or null
   * @param out where tables are printed, or null
   */
  public VelocituneWorkflow(Corpus corpus, Path dir, TrainingConfig config,
      ObjectNode policyConfig, double proxyFraction, int fitPoints, Path startFrom,
      PrintStream out) {
    this.proxies = new ProxyRuns(config.steps(), config.warmupSteps(), proxyFraction,
        fitPoints); // validates both
    this.corpus = corpus;
    this.dir = dir;
    this.config = config;
    this.policyConfig = policyConfig.deepCopy();
    this.startFrom = startFrom;
    this.out = out;
  }

  /**
   * Claims the directory for this workflow: {@link ExistingOutput#REFUSE} wants it new or empty,
   * {@link ExistingOutput#RESUME} continues the stages found there (whose recorded settings must
   * be these), {@link ExistingOutput#OVERWRITE} deletes what is there. Stages run without a claim
   * claim under {@code REFUSE} first.
   *
   * @throws dev.datamix.state.OutputExistsException if the directory holds work that the mode
   *     does not allow touching
   * @throws dev.datamix.state.IncompatibleStateException if resuming a fit made with other
   *     settings
   */
  public void claim(ExistingOutput mode) throws IOException {
    Workflows.claim(OUTPUT, dir, mode, settings());
    claimed = true;
  }

  private ObjectNode settings() {
    ObjectNode o = Json.object();
    o.set("corpus", Workflows.corpus(corpus));
    o.set("trainer", config.toJson());
    o.set("policyConfig", policyConfig);
    o.put("proxyFraction", proxies.largestFraction());
    o.put("fitPoints", proxies.count());
    o.put("proxies", "completed"); // fit directories made with points inside one proxy differ
    o.put("startFrom", startFrom == null ? "" : startFrom.toString());
    return o;
  }

  private void ensureClaimed() throws IOException {
    if (!claimed) {
      claim(ExistingOutput.REFUSE);
    }
  }

  /** Runs every stage whose output is missing, in order. */
  public void runMissing() throws IOException {
    runMissing(Stage.TRAIN);
  }

  /** Runs every stage up to and including {@code last} whose output is missing, in order. */
  public void runMissing(Stage last) throws IOException {
    ensureClaimed();
    for (Stage s : Stage.values()) {
      if (s.compareTo(last) > 0) {
        break;
      }
      if (!Files.exists(output(s))) {
        run(s);
      } else {
        print("stage %s: output %s exists, skipped", s, output(s));
      }
    }
  }

  /** The file or directory a stage writes. */
  public Path output(Stage s) {
    return switch (s) {
      case INITIAL -> dir.resolve("initial.json");
      case PROXY -> dir.resolve("proxy.json");
      case FIT -> dir.resolve("fits.json");
      case TRAIN -> new RunDirectory(dir.resolve("train")).result();
    };
  }

  private MixingTrainerBuilder trainer(JsonNode policy, TrainingConfig cfg, Path runDir,
      boolean resumable) {
    return Workflows.trainer(corpus, policy, cfg, runDir, resumable, startFrom);
  }

  private ObjectNode initialPolicy() {
    String start = policyConfig.path("initialWeights").asText("proportional");
    return (ObjectNode) Json.parse("{\"policy\": \"" + start + "\"}");
  }

  /** Runs one stage, replacing its output; earlier stages' outputs must exist. */
  public void run(Stage stage) throws IOException {
    ensureClaimed();
    switch (stage) {
      case INITIAL -> {
        try (MixingTrainer t = trainer(initialPolicy(), config, dir.resolve("initial-run"), false)
            .build()) {
          double[] loss = t.evaluate(Split.VALIDATION);
          ObjectNode o = Json.object();
          for (int d = 0; d < loss.length; d++) {
            o.put(t.domains().get(d).name(), loss[d]);
          }
          AtomicFiles.writeString(output(stage), Json.write(o));
          print("stage initial: held-out loss of the starting model %s", o);
        }
      }
      case PROXY -> {
        ArrayNode points = Json.array();
        for (int k = 1; k <= proxies.count(); k++) {
          points.add(proxyPoint(k));
        }
        ObjectNode o = Json.object();
        o.put("proxySteps", proxies.totalSteps());
        o.set("points", points);
        AtomicFiles.writeString(output(stage), Json.write(o));
        print("stage proxy: %d proxies, %d steps in all (%.2f× the main run)", proxies.count(),
            proxies.totalSteps(), (double) proxies.totalSteps() / config.steps());
      }
      case FIT -> {
        JsonNode proxy = Json.read(output(Stage.PROXY));
        ProxyFit pf = new ProxyFit();
        for (JsonNode p : proxy.get("points")) {
          p.get("loss").fields().forEachRemaining(e -> pf.add(e.getKey(),
              p.get("tokens").get(e.getKey()).asDouble(), e.getValue().asDouble()));
        }
        Map<String, DataScalingFit> fits = pf.fit(ScalingLawFitter.leastSquares());
        List<String> names = new ArrayList<>(fits.keySet());
        List<Domain> ds = new ArrayList<>();
        List<Domain> all = corpus.domains(Split.TRAIN);
        for (String n : names) {
          ds.add(all.get(corpus.domainIndex(n)));
        }
        Mixture initial = initialPolicy().path("policy").asText().equals("uniform")
            ? Mixture.uniform(names) : Mixtures.proportionalToTokens(ds);
        double budget = (double) config.steps() * config.batchSize() * corpus.blockLength();
        List<String> notes = new ArrayList<>();
        Map<String, Double> targets = ProxyFit.targets(fits, initial, budget, pf.points(), notes);
        ObjectNode o = Json.object();
        o.set("fits", ProxyFit.toJson(fits));
        ObjectNode t = o.putObject("targets");
        targets.forEach(t::put);
        o.put("tokenBudget", budget);
        ArrayNode n = o.putArray("notes");
        notes.forEach(n::add);
        ObjectNode ex = o.putObject("extrapolation");
        pf.extrapolationCheck(ScalingLawFitter.leastSquares()).forEach((name, c) -> ex
            .putObject(name).put("tokens", c.tokens()).put("observed", c.observed())
            .put("predicted", c.predicted()).put("error", c.error()).put("method", c.method()));
        AtomicFiles.writeString(output(stage), Json.write(o));
        print("stage fit: token budget %,.0f", budget);
        print("%-14s %9s %11s %8s %8s %9s %9s", "domain", "E", "B", "beta", "R2", "tokens",
            "target");
        for (String name : names) {
          DataScalingFit f = fits.get(name);
          print("%-14s %9.4f %11.4g %8.4f %8.4f %,9.0f %9.4f%s", name, f.irreducible(),
              f.amplitude(), f.exponent(), f.rSquared(), budget * initial.weight(name),
              targets.get(name), f.flagged() ? "  FLAGGED" : "");
        }
        notes.forEach(x -> print("note: %s", x));
        printExtrapolation(o.get("extrapolation"));
      }
      case TRAIN -> {
        ObjectNode spec = velocituneSpec();
        Path runDir = dir.resolve("train");
        try (MixingTrainer t = trainer(spec, config, runDir, true).build()) {
          t.train();
          double[] loss = t.evaluate(Split.VALIDATION);
          ObjectNode o = Json.object();
          o.set("policy", spec);
          ObjectNode l = o.putObject("finalHeldOut");
          for (int d = 0; d < loss.length; d++) {
            l.put(t.domains().get(d).name(), loss[d]);
          }
          AtomicFiles.writeString(output(stage), Json.write(o));
          print("stage train: final held-out loss %s", l);
        }
      }
      default -> throw new IllegalStateException(stage.toString());
    }
  }

  /** The proxies this workflow trains. */
  public ProxyRuns proxyRuns() {
    return proxies;
  }

  /**
   * Proxy {@code k}: the initial weights for {@link ProxyRuns#steps}, with the main schedule
   * compressed to that length; its final held-out losses and each domain's tokens. Kept in
   * {@code proxy-runs/p<k>/point.json}, so an interrupted proxy stage continues.
   */
  private JsonNode proxyPoint(int k) throws IOException {
    Path runDir = dir.resolve("proxy-runs").resolve("p" + k);
    Path pointFile = runDir.resolve("point.json");
    if (Files.exists(pointFile)) {
      return Json.read(pointFile);
    }
    TrainingConfig proxy = config.with(Json.parse("{\"steps\": " + proxies.steps(k)
        + ", \"warmupSteps\": " + proxies.warmupSteps(k) + "}"));
    ObjectNode p = Json.object();
    try (MixingTrainer t = trainer(initialPolicy(), proxy, runDir, false).build()) {
      t.runSteps(proxies.steps(k));
      double[] loss = t.evaluate(Split.VALIDATION);
      p.put("step", t.step());
      ObjectNode tokens = p.putObject("tokens");
      ObjectNode l = p.putObject("loss");
      for (int d = 0; d < loss.length; d++) {
        String name = t.domains().get(d).name();
        tokens.put(name, t.mixer().sampler().tokensServed(d));
        l.put(name, loss[d]);
      }
    }
    AtomicFiles.writeString(pointFile, Json.write(p));
    print("proxy %d/%d: %d steps (warm-up %d), final held-out loss %s", k, proxies.count(),
        proxies.steps(k), proxies.warmupSteps(k), p.get("loss"));
    return p;
  }

  private void printExtrapolation(JsonNode ex) {
    print("extrapolation check: each fit without its longest proxy, predicting that proxy");
    print("%-14s %11s %9s %9s %8s", "domain", "tokens", "observed", "predicted", "error");
    ex.fields().forEachRemaining(e -> {
      String method = e.getValue().path("method").asText("fit");
      print("%-14s %,11.0f %9.4f %9.4f %+8.4f%s", e.getKey(),
          e.getValue().get("tokens").asDouble(), e.getValue().get("observed").asDouble(),
          e.getValue().get("predicted").asDouble(), e.getValue().get("error").asDouble(),
          method.equals("fit") ? "" : "  (" + method + ")");
    });
  }

  /**
   * The main run's policy spec {@code {"policy": "velocitune", "config": {...}}}: the extra keys
   * given to the constructor plus the targets of the fit stage and the initial losses; a file
   * holding it is what {@code datamix train --policy FILE} takes.
   *
   * @throws IllegalStateException naming the file if the initial or fit stage has not run
   * @throws IOException if an output cannot be read
   */
  public ObjectNode velocituneSpec() throws IOException {
    for (Stage s : List.of(Stage.INITIAL, Stage.FIT)) {
      if (!Files.exists(output(s))) {
        throw new IllegalStateException("stage " + s + " has not run: " + output(s)
            + " is missing");
      }
    }
    ObjectNode cfg = policyConfig.deepCopy();
    cfg.set("targetLosses", Json.read(output(Stage.FIT)).get("targets"));
    cfg.set("initialLosses", Json.read(output(Stage.INITIAL)));
    ObjectNode spec = Json.object();
    spec.put("policy", "velocitune");
    spec.set("config", cfg);
    return spec;
  }

  private void print(String format, Object... args) {
    if (out != null) {
      out.println(String.format(Locale.ROOT, format, args));
    }
  }
}
