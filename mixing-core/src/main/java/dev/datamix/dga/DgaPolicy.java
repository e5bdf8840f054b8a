package dev.datamix.dga;

import dev.datamix.policy.Horizon;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.config.ConfigKey;
import dev.datamix.config.PolicyConfig;
import dev.datamix.mixture.Mixture;
import dev.datamix.mixture.Mixtures;
import dev.datamix.policy.AbstractMixingPolicy;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.policy.MixingPolicyProvider;
import dev.datamix.policy.PolicyContext;
import dev.datamix.signal.Observation;
import dev.datamix.signal.SignalKind;
import dev.datamix.signal.SignalRequest;
import dev.datamix.mixture.WeightsConfig;
import dev.datamix.state.Json;
import dev.datamix.state.StateReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * DGA, Dynamic Gradient Alignment: steers the generic mixture toward a target task that has only
 * a few examples. Every {@code T_r} steps, from alignment scores {@code a_j = <g_j, g_target>} of
 * each probe distribution's gradient with the target gradient, an exponentiated-gradient step on
 * the simplex {@code β ← normalise(β ⊙ exp(η·a))} (scores optionally normalised by the gradient
 * norms and clipped, as DoGE does; optionally smoothed toward uniform), and an exponential moving
 * average {@code β̄ ← λ·β̄ + (1−λ)·β} that the batches are drawn from (docs/algorithms.md §3).
 * {@code emaForm} says where the average acts: {@code sampler} (the default) keeps the raw
 * {@code β} as the state the next step starts from and only draws from {@code β̄}; {@code state}
 * starts the next step from {@code β̄}, {@code β ← normalise(β̄ ⊙ exp(η·a))}, so the average damps
 * the trajectory itself, as in the paper's Algorithm 1 where the smoothed weights are the
 * iterate.
 *
 * <p>With {@code basis} distributions {@code P_1..P_m} (fixed mixtures over many fine-grained
 * domains) the update runs over the {@code m} bases and the domain mixture is {@code q = Σ_j
 * β̄_j·P_j}: one probe gradient per basis, so the cost scales with {@code m}, not the number of
 * domains. Without a basis every domain is its own probe.
 *
 * @see <a href="https://arxiv.org/abs/2410.02498">Fan, Grangier and Ablin, Dynamic Gradient
 *     Alignment for Online Data Mixing, 2024</a>
 */
public final class DgaPolicy extends AbstractMixingPolicy {
  private final long updateEvery;
  private final double learningRate;
  private final boolean normalise;
  private final double clip;
  private final double smoothing;
  private final double ema;
  private final boolean emaIsState;
  private final boolean gram;
  private final List<Mixture> probes;

  private double[] beta;
  private double[] averaged;
  private long updates;

  private DgaPolicy(PolicyContext context, PolicyConfig config, List<Mixture> probes,
      double[] start) {
    super(Provider.NAME, context, config);
    this.updateEvery = config.get(Provider.UPDATE_EVERY);
    this.learningRate = config.get(Provider.LEARNING_RATE);
    this.normalise = config.get(Provider.NORMALISE);
    this.clip = config.get(Provider.CLIP);
    this.smoothing = config.get(Provider.SMOOTHING);
    this.ema = config.get(Provider.EMA);
    this.emaIsState = config.get(Provider.EMA_FORM).equals("state");
    this.gram = config.get(Provider.GRAM);
    this.probes = List.copyOf(probes);
    this.beta = start.clone();
    this.averaged = start.clone();
  }

  @Override
  public Set<SignalKind> possibleSignals() {
    return Set.of(SignalKind.GRADIENT_ALIGNMENT);
  }

  @Override
  protected SignalRequest requestSignals(long step) {
    return step % updateEvery == 0
        ? SignalRequest.builder().alignment(probes, gram).build() : SignalRequest.none();
  }

