package dev.datamix.velocitune;

import dev.datamix.policy.Horizon;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.config.ConfigKey;
import dev.datamix.config.PolicyConfig;
import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixture;
import dev.datamix.mixture.Mixtures;
import dev.datamix.policy.AbstractMixingPolicy;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.policy.MixingPolicyProvider;
import dev.datamix.policy.PolicyContext;
import dev.datamix.scaling.DataScalingFit;
import dev.datamix.signal.Observation;
import dev.datamix.signal.SignalKind;
import dev.datamix.signal.SignalRequest;
import dev.datamix.mixture.WeightsConfig;
import dev.datamix.state.Json;
import dev.datamix.state.StateReader;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Velocitune: up-weights the domains that are learning slowly relative to what they can still
 * gain. Every {@code m} steps, from per-domain held-out losses: {@code V_i = clamp((ℓ_t − ℓ_target)
 * / (ℓ_init − ℓ_target), 0, 1)} (1 = nothing learned yet, 0 = target reached) and {@code w_i ←
 * w_i·exp(η·V_i) / Σ_j w_j·exp(η·V_j)} (docs/algorithms.md §2).
 *
 * <p>Initial losses are the starting model's held-out losses (measured at the first step unless
 * given); targets are given directly or come from per-domain scaling-law fits of a proxy run
 * extrapolated to the tokens each domain will see ({@link ProxyFit}). A domain with {@code ℓ_init
 * <= ℓ_target} has velocity 0 (logged once). A domain whose held-out loss is not measured (NaN)
 * keeps its last velocity (logged). Because velocity is progress toward an attainable target, a
 * domain with a high loss floor that has reached its target stops gaining weight — unlike
 * reweighting by raw loss.
 *
 * @see <a href="https://arxiv.org/abs/2411.14318">Luo et al., Velocitune: A Velocity-based Dynamic
 *     Domain Reweighting Method for Continual Pre-training, ACL 2025</a>
 */
public final class VelocitunePolicy extends AbstractMixingPolicy {
  private static final System.Logger LOG = System.getLogger(VelocitunePolicy.class.getName());

  private final long updateEvery;
  private final double stepSize;
  private final double smoothing;
  private final double minWeight;
  private final double[] configuredInitial;
  private final double[] targets;

  private double[] initial;
  private double[] weights;
  private double[] velocity;
  private long[] firstZero;
  private long updates;

  private VelocitunePolicy(PolicyContext context, PolicyConfig config, double[] start,
      double[] configuredInitial, double[] targets) {
    super(Provider.NAME, context, config);
    this.updateEvery = config.get(Provider.UPDATE_EVERY);
    this.stepSize = config.get(Provider.STEP_SIZE);
    this.smoothing = config.get(Provider.SMOOTHING);
    this.minWeight = config.get(Provider.MIN_WEIGHT);
    if (minWeight * start.length > 1) {
      throw new IllegalArgumentException("config key 'minWeight' of policy 'velocitune' must be "
          + "at most 1/" + start.length + " with " + start.length + " domains, got " + minWeight);
    }
    this.configuredInitial = configuredInitial;
    this.targets = targets;
    this.initial = configuredInitial == null ? null : configuredInitial.clone();
    this.weights = start.clone();
    this.velocity = new double[start.length];
    java.util.Arrays.fill(velocity, 1.0);
    this.firstZero = new long[start.length];
    java.util.Arrays.fill(firstZero, -1);
  }

  @Override
  public Set<SignalKind> possibleSignals() {
    return Set.of(SignalKind.HELD_OUT_LOSS);
  }

  @Override
  protected SignalRequest requestSignals(long step) {
    boolean needInitial = initial == null;
    return needInitial || (step > 0 && step % updateEvery == 0)
        ? SignalRequest.of(SignalKind.HELD_OUT_LOSS) : SignalRequest.none();
  }

