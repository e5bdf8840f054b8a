package dev.datamix.djl.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.djl.Devices;
import dev.datamix.djl.train.MixingTrainer;
import dev.datamix.djl.train.MixingTrainerBuilder;
import dev.datamix.djl.train.ReferenceTables;
import dev.datamix.djl.train.TrainingConfig;
import dev.datamix.doremi.DoReMiPolicy;
import dev.datamix.mixture.Mixture;
import dev.datamix.policy.PolicyContext;
import dev.datamix.policy.PolicyRegistry;
import dev.datamix.run.RunDirectory;
import dev.datamix.signal.ReferenceLossTable;
import dev.datamix.state.AtomicFiles;
import dev.datamix.state.ExistingOutput;
import dev.datamix.state.Json;
import dev.datamix.state.OutputDirectory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * DoReMi end to end (Xie et al., NeurIPS 2023, arXiv 2305.10429), in stages whose outputs are
 * saved so that any stage can be re-run alone: (1) {@code reference} — a model trained on the
 * reference weights (uniform by default, or any policy); (2) {@code table} (optional) — the
 * reference model's loss on every training block ({@link ReferenceLossTable}); (3) {@code proxy} —
 * a model of the same size trained with Group DRO ({@link DoReMiPolicy}) against the reference,
 * on the fly or through the table; (4) {@code output} — the average of the proxy's weights over
 * its steps as an {@code explicit} policy spec, with what each stage cost ({@code doremi.json});
 * (5) {@code train} (optional) — the main run on that mix. With {@code rounds > 1} (iterated
 * DoReMi) round {@code r}'s reference trains on round {@code r − 1}'s output. Round {@code r}
 * writes into {@code round-r/}; the last round's output is also {@code doremi.json}.
 *
 * <p>The directory is claimed once, as {@link VelocituneWorkflow}'s is: a directory holding a fit
 * is continued only when resuming, and only if {@code workflow.json} records the same corpus,
 * trainer settings and workflow parameters.
 */
public final class DoReMiWorkflow {
  /** The fit kind of output directory, recognised by its settings or any stage's output. */
  public static final OutputDirectory OUTPUT = new OutputDirectory("fit directory",
      List.of("workflow.json", "round-1", "doremi.json", "train"), true);

  /** The stages of one round, then the main run. */
  public enum Stage {
    /** The reference model. */
    REFERENCE,
    /** The reference model's per-block table (only with {@code precompute}). */
    TABLE,
    /** The Group DRO proxy. */
    PROXY,
    /** The averaged weights as a policy spec. */
    OUTPUT,
    /** The main run on that mix. */
    TRAIN
  }

  private final Corpus corpus;
  private final Path dir;
  private final TrainingConfig config;
  private final JsonNode referencePolicy;
  private final ObjectNode doremiConfig;
  private final boolean precompute;
  private final int rounds;
  private final Path startFrom;
  private final PrintStream out;
  private boolean claimed;

  /**
   * @param corpus the corpus
   * @param dir where every stage writes
   * @param config trainer settings of the reference and proxy runs (the same size, as in the
   *     paper) and of the main run
   * @param referencePolicy the reference run's policy spec, e.g. {@code {"policy": "uniform"}}
   * @param doremiConfig extra DoReMi keys for the proxy ({@code stepSize}, {@code smoothing},
   *     {@code sampling}); {@code referenceWeights} follows from a static reference policy
   * @param precompute whether the proxy looks its reference losses up in a table built once
   *     (excess clipped per block) instead of running the reference model every step (per token)
   * @param rounds 1, or more for iterated DoReMi
   * @param startFrom a run directory whose latest checkpoint holds every run's starting weights,
   *     or null
   * @param out where progress and tables go, or null
   */
  public DoReMiWorkflow(Corpus corpus, Path dir, TrainingConfig config, JsonNode referencePolicy,
      ObjectNode doremiConfig, boolean precompute, int rounds, Path startFrom, PrintStream out) {
    if (rounds < 1) {
      throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
    }
    if (!referencePolicy.path("policy").isTextual()) {
      throw new IllegalArgumentException("referencePolicy must be {\"policy\": name, ...}, got "
          + referencePolicy);
    }
    this.corpus = corpus;
    this.dir = dir;
    this.config = config;
    this.referencePolicy = referencePolicy.deepCopy();
    this.doremiConfig = doremiConfig.deepCopy();
    this.precompute = precompute;
    this.rounds = rounds;
    this.startFrom = startFrom;
    this.out = out;
    referenceWeights(this.referencePolicy); // fails early on a reference it cannot follow
  }