  @Override
  protected void onObservation(Observation o) {
    if (!(o instanceof Observation.GradientAlignment g)) {
      return;
    }
    int m = probes.size();
    if (g.scores().size() != m) {
      throw new IllegalArgumentException("scores must have one entry per probe (" + m
          + "), got " + g.scores().size());
    }
    double[] a = g.scores().toArray();
    if (normalise) {
      double meanNorm = 0;
      for (int j = 0; j < m; j++) {
        meanNorm += g.probeNorms().get(j) / m;
      }
      double scale = meanNorm * g.targetNorm();
      for (int j = 0; j < m; j++) {
        a[j] = scale > 0 ? a[j] / scale : 0;
      }
    }
    double[] next = new double[m];
    for (int j = 0; j < m; j++) {
      double s = clip > 0 ? Math.max(-clip, Math.min(clip, a[j])) : a[j];
      next[j] = Math.log(emaIsState ? averaged[j] : beta[j]) + learningRate * s;
    }
    double max = java.util.Arrays.stream(next).max().orElse(0);
    double sum = 0;
    for (int j = 0; j < m; j++) {
      next[j] = Math.exp(next[j] - max);
      sum += next[j];
    }
    for (int j = 0; j < m; j++) {
      next[j] = (1 - smoothing) * next[j] / sum + smoothing / m;
      averaged[j] = ema * averaged[j] + (1 - ema) * next[j];
    }
    beta = next;
    updates++;
  }

  @Override
  protected Mixture currentMixture(long step) {
    double[] q = new double[domainCount()];
    for (int j = 0; j < probes.size(); j++) {
      for (int i = 0; i < q.length; i++) {
        q[i] += averaged[j] * probes.get(j).weight(i);
      }
    }
    return Mixture.normalise(domainNames(), q);
  }

  /** The weights over probes (domains or bases) before the moving average. */
  public double[] rawWeights() {
    return beta.clone();
  }

  /** The moving-averaged weights over probes, which the mixture is made of. */
  public double[] averagedWeights() {
    return averaged.clone();
  }

  @Override
  protected void writeState(ObjectNode state) {
    state.set("beta", Json.doubles(beta));
    state.set("averaged", Json.doubles(averaged));
    state.put("updates", updates);
  }

  @Override
  protected void readState(StateReader state) {
    double[] b = state.getDoubles("beta", probes.size());
    double[] av = state.getDoubles("averaged", probes.size());
    long u = state.getLong("updates");
    beta = b;
    averaged = av;
    updates = u;
  }

  /** {@code dga}: the registered provider. */
  public static final class Provider extends MixingPolicyProvider.Defined {
    static final String NAME = "dga";
    static final ConfigKey<Long> UPDATE_EVERY = ConfigKey.integer("updateEvery", 50L,
        "T_r: steps between gradient-alignment probes and weight updates (50 keeps the measured"
            + " amortised probe overhead at 7% with 5 domains, probe batch 8, batch 16)",
        v -> v > 0, "> 0");
    static final ConfigKey<Double> LEARNING_RATE = ConfigKey.number("learningRate", 3.0,
        "η_w of the exponentiated-gradient step on (normalised) scores (docs/dga-knob-sweep.md)",
        v -> v > 0, "> 0");
    static final ConfigKey<Boolean> NORMALISE = ConfigKey.bool("normaliseScores", true,
        "divide scores by mean probe gradient norm × target gradient norm (a cosine scale)");
    static final ConfigKey<Double> CLIP = ConfigKey.number("clip", 1.0,
        "clip (normalised) scores to [-clip, clip]; 0 = no clipping", v -> v >= 0, ">= 0");
    static final ConfigKey<Double> SMOOTHING = ConfigKey.number("smoothing", 0.01,
        "mix each update with uniform: w ← (1−ε)·w + ε/m", v -> v >= 0 && v < 1, "in [0, 1)");
    static final ConfigKey<Double> EMA = ConfigKey.number("ema", 0.5,
        "λ of the moving average of weights that batches are drawn from; 0 = none "
            + "(docs/dga-knob-sweep.md)", v -> v >= 0 && v < 1, "in [0, 1)");
    static final ConfigKey<String> EMA_FORM = ConfigKey.choice("emaForm", "sampler",
        "where the moving average acts: 'sampler' = only the batches are drawn from it, the "
            + "next update starts from the raw weights; 'state' = the next update starts from "
            + "the averaged weights", "sampler", "state");
    static final ConfigKey<Boolean> GRAM = ConfigKey.bool("fullGram", false,
        "also ask the trainer for the probes' full Gram matrix (reported, not used)");
    static final ConfigKey<String> INITIAL = ConfigKey.choice("initialWeights", "proportional",
        "starting weights over probes: proportional to the probes' tokens, or uniform",
        "proportional", "uniform");
    static final ConfigKey<List<Map<String, Double>>> BASIS = ConfigKey.custom("basis",
        "array of {domain: weight} mixtures", List.of(),
        "basis distributions P_j to reweight instead of the domains (empty = one per domain)",
        Provider::readBasis, Provider::writeBasis);

