package dev.datamix.shootout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a shoot-out runs: policy configs × seeds on one corpus with the same model, token budget,
 * batch and learning-rate schedule.
 *
 * @param corpus {@code "demo"} (the built-in corpus, generated into the output directory) or the
 *     path of a prepared corpus
 * @param demoBytes bytes per main demo domain when {@code corpus} is {@code "demo"}
 * @param demoBlockLength block length of the generated demo corpus
 * @param trainer trainer settings shared by every run (see {@code TrainingConfig}); {@code seed}
 *     is set per run
 * @param policies the entries, each with a unique label
 * @param seeds the seeds every entry runs with
 * @param evalEvery steps between test-split evaluations (the loss curves)
 * @param reference label of the static run that overheads are relative to
 * @param startFrom a run directory whose latest checkpoint holds the starting weights of every
 *     run (continual pre-training), or {@code ""} to start from fresh weights
 */
public record ShootoutSpec(String corpus, long demoBytes, int demoBlockLength, ObjectNode trainer,
    List<Entry> policies, List<Long> seeds, long evalEvery, String reference, String startFrom) {

  /** A spec that starts from fresh weights. */
  public ShootoutSpec(String corpus, long demoBytes, int demoBlockLength, ObjectNode trainer,
      List<Entry> policies, List<Long> seeds, long evalEvery, String reference) {
    this(corpus, demoBytes, demoBlockLength, trainer, policies, seeds, evalEvery, reference, "");
  }

  /** Static policies: the baselines for "tokens to reach the best static loss". */
  static final Set<String> STATIC = Set.of("uniform", "proportional", "temperature", "explicit",
      "piecewise");

  /** Validates; the uniform (stratified) baseline must be present. */
  public ShootoutSpec {
    trainer = trainer.deepCopy();
    policies = List.copyOf(policies);
    seeds = List.copyOf(seeds);
    if (policies.isEmpty() || seeds.isEmpty()) {
      throw new IllegalArgumentException("a shoot-out needs policies and seeds, got "
          + policies.size() + " policies and " + seeds.size() + " seeds");
    }
    Set<String> labels = new HashSet<>();
    boolean uniform = false;
    for (Entry e : policies) {
      if (!labels.add(e.label())) {
        throw new IllegalArgumentException("duplicate policy label '" + e.label() + "'");
      }
      uniform |= e.policyName().equals("uniform");
    }
    if (!uniform) {
      throw new IllegalArgumentException("the uniform (stratified) policy must be in every "
          + "shoot-out: it is the baseline to beat (Aioli, 2024); add {\"label\": \"uniform\", "
          + "\"policy\": {\"policy\": \"uniform\"}}");
    }
    if (!labels.contains(reference)) {
      throw new IllegalArgumentException(
          "reference '" + reference + "' must be one of the labels " + labels);
    }
    if (evalEvery <= 0) {
      throw new IllegalArgumentException("evalEvery must be > 0, got " + evalEvery);
    }
  }

  /** The same spec on another corpus ({@code "demo"} or a prepared corpus directory). */
  public ShootoutSpec withCorpus(String otherCorpus) {
    return new ShootoutSpec(otherCorpus, demoBytes, demoBlockLength, trainer, policies, seeds,
        evalEvery, reference, startFrom);
  }

  /**
   * One policy config.
   *
   * @param label its name in tables and plots
   * @param policy {@code {"policy": name, "config": {...}}}
   */
  public record Entry(String label, JsonNode policy) {
    /** The registered policy name. */
    public String policyName() {
      return policy.path("policy").asText();
    }

    /** Whether it is a static mix (a baseline). */
    public boolean isStatic() {
      return STATIC.contains(policyName());
    }
  }

  /**
   * Reads a spec: {@code {"corpus", "demoBytes", "demoBlockLength", "trainer", "policies":
   * [{"label", "policy"}], "seeds", "evalEvery", "reference"}}; absent keys take the values of
   * {@code defaults}.
   *
   * @throws IllegalArgumentException naming an unknown or ill-typed key
   */
  public static ShootoutSpec fromJson(JsonNode json, ShootoutSpec defaults) {
    Set<String> known = Set.of("corpus", "demoBytes", "demoBlockLength", "trainer", "policies",
        "seeds", "evalEvery", "reference", "startFrom");
    json.fieldNames().forEachRemaining(k -> {
      if (!known.contains(k)) {
        throw new IllegalArgumentException(
            "unknown shoot-out key '" + k + "'; known keys: " + known);
      }
    });
    List<Entry> entries = defaults.policies();
    if (json.has("policies")) {
      entries = new ArrayList<>();
      for (JsonNode p : json.get("policies")) {
        if (!p.path("label").isTextual() || !p.path("policy").isObject()) {
          throw new IllegalArgumentException("each of 'policies' needs a string 'label' and an "
              + "object 'policy', got " + p);
        }
        entries.add(new Entry(p.get("label").asText(), p.get("policy")));
      }
    }
    List<Long> seeds = defaults.seeds();
    if (json.has("seeds")) {
      seeds = new ArrayList<>();
      for (JsonNode s : json.get("seeds")) {
        if (!s.isIntegralNumber()) {
          throw new IllegalArgumentException("'seeds' must be integers, got " + s);
        }
        seeds.add(s.longValue());
      }
    }
    ObjectNode trainer = defaults.trainer().deepCopy();
    if (json.has("trainer")) {
      if (!json.get("trainer").isObject()) {
        throw new IllegalArgumentException("'trainer' must be an object, got " + json.get("trainer"));
      }
      trainer.setAll((ObjectNode) json.get("trainer"));
    }
    return new ShootoutSpec(json.path("corpus").asText(defaults.corpus()),
        json.path("demoBytes").asLong(defaults.demoBytes()),
        json.path("demoBlockLength").asInt(defaults.demoBlockLength()), trainer, entries, seeds,
        json.path("evalEvery").asLong(defaults.evalEvery()),
        json.path("reference").asText(defaults.reference()),
        json.path("startFrom").asText(defaults.startFrom()));
  }

  private static List<Entry> staticEntries() {
    return List.of(
        new Entry("uniform", Json.parse("{\"policy\": \"uniform\"}")),
        new Entry("proportional", Json.parse("{\"policy\": \"proportional\"}")),
        new Entry("temperature-2", Json.parse(
            "{\"policy\": \"temperature\", \"config\": {\"temperature\": 2}}")));
  }

  /**
   * The spec a shoot-out directory was run with: its {@code spec.json}, which {@link Shootout}
   * writes with every key; its trainer is that file's alone, not merged with any defaults.
   */
  public static ShootoutSpec ofDirectory(Path shootout) throws IOException {
    ShootoutSpec q = quick();
    return fromJson(Json.read(shootout.resolve("spec.json")), new ShootoutSpec(q.corpus(),
        q.demoBytes(), q.demoBlockLength(), Json.object(), q.policies(), q.seeds(),
        q.evalEvery(), q.reference()));
  }

  /** The policies' labels, in order. */
  public List<String> labels() {
    return policies.stream().map(Entry::label).toList();
  }

  /** A few minutes on 2 CPU cores: smoke test. */
  public static ShootoutSpec quick() {
    return new ShootoutSpec("demo", 200_000, 64, (ObjectNode) Json.parse("{\"layers\": 2, "
        + "\"dModel\": 64, \"heads\": 4, \"batchSize\": 16, \"steps\": 150, \"warmupSteps\": 15, "
        + "\"peakLr\": 0.003, \"minLr\": 0.0003, \"evalBlocksPerDomain\": 16}"),
        staticEntries(), List.of(1L, 2L), 25, "uniform");
  }

  /** The default size: well under an hour on 2 CPU cores. */
  public static ShootoutSpec standard() {
    return new ShootoutSpec("demo", 1_000_000, 128, (ObjectNode) Json.parse("{\"batchSize\": "
        + "16, \"steps\": 500, \"warmupSteps\": 25, \"peakLr\": 0.002, \"minLr\": 0.0002, "
        + "\"evalBlocksPerDomain\": 32}"), staticEntries(), List.of(1L, 2L, 3L), 50, "uniform");
  }
}