  /** Claims the directory under {@code mode}; see {@link VelocituneWorkflow#claim}. */
  public void claim(ExistingOutput mode) throws IOException {
    ObjectNode o = Json.object();
    o.set("corpus", Workflows.corpus(corpus));
    o.set("trainer", config.toJson());
    o.set("referencePolicy", referencePolicy);
    o.set("doremiConfig", doremiConfig);
    o.put("precompute", precompute);
    o.put("rounds", rounds);
    o.put("startFrom", startFrom == null ? "" : startFrom.toString());
    Workflows.claim(OUTPUT, dir, mode, o);
    claimed = true;
  }

  /** The directory of round {@code r} (1-based). */
  public Path round(int r) {
    return dir.resolve("round-" + r);
  }

  /** The file or directory a stage of round {@code r} writes ({@code TRAIN}: the main run's). */
  public Path output(int r, Stage s) {
    return switch (s) {
      case REFERENCE -> round(r).resolve("reference");
      case TABLE -> round(r).resolve("reference-table");
      case PROXY -> round(r).resolve("proxy");
      case OUTPUT -> round(r).resolve("doremi.json");
      case TRAIN -> dir.resolve("train");
    };
  }

  private boolean done(int r, Stage s) throws IOException {
    return switch (s) {
      case REFERENCE, PROXY -> Files.exists(new RunDirectory(output(r, s)).result());
      case TABLE -> !precompute || ReferenceLossTable.exists(output(r, s));
      case OUTPUT -> Files.exists(output(r, s));
      case TRAIN -> Files.exists(new RunDirectory(output(r, s)).result());
    };
  }

  /**
   * Runs every missing stage of every round, then the main run if {@code train}; returns the
   * main run's policy spec.
   */
  public ObjectNode runMissing(boolean train) throws IOException {
    if (!claimed) {
      claim(ExistingOutput.REFUSE);
    }
    for (int r = 1; r <= rounds; r++) {
      for (Stage s : List.of(Stage.REFERENCE, Stage.TABLE, Stage.PROXY, Stage.OUTPUT)) {
        if (!done(r, s)) {
          run(r, s);
        } else {
          print("round %d stage %s: done, skipped", r, s);
        }
      }
    }
    JsonNode last = Json.read(output(rounds, Stage.OUTPUT));
    AtomicFiles.writeString(dir.resolve("doremi.json"), Json.write(last));
    ObjectNode spec = (ObjectNode) last.get("spec");
    if (train && !done(rounds, Stage.TRAIN)) {
      run(rounds, Stage.TRAIN);
    }
    return spec;
  }

  /** Runs one stage of round {@code r}, replacing its output; earlier outputs must exist. */
  public void run(int r, Stage stage) throws IOException {
    switch (stage) {
      case REFERENCE -> {
        JsonNode policy = referenceOf(r);
        train(policy, output(r, stage), null);
        print("round %d stage reference: %s trained into %s", r, policy, output(r, stage));
      }
      case TABLE -> {
        if (!precompute) {
          return;
        }
        long start = System.nanoTime();
        long blocks = ReferenceTables.build(corpus, ReferenceTables.trainDomains(corpus, config),
            output(r, Stage.REFERENCE), output(r, stage), config.evalBatchSize(),
            Devices.select(config.device())[0], out);
        ObjectNode cost = Json.object().put("blocks", blocks)
            .put("wallSeconds", (System.nanoTime() - start) / 1e9);
        AtomicFiles.writeString(round(r).resolve("table-build.json"), Json.write(cost));
        print("round %d stage table: %d blocks scored into %s", r, blocks, output(r, stage));
      }
      case PROXY -> {
        train(proxySpec(r), output(r, stage), r);
        print("round %d stage proxy: Group DRO against %s", r, output(r, Stage.REFERENCE));
      }
      case OUTPUT -> writeOutput(r);
      case TRAIN -> {
        JsonNode spec = Json.read(output(rounds, Stage.OUTPUT)).get("spec");
        train(spec, output(r, stage), null);
        print("stage train: main run on %s", spec);
      }
      default -> throw new IllegalStateException(stage.toString());
    }
  }