    private static List<Map<String, Double>> readBasis(JsonNode n) {
      if (!n.isArray()) {
        throw new IllegalArgumentException("must be an array of weight objects");
      }
      List<Map<String, Double>> out = new ArrayList<>();
      for (JsonNode e : n) {
        out.add(WeightsConfig.read(e));
      }
      return List.copyOf(out);
    }

    private static JsonNode writeBasis(List<Map<String, Double>> basis) {
      ArrayNode a = Json.array();
      basis.forEach(b -> a.add(WeightsConfig.write(new java.util.TreeMap<>(b))));
      return a;
    }

    /** Registered through {@code META-INF/services}. */
    public Provider() {
      super(NAME,
          "DGA (Fan, Grangier and Ablin, 2024): exponentiated-gradient mixture toward a target"
          + " set from gradient alignment, with a moving average; optional basis distributions.",
          List.of(UPDATE_EVERY, LEARNING_RATE, NORMALISE, CLIP, SMOOTHING, EMA, EMA_FORM, GRAM,
              INITIAL, BASIS), Provider::make);
    }

    private static MixingPolicy make(String name, PolicyContext context,
        PolicyConfig config) {
      List<String> names = context.domainNames();
      List<Mixture> probes = new ArrayList<>();
      List<Map<String, Double>> basis = config.get(BASIS);
      if (basis.isEmpty()) {
        for (String n : names) {
          probes.add(Mixture.oneHot(names, n));
        }
      } else {
        for (int j = 0; j < basis.size(); j++) {
          Map<String, Double> full = new java.util.LinkedHashMap<>();
          for (String n : names) {
            full.put(n, basis.get(j).getOrDefault(n, 0.0));
          }
          for (String k : basis.get(j).keySet()) {
            if (!names.contains(k)) {
              throw new IllegalArgumentException("config key 'basis[" + j + "]' names unknown "
                  + "domain '" + k + "'; domains: " + names);
            }
          }
          probes.add(WeightsConfig.toMixture("basis[" + j + "]", full, names));
        }
      }
      double[] start = new double[probes.size()];
      if (config.get(INITIAL).equals("uniform")) {
        java.util.Arrays.fill(start, 1.0 / start.length);
      } else {
        Mixture natural = Mixtures.proportionalToTokens(context.domains());
        double sum = 0;
        for (int j = 0; j < start.length; j++) {
          // a basis's share of the natural mix: its overlap with the natural distribution
          for (int i = 0; i < names.size(); i++) {
            start[j] += probes.get(j).weight(i) * natural.weight(i);
          }
          sum += start[j];
        }
        for (int j = 0; j < start.length; j++) {
          start[j] /= sum;
        }
      }
      return new DgaPolicy(context, config, probes, start);
    }
  }

  /** Independent of the planned number of steps: no decision reads it. */
  @Override
  public Horizon horizon() {
    return Horizon.independent();
  }
}