  @Override
  protected void onObservation(Observation o) {
    if (!(o instanceof Observation.HeldOutLoss h)) {
      return;
    }
    if (initial == null) {
      initial = h.loss().toArray();
      for (int i = 0; i < initial.length; i++) {
        if (Double.isNaN(initial[i])) {
          LOG.log(Level.WARNING, "Velocitune: no initial held-out loss for domain '"
              + domainNames().get(i) + "'; its velocity stays 0 until one is measured");
        } else if (initial[i] <= targets[i]) {
          LOG.log(Level.WARNING, String.format(Locale.ROOT, "Velocitune: domain '%s' starts at "
              + "loss %.4f <= its target %.4f: no gap to close, velocity 0", domainNames().get(i),
              initial[i], targets[i]));
        }
      }
      return;
    }
    if (o.step() == 0 || o.step() % updateEvery != 0) {
      return;
    }
    double[] v = velocities(h.loss().toArray());
    double[] w = new double[weights.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = weights[i] * Math.exp(stepSize * v[i]);
    }
    w = Mixtures.withFloor(w, minWeight);
    if (smoothing > 0) {
      for (int i = 0; i < w.length; i++) {
        w[i] = smoothing * weights[i] + (1 - smoothing) * w[i];
      }
    }
    weights = w;
    velocity = v;
    for (int i = 0; i < v.length; i++) {
      if (v[i] == 0 && firstZero[i] < 0) {
        firstZero[i] = o.step();
      }
    }
    updates++;
  }

