package dev.datamix.djl.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.config.ConfigKey;
import dev.datamix.config.ConfigSchema;
import dev.datamix.config.PolicyConfig;
import dev.datamix.schedule.LearningRateSchedule;
import dev.datamix.schedule.Schedules;
import dev.datamix.state.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the DJL trainer needs besides the corpus and the policy. Read from JSON through the
 * same validation as policy configs: an unknown or ill-typed key fails naming the key.
 *
 * @param device {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N}
 * @param seed root of every random choice (weights, batches, probes)
 * @param steps training steps
 * @param batchSize blocks per step (split over devices)
 * @param layers transformer blocks
 * @param dModel model width
 * @param heads attention heads
 * @param mlpRatio MLP width multiple
 * @param tiedEmbeddings whether the LM head is the token embedding
 * @param peakLr peak learning rate
 * @param warmupSteps linear warmup steps
 * @param minLr learning rate at the end of the decay or anneal
 * @param schedule the learning-rate schedule: {@code cosine}, {@code constant}, {@code wsd} or
 *     {@code infinite} (see {@link #learningRateSchedule()})
 * @param decayFraction share of the steps in the final decay ({@code wsd}) or anneal ({@code
 *     infinite})
 * @param stableLr the constant rate of the {@code infinite} schedule
 * @param cooldownSteps steps of the {@code infinite} schedule's cooldown from peakLr to stableLr
 * @param weightDecay decoupled weight decay (matrices only)
 * @param beta1 AdamW first-moment decay
 * @param beta2 AdamW second-moment decay
 * @param eps AdamW epsilon
 * @param gradClip global gradient-norm clip, 0 = none
 * @param evalBlocksPerDomain fixed validation blocks per domain for held-out loss
 * @param evalBatchSize blocks per evaluation forward pass
 * @param probeBatchSize blocks per gradient-alignment probe
 * @param targetDomain corpus domain used as the target set (excluded from training), or ""
 * @param targetBlocks how many target blocks the probes may use
 * @param trainDomains domains to train on; empty = every domain but the target
 * @param checkpointEvery steps between checkpoints, 0 = only at the end
 * @param maxNonFiniteInARow consecutive non-finite losses tolerated before stopping
 * @param logEvery steps between progress lines
 * @param allocation how each batch's blocks are shared among the domains: {@code auto} (the
 *     policy's {@link dev.datamix.policy.MixingPolicy#preferredAllocation}), {@code random},
 *     {@code exact} or {@code grouped} ({@link dev.datamix.sampler.SamplerOptions.Allocation})
 * @param maxEpochs repetition caps: the most epochs a domain may serve before its weight goes to
 *     the others, by domain name ({@code "*"} for every domain not named); empty = no cap
 * @param weightUnit what a static mix's weights are shares of: {@code tokens} or {@code
 *     documents} ({@link dev.datamix.mixture.WeightUnit})
 */
public record TrainingConfig(String device, long seed, long steps, int batchSize, int layers,
    int dModel, int heads, int mlpRatio, boolean tiedEmbeddings, double peakLr, long warmupSteps,
    double minLr, String schedule, double decayFraction, double stableLr, long cooldownSteps,
    double weightDecay, double beta1, double beta2, double eps, double gradClip,
    int evalBlocksPerDomain, int evalBatchSize, int probeBatchSize, String targetDomain,
    int targetBlocks, List<String> trainDomains, long checkpointEvery, int maxNonFiniteInARow,
    int logEvery, String allocation, java.util.Map<String, Double> maxEpochs,
    String weightUnit) {

  static final ConfigKey<String> DEVICE = ConfigKey.custom("device", "auto | cpu | gpu | gpu:N",
      "auto", "devices to train on", n -> text(n), Json.mapper()::valueToTree);
  static final ConfigKey<Long> SEED = ConfigKey.integer("seed", 0L, "seed", v -> true, "");
  static final ConfigKey<Long> STEPS = ConfigKey.integer("steps", 300L, "training steps",
      v -> v > 0, "> 0");
  static final ConfigKey<Long> BATCH = ConfigKey.integer("batchSize", 16L, "blocks per step",
      v -> v > 0 && v <= 1 << 16, "in [1, 65536]");
  static final ConfigKey<Long> LAYERS = ConfigKey.integer("layers", 4L, "transformer blocks",
      v -> v > 0, "> 0");
  static final ConfigKey<Long> DMODEL = ConfigKey.integer("dModel", 128L, "model width",
      v -> v > 0, "> 0");
  static final ConfigKey<Long> HEADS = ConfigKey.integer("heads", 4L, "attention heads",
      v -> v > 0, "> 0");
  static final ConfigKey<Long> MLP = ConfigKey.integer("mlpRatio", 4L, "MLP width multiple",
      v -> v > 0, "> 0");
  static final ConfigKey<Boolean> TIED = ConfigKey.bool("tiedEmbeddings", true,
      "LM head shares the token embedding");
  static final ConfigKey<Double> PEAK_LR = ConfigKey.number("peakLr", 1e-3, "peak learning rate",
      v -> v > 0, "> 0");
  static final ConfigKey<Long> WARMUP = ConfigKey.integer("warmupSteps", 30L,
      "linear warmup steps", v -> v >= 0, ">= 0");
  static final ConfigKey<Double> MIN_LR = ConfigKey.number("minLr", 1e-4,
      "learning rate at the end of the decay or anneal", v -> v >= 0, ">= 0");
  static final ConfigKey<String> SCHEDULE = ConfigKey.choice("schedule", "cosine",
      "learning-rate schedule: cosine (warmup, cosine to minLr at steps), constant (warmup, then "
      + "peakLr), wsd (warmup, peakLr, linear decay to minLr over the last decayFraction), "
      + "infinite (warmup, cosine cooldown to stableLr over cooldownSteps, stableLr, linear "
      + "anneal to minLr over the last decayFraction)", "cosine", "constant", "wsd", "infinite");
  static final ConfigKey<Double> DECAY_FRACTION = ConfigKey.number("decayFraction", 0.2,
      "share of the steps in the final decay (wsd) or anneal (infinite)",
      v -> v > 0 && v <= 1, "in (0, 1]");
  static final ConfigKey<Double> STABLE_LR = ConfigKey.number("stableLr", 0.0,
      "the infinite schedule's constant rate, in [minLr, peakLr]; required with infinite",
      v -> v >= 0, ">= 0");
  static final ConfigKey<Long> COOLDOWN = ConfigKey.integer("cooldownSteps", 0L,
      "steps of the infinite schedule's cooldown from peakLr to stableLr", v -> v >= 0, ">= 0");
  static final ConfigKey<Double> WD = ConfigKey.number("weightDecay", 0.1,
      "decoupled weight decay on matrices", v -> v >= 0, ">= 0");
  static final ConfigKey<Double> BETA1 = ConfigKey.number("beta1", 0.9, "AdamW beta1",
      v -> v >= 0 && v < 1, "in [0, 1)");
  static final ConfigKey<Double> BETA2 = ConfigKey.number("beta2", 0.95, "AdamW beta2",
      v -> v >= 0 && v < 1, "in [0, 1)");
  static final ConfigKey<Double> EPS = ConfigKey.number("eps", 1e-8, "AdamW epsilon",
      v -> v > 0, "> 0");
  static final ConfigKey<Double> CLIP = ConfigKey.number("gradClip", 1.0,
      "global gradient-norm clip (0 = none)", v -> v >= 0, ">= 0");
  static final ConfigKey<Long> EVAL_BLOCKS = ConfigKey.integer("evalBlocksPerDomain", 16L,
      "fixed validation blocks per domain for held-out loss", v -> v > 0, "> 0");
  static final ConfigKey<Long> EVAL_BATCH = ConfigKey.integer("evalBatchSize", 32L,
      "blocks per evaluation forward pass", v -> v > 0, "> 0");
  static final ConfigKey<Long> PROBE_BATCH = ConfigKey.integer("probeBatchSize", 8L,
      "blocks per gradient-alignment probe", v -> v > 0, "> 0");
  static final ConfigKey<String> TARGET = ConfigKey.custom("targetDomain", "string", "",
      "corpus domain used as the target set (not trained on); empty = none", n -> text(n),
      Json.mapper()::valueToTree);
  static final ConfigKey<Long> TARGET_BLOCKS = ConfigKey.integer("targetBlocks", 64L,
      "target blocks the gradient probes may use", v -> v > 0, "> 0");
  static final ConfigKey<List<String>> TRAIN_DOMAINS = ConfigKey.custom("trainDomains",
      "array of domain names", List.of(), "domains to train on; empty = all but the target",
      TrainingConfig::names, v -> {
        ArrayNode a = Json.array();
        v.forEach(a::add);
        return a;
      });
  static final ConfigKey<Long> CKPT = ConfigKey.integer("checkpointEvery", 0L,
      "steps between checkpoints (0 = at the end only)", v -> v >= 0, ">= 0");
  static final ConfigKey<Long> MAX_NAN = ConfigKey.integer("maxNonFiniteInARow", 5L,
      "consecutive non-finite losses tolerated before stopping", v -> v >= 0, ">= 0");
  static final ConfigKey<Long> LOG_EVERY = ConfigKey.integer("logEvery", 10L,
      "steps between progress lines", v -> v > 0, "> 0");
  static final ConfigKey<String> ALLOCATION = ConfigKey.choice("allocation", "auto",
      "a batch's domains: auto (the policy's preference), random (independent draws), exact "
          + "(the mixture's counts, within one block per domain) or grouped (independent draws "
          + "from a table that a change of few weights rebuilds in part: for many domains)",
      "auto", "random", "exact", "grouped");

  static final ConfigKey<java.util.Map<String, Double>> MAX_EPOCHS = ConfigKey.custom("maxEpochs",
      "number, or object of domain name to number", java.util.Map.of(),
      "repetition caps: the most epochs a domain may serve, then its weight goes to the others "
          + "(logged); a number caps every domain, an object names domains (\"*\": the rest); "
          + "0 or absent = no cap", TrainingConfig::caps, v -> Json.mapper().valueToTree(v));
  static final ConfigKey<String> WEIGHT_UNIT = ConfigKey.choice("weightUnit", "tokens",
      "what a static mix's weights are shares of: tokens, or documents (converted by each "
          + "domain's mean document length)", "tokens", "documents");

  /** The accepted keys, with defaults and descriptions. */
  public static final ConfigSchema SCHEMA = ConfigSchema.of("trainer", List.of(DEVICE, SEED,
      STEPS, BATCH, LAYERS, DMODEL, HEADS, MLP, TIED, PEAK_LR, WARMUP, MIN_LR, SCHEDULE,
      DECAY_FRACTION, STABLE_LR, COOLDOWN, WD, BETA1, BETA2,
      EPS, CLIP, EVAL_BLOCKS, EVAL_BATCH, PROBE_BATCH, TARGET, TARGET_BLOCKS, TRAIN_DOMAINS, CKPT,
      MAX_NAN, LOG_EVERY, ALLOCATION, MAX_EPOCHS, WEIGHT_UNIT));

  /** Validates cross-field constraints. */
  public TrainingConfig {
    trainDomains = List.copyOf(trainDomains);
    maxEpochs = java.util.Map.copyOf(maxEpochs);
    if (dModel % heads != 0) {
      throw new IllegalArgumentException(
          "dModel (" + dModel + ") must be divisible by heads, got heads " + heads);
    }
    if (minLr > peakLr) {
      throw new IllegalArgumentException("minLr (" + minLr + ") must be <= peakLr " + peakLr);
    }
    if (warmupSteps > steps) {
      throw new IllegalArgumentException(
          "warmupSteps (" + warmupSteps + ") must be <= steps " + steps);
    }
    long decayStart = steps - decaySteps(steps, decayFraction);
    if ((schedule.equals("wsd") || schedule.equals("infinite"))
        && warmupSteps + (schedule.equals("infinite") ? cooldownSteps : 0) > decayStart) {
      throw new IllegalArgumentException("schedule " + schedule + ": warmupSteps (" + warmupSteps
          + ")" + (schedule.equals("infinite") ? " + cooldownSteps (" + cooldownSteps + ")" : "")
          + " must end by the final decay, which starts at step " + decayStart + " (steps "
          + steps + ", decayFraction " + decayFraction + ")");
    }
    if (schedule.equals("infinite") && !(stableLr > 0 && stableLr >= minLr
        && stableLr <= peakLr)) {
      throw new IllegalArgumentException("schedule infinite needs stableLr in [minLr " + minLr
          + ", peakLr " + peakLr + "] and > 0, got " + stableLr);
    }
  }

  private static long decaySteps(long steps, double fraction) {
    return Math.max(1, Math.round(steps * fraction));
  }

  /**
   * The learning rate as a function of the step, from {@code schedule}: {@code cosine} (linear
   * warmup to {@code peakLr}, cosine to {@code minLr} at {@code steps}; Loshchilov and Hutter,
   * 2017), {@code constant} (warmup, then {@code peakLr}), {@code wsd} (warmup-stable-decay: a
   * linear decay to {@code minLr} over the last {@code decayFraction} of the steps) or {@code
   * infinite} (Ibrahim et al., TMLR 2024: warmup, cosine cooldown to {@code stableLr} over {@code
   * cooldownSteps}, {@code stableLr}, then a linear anneal to {@code minLr} over the last {@code
   * decayFraction}). Only {@code cosine} changes the rates of early steps when {@code steps}
   * changes; the others change only from their decay or anneal on, so a run resumed before it
   * can be given more steps.
   */
  public LearningRateSchedule learningRateSchedule() {
    long decay = decaySteps(steps, decayFraction);
    return switch (schedule) {
      case "cosine" -> LearningRateSchedule.warmupCosine(peakLr, warmupSteps, steps, minLr);
      case "constant" -> warmupSteps == 0 ? LearningRateSchedule.constant(peakLr)
          : Schedules.sequence(List.of(new Schedules.Segment(0,
              Schedules.warmup(peakLr, warmupSteps)), new Schedules.Segment(warmupSteps,
              LearningRateSchedule.constant(peakLr))));
      case "wsd" -> Schedules.wsd(peakLr, minLr, warmupSteps, steps - decay, decay, false);
      case "infinite" -> Schedules.infinite(peakLr, stableLr, minLr, warmupSteps, cooldownSteps,
          Schedules.Cooldown.COSINE, 1, steps - decay, decay, Schedules.Anneal.LINEAR);
      default -> throw new IllegalStateException("schedule " + schedule);
    };
  }

  private static String text(JsonNode n) {
    if (!n.isTextual()) {
      throw new IllegalArgumentException("must be a string");
    }
    return n.textValue();
  }

  private static java.util.Map<String, Double> caps(JsonNode n) {
    java.util.Map<String, Double> out = new java.util.TreeMap<>();
    if (n.isNumber()) {
      out.put("*", n.asDouble());
    } else if (n.isObject()) {
      n.fields().forEachRemaining(e -> {
        if (!e.getValue().isNumber()) {
          throw new IllegalArgumentException("must map domain names to numbers, got "
              + e.getValue() + " for '" + e.getKey() + "'");
        }
        out.put(e.getKey(), e.getValue().asDouble());
      });
    } else {
      throw new IllegalArgumentException("must be a number or an object of domain name to "
          + "number");
    }
    for (java.util.Map.Entry<String, Double> e : out.entrySet()) {
      if (!(e.getValue() >= 0) || Double.isInfinite(e.getValue())) {
        throw new IllegalArgumentException("cap of '" + e.getKey() + "' must be finite and "
            + ">= 0, got " + e.getValue());
      }
    }
    return out;
  }

  /** The repetition caps by training domain ({@code maxEpochs}, its {@code "*"} expanded). */
  public java.util.Map<String, Double> capsFor(List<String> domains) {
    java.util.Map<String, Double> out = new java.util.TreeMap<>();
    for (String name : maxEpochs.keySet()) {
      if (!name.equals("*") && !domains.contains(name)) {
        throw new IllegalArgumentException("maxEpochs names domain '" + name + "', which is "
            + "not a training domain; training domains: " + domains);
      }
    }
    for (String d : domains) {
      Double cap = maxEpochs.getOrDefault(d, maxEpochs.get("*"));
      if (cap != null && cap > 0) {
        out.put(d, cap);
      }
    }
    return out;
  }

  private static List<String> names(JsonNode n) {
    if (!n.isArray()) {
      throw new IllegalArgumentException("must be an array of domain names");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode e : n) {
      out.add(text(e));
    }
    return out;
  }

  /** All defaults. */
  public static TrainingConfig defaults() {
    return fromJson(Json.object());
  }

  /**
   * Reads a config object; absent keys take their defaults.
   *
   * @throws IllegalArgumentException naming an unknown, ill-typed or inconsistent key
   */
  public static TrainingConfig fromJson(JsonNode json) {
    PolicyConfig c = SCHEMA.parse(json);
    return new TrainingConfig(c.get(DEVICE), c.get(SEED), c.get(STEPS), c.get(BATCH).intValue(),
        c.get(LAYERS).intValue(), c.get(DMODEL).intValue(), c.get(HEADS).intValue(),
        c.get(MLP).intValue(), c.get(TIED), c.get(PEAK_LR), c.get(WARMUP), c.get(MIN_LR),
        c.get(SCHEDULE), c.get(DECAY_FRACTION), c.get(STABLE_LR), c.get(COOLDOWN), c.get(WD), c.get(BETA1), c.get(BETA2), c.get(EPS), c.get(CLIP),
        c.get(EVAL_BLOCKS).intValue(), c.get(EVAL_BATCH).intValue(),
        c.get(PROBE_BATCH).intValue(), c.get(TARGET), c.get(TARGET_BLOCKS).intValue(),
        c.get(TRAIN_DOMAINS), c.get(CKPT), c.get(MAX_NAN).intValue(), c.get(LOG_EVERY).intValue(),
        c.get(ALLOCATION), c.get(MAX_EPOCHS), c.get(WEIGHT_UNIT));
  }

  /** This config as JSON (every key). */
  public ObjectNode toJson() {
    ObjectNode o = Json.object();
    o.put("device", device).put("seed", seed).put("steps", steps).put("batchSize", batchSize)
        .put("layers", layers).put("dModel", dModel).put("heads", heads)
        .put("mlpRatio", mlpRatio).put("tiedEmbeddings", tiedEmbeddings).put("peakLr", peakLr)
        .put("warmupSteps", warmupSteps).put("minLr", minLr).put("schedule", schedule)
        .put("decayFraction", decayFraction).put("stableLr", stableLr)
        .put("cooldownSteps", cooldownSteps).put("weightDecay", weightDecay)
        .put("beta1", beta1).put("beta2", beta2).put("eps", eps).put("gradClip", gradClip)
        .put("evalBlocksPerDomain", evalBlocksPerDomain).put("evalBatchSize", evalBatchSize)
        .put("probeBatchSize", probeBatchSize).put("targetDomain", targetDomain)
        .put("targetBlocks", targetBlocks);
    ArrayNode a = o.putArray("trainDomains");
    trainDomains.forEach(a::add);
    o.put("checkpointEvery", checkpointEvery).put("maxNonFiniteInARow", maxNonFiniteInARow)
        .put("logEvery", logEvery);
    if (!allocation.equals("auto")) {
      o.put("allocation", allocation); // absent at its default: earlier runs' configs still match
    }
    if (!maxEpochs.isEmpty()) {
      o.set("maxEpochs", Json.mapper().valueToTree(new java.util.TreeMap<>(maxEpochs)));
    }
    if (!weightUnit.equals("tokens")) {
      o.put("weightUnit", weightUnit);
    }
    return o;
  }

  /** This config with other values for some keys (JSON object of overrides). */
  public TrainingConfig with(JsonNode overrides) {
    ObjectNode o = toJson();
    overrides.fields().forEachRemaining(e -> o.set(e.getKey(), e.getValue()));
    return fromJson(o);
  }
}