  private void train(JsonNode policy, Path runDir, Integer referenceRound) throws IOException {
    MixingTrainerBuilder b = Workflows.trainer(corpus, policy, config, runDir, true, startFrom);
    if (referenceRound != null) {
      b.optReferenceModel(output(referenceRound, Stage.REFERENCE));
      if (precompute) {
        b.optReferenceTable(output(referenceRound, Stage.TABLE), ReferenceLossTable.Storage.HEAP);
      }
    }
    try (MixingTrainer t = b.build()) {
      t.train();
      ObjectNode result = Json.object();
      result.set("policy", policy);
      result.put("steps", t.step());
      AtomicFiles.writeString(new RunDirectory(runDir).result(), Json.write(result));
    }
  }

  private void writeOutput(int r) throws IOException {
    Path proxy = output(r, Stage.PROXY);
    JsonNode state = MixingTrainer.latestMixerState(proxy).path("policy");
    PolicyContext context = new PolicyContext(ReferenceTables.trainDomains(corpus, config),
        config.seed(), config.steps(), config.batchSize());
    DoReMiPolicy p = (DoReMiPolicy) PolicyRegistry.load().create(context, proxySpec(r));
    p.restore(state);
    ObjectNode o = Json.object();
    o.set("spec", p.outputSpec());
    o.set("averageWeights", weights(p.averageWeights()));
    o.set("finalWeights", weights(p.weights()));
    o.set("excess", Json.doubles(p.excessLosses()));
    o.put("blockLevelUpdates", p.blockLevelUpdates());
    ObjectNode cost = o.putObject("compute");
    cost.set("reference", Workflows.compute(output(r, Stage.REFERENCE)));
    if (precompute) {
      cost.set("table", Json.read(round(r).resolve("table-build.json")));
    }
    cost.set("proxy", Workflows.compute(proxy));
    AtomicFiles.writeString(output(r, Stage.OUTPUT), Json.write(o));
    print("round %d stage output: average weights %s", r, p.averageWeights());
    print("round %d compute: reference %s, proxy %s", r, cost.get("reference"),
        cost.get("proxy"));
  }

  /** Round {@code r}'s proxy: DoReMi with the given keys, sampling from its reference's mix. */
  private ObjectNode proxySpec(int r) throws IOException {
    ObjectNode cfg = doremiConfig.deepCopy();
    cfg.set("referenceWeights", referenceWeights(referenceOf(r)));
    ObjectNode spec = Json.object().put("policy", "doremi");
    spec.set("config", cfg);
    return spec;
  }

  private static ObjectNode weights(Mixture m) {
    ObjectNode o = Json.object();
    for (int i = 0; i < m.size(); i++) {
      o.put(m.names().get(i), m.weight(i));
    }
    return o;
  }

  private JsonNode referenceOf(int r) throws IOException {
    return r == 1 ? referencePolicy : Json.read(output(r - 1, Stage.OUTPUT)).get("spec");
  }

  /** DoReMi's {@code referenceWeights} for a reference run under {@code policy}. */
  private JsonNode referenceWeights(JsonNode policy) {
    if (doremiConfig.has("referenceWeights")) {
      return doremiConfig.get("referenceWeights");
    }
    String name = policy.path("policy").asText();
    return switch (name) {
      case "uniform", "proportional" -> Json.mapper().getNodeFactory().textNode(name);
      case "explicit" -> policy.path("config").path("weights");
      default -> throw new IllegalArgumentException("reference policy '" + name + "' is not a "
          + "fixed mix, so the proxy's sampling weights cannot follow from it: give DoReMi's "
          + "'referenceWeights' in the proxy's config");
    };
  }

  private void print(String format, Object... args) {
    if (out != null) {
      out.println(String.format(Locale.ROOT, format, args));
    }
  }
}