  /**
   * The domains whose velocity first reached 0 at {@code step}: their loss is at or below the
   * target, so from then on their weight only decays (unless the loss rises again).
   */
  @Override
  public List<String> stepNotices(long step) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < firstZero.length; i++) {
      if (firstZero[i] == step) {
        out.add(String.format(Locale.ROOT, "velocitune: domain '%s' reached velocity 0 at step "
            + "%d (loss at or below its target %.4f); %d of %d domains are at 0 now",
            domainNames().get(i), step, targets[i], zeroNow(), firstZero.length));
      }
    }
    return out;
  }

  private int zeroNow() {
    int n = 0;
    for (double v : velocity) {
      n += v == 0 ? 1 : 0;
    }
    return n;
  }

  /** The step at which each domain's velocity first reached 0, or -1 (not yet). */
  public long[] firstZeroVelocitySteps() {
    return firstZero.clone();
  }

  private double[] velocities(double[] loss) {
    double[] v = velocity.clone();
    for (int i = 0; i < v.length; i++) {
      if (Double.isNaN(initial[i])) {
        if (!Double.isNaN(loss[i])) {
          initial[i] = loss[i];
        }
        v[i] = 0;
        continue;
      }
      if (Double.isNaN(loss[i])) {
        LOG.log(Level.WARNING, "Velocitune: held-out loss of domain '" + domainNames().get(i)
            + "' not measured at this update; it keeps velocity " + v[i]);
        continue;
      }
      double gap = initial[i] - targets[i];
      v[i] = gap <= 0 ? 0 : Math.max(0, Math.min(1, (loss[i] - targets[i]) / gap));
    }
    return v;
  }

  /** The velocity of each domain at the last update (1 before the first). */
  public double[] velocities() {
    return velocity.clone();
  }

  /** The target loss of each domain. */
  public double[] targets() {
    return targets.clone();
  }

  /** The initial loss of each domain, or null before it was measured. */
  public double[] initialLosses() {
    return initial == null ? null : initial.clone();
  }

  @Override
  protected Mixture currentMixture(long step) {
    return Mixture.normalise(domainNames(), weights);
  }

  @Override
  protected void writeState(ObjectNode state) {
    state.set("weights", Json.doubles(weights));
    state.set("velocity", Json.doubles(velocity));
    if (initial != null) {
      state.set("initial", Json.doubles(initial));
    }
    state.put("updates", updates);
    ArrayNode zero = state.putArray("firstZero");
    for (long z : firstZero) {
      zero.add(z);
    }
  }

  @Override
  protected void readState(StateReader state) {
    double[] w = state.getDoubles("weights", domainCount());
    double[] v = state.getDoubles("velocity", domainCount());
    double[] init = state.node().has("initial") ? state.getDoubles("initial", domainCount())
        : configuredInitial == null ? null : configuredInitial.clone();
    long u = state.getLong("updates");
    long[] z;
    if (state.node().has("firstZero")) {
      z = state.getLongs("firstZero", domainCount());
    } else { // a state written before the field existed: no domain had reached 0 by record
      z = new long[domainCount()];
      java.util.Arrays.fill(z, -1);
    }
    firstZero = z;
    weights = w;
    velocity = v;
    initial = init;
    updates = u;
  }

  /** {@code velocitune}: the registered provider. */
  public static final class Provider extends MixingPolicyProvider.Defined {
    static final String NAME = "velocitune";
    static final ConfigKey<Long> UPDATE_EVERY = ConfigKey.integer("updateEvery", 50L,
        "m: steps between held-out evaluations and weight updates (not stated in the paper)",
        v -> v > 0, "> 0");
    static final ConfigKey<String> INITIAL_WEIGHTS = ConfigKey.choice("initialWeights",
        "proportional", "the starting mix: proportional to tokens (the paper) or uniform",
        "proportional", "uniform");
    static final ConfigKey<Map<String, Double>> INITIAL_LOSSES = ConfigKey.custom(
        "initialLosses", "object of domain -> number", Map.of(),
        "held-out loss of the starting model per domain; empty = measured at the first step",
        n -> n.isObject() && n.isEmpty() ? Map.of() : WeightsConfig.read(n),
        WeightsConfig::write);
    static final ConfigKey<Map<String, Double>> TARGET_LOSSES = ConfigKey.custom("targetLosses",
        "object of domain -> number", Map.of(),
        "target loss per domain, given directly (instead of fits)",
        n -> n.isObject() && n.isEmpty() ? Map.of() : WeightsConfig.read(n),
        WeightsConfig::write);
    static final ConfigKey<JsonNode> FITS = ConfigKey.custom("fits",
        "object of domain -> {irreducible, amplitude, exponent}", Json.object(),
        "per-domain scaling-law fits L(D) = E + B/D^β of a proxy run (instead of targetLosses)",
        Provider::readFits, n -> n);
    static final ConfigKey<Double> TOKEN_BUDGET = ConfigKey.number("tokenBudget", 0.0,
        "tokens of the planned run that the fits are extrapolated to; 0 = totalSteps × "
            + "blocksPerStep × tokens per block", v -> v >= 0, ">= 0");
    static final ConfigKey<Double> STEP_SIZE = ConfigKey.number("stepSize", 1.0,
        "η in w ← w·exp(η·V); the paper uses 1", v -> v > 0, "> 0");
    static final ConfigKey<Double> SMOOTHING = ConfigKey.number("weightSmoothing", 0.0,
        "EMA of weights across updates (0 = none, as in the paper)", v -> v >= 0 && v < 1,
        "in [0, 1)");
    static final ConfigKey<Double> MIN_WEIGHT = ConfigKey.number("minWeight", 0.0,
        "floor on every domain's weight after an update (the others keep their proportions); at "
            + "most 1/K", v -> v >= 0 && v < 1, "in [0, 1)");

    private static JsonNode readFits(JsonNode n) {
      if (!n.isObject()) {
        throw new IllegalArgumentException("must be an object of domain -> fit");
      }
      n.fields().forEachRemaining(e -> {
        for (String k : List.of("irreducible", "amplitude", "exponent")) {
          if (!e.getValue().path(k).isNumber()) {
            throw new IllegalArgumentException("fit of domain '" + e.getKey()
                + "' needs a number '" + k + "'");
          }
        }
      });
      return n.deepCopy();
    }


    private static double[] values(String key, Map<String, Double> map, List<String> names) {
      List<String> unknown = new ArrayList<>(map.keySet());
      unknown.removeAll(names);
      if (!unknown.isEmpty()) {
        throw new IllegalArgumentException("config key '" + key + "' names unknown domain '"
            + unknown.get(0) + "'; domains: " + names);
      }
      double[] v = new double[names.size()];
      for (int i = 0; i < v.length; i++) {
        Double x = map.get(names.get(i));
        if (x == null) {
          throw new IllegalArgumentException(
              "config key '" + key + "' has no value for domain '" + names.get(i) + "'");
        }
        v[i] = x;
      }
      return v;
    }

    /** Registered through {@code META-INF/services}. */
    public Provider() {
      super(NAME,
          "Velocitune (Luo et al., ACL 2025): up-weights domains learning slowly relative to "
          + "their attainable gain, from held-out losses and scaling-law targets.",
          List.of(UPDATE_EVERY, INITIAL_WEIGHTS, INITIAL_LOSSES, TARGET_LOSSES, FITS, TOKEN_BUDGET,
              STEP_SIZE, SMOOTHING, MIN_WEIGHT), Provider::make);
    }

    private static MixingPolicy make(String name, PolicyContext context,
        PolicyConfig config) {
      List<String> names = context.domainNames();
      Mixture start = config.get(INITIAL_WEIGHTS).equals("uniform") ? Mixture.uniform(names)
          : Mixtures.proportionalToTokens(context.domains());
      Map<String, Double> given = config.get(TARGET_LOSSES);
      JsonNode fits = config.get(FITS);
      if (given.isEmpty() == fits.isEmpty()) {
        throw new IllegalArgumentException("velocitune needs exactly one of config keys "
            + "'targetLosses' and 'fits', got " + (given.isEmpty() ? "neither" : "both"));
      }
      double[] targets = new double[names.size()];
      if (!given.isEmpty()) {
        targets = values("targetLosses", given, names);
      } else {
        double budget = config.get(TOKEN_BUDGET);
        if (budget == 0) {
          Domain d0 = context.domains().get(0);
          budget = (double) context.totalSteps() * context.blocksPerStep()
              * ((double) d0.tokens() / d0.blocks());
          if (budget == 0) {
            throw new IllegalArgumentException("config key 'tokenBudget' is needed with 'fits' "
                + "when the run's totalSteps and blocksPerStep are unknown");
          }
        }
        Map<String, DataScalingFit> parsed = ProxyFit.fromJson(fits);
        for (int i = 0; i < names.size(); i++) {
          DataScalingFit f = parsed.get(names.get(i));
          if (f == null) {
            throw new IllegalArgumentException("config key 'fits' has no fit for domain '"
                + names.get(i) + "'");
          }
          targets[i] = f.predict(Math.max(1, budget * start.weight(i)));
        }
      }
      Map<String, Double> init = config.get(INITIAL_LOSSES);
      double[] initial = init.isEmpty() ? null : values("initialLosses", init, names);
      return new VelocitunePolicy(context, config, start.toArray(), initial, targets);
    }
  }

  /**
   * With {@code fits} and {@code tokenBudget} 0, every target is a fit extrapolated to the planned
   * run's tokens, so another number of steps moves every target and every velocity already
   * taken; with {@code targetLosses}, or an explicit {@code tokenBudget}, nothing depends on it.
   */
  @Override
  public Horizon horizon() {
    if (!config().get(Provider.FITS).isEmpty() && config().get(Provider.TOKEN_BUDGET) == 0) {
      return Horizon.dependsOn("velocitune's targets are its fits extrapolated to the planned "
          + "run's tokens (tokenBudget 0 = totalSteps x blocksPerStep x tokens per block), so "
          + "other steps would move every target and every velocity already taken; set "
          + "tokenBudget explicitly to make the run extendable", "tokenBudget");
    }
    return Horizon.independent();
  }
}
