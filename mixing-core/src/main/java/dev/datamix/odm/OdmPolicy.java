package dev.datamix.odm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.config.ConfigKey;
import dev.datamix.config.PolicyConfig;
import dev.datamix.mixture.Mixture;
import dev.datamix.mixture.MixtureChoice;
import dev.datamix.policy.AbstractMixingPolicy;
import dev.datamix.policy.Horizon;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.policy.MixingPolicyProvider;
import dev.datamix.policy.PolicyContext;
import dev.datamix.signal.Observation;
import dev.datamix.signal.SignalKind;
import dev.datamix.signal.SignalRequest;
import dev.datamix.state.Json;
import dev.datamix.state.StateReader;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * ODM: online data mixing as a multi-armed bandit. Each domain is an arm of EXP3; its reward is
 * the domain's mean training loss in the batch, importance-weighted by the probability it was
 * drawn with and smoothed: {@code R̂_i ← γ·R̂_i + (1 − γ)·L_i/π_i} for the domains in the batch.
 * After every step {@code t} (counted from 1), {@code ε_t = min(1/K, √(ln K/(K·t)))} and {@code
 * π_i = (1 − K·ε_t)·softmax(ε_{t−1}·R̂)_i + ε_t}. Before {@code warmupSteps} the batches come from
 * the warm-up mix and nothing is updated. The signal is the training loss, which costs nothing
 * (docs/algorithms.md §6.2).
 *
 * <p>π starts uniform ({@code ε_0 = 1/K}: the paper's Algorithm 1), and the smoothing {@code γ =
 * 0.9} is the reference code's ({@code megatron/data/data_sampling_utils.py}, {@code
 * SmoothedMeanWeightUpdater}, line 460). That class smooths {@code exp(L)} without the
 * importance weight (lines 480 and 511); datamix follows the paper's importance-weighted reward,
 * as the paper's Algorithm 1 and the reference's {@code Exp3WeightUpdater} (lines 386 and 430)
 * do.
 *
 * @see <a href="https://arxiv.org/abs/2312.02406">Albalak et al., Efficient Online Data Mixing
 *     For Language Model Pre-Training, 2023</a>
 */
public final class OdmPolicy extends AbstractMixingPolicy {
  private final double smoothing;
  private final long warmupSteps;
  private final double[] warmup;

  private double[] reward;
  private double[] pi;
  private double epsilon;
  private long updates;

  private OdmPolicy(PolicyContext context, PolicyConfig config, double[] warmup) {
    super(Provider.NAME, context, config);
    this.smoothing = config.get(Provider.SMOOTHING);
    this.warmupSteps = config.get(Provider.WARMUP_STEPS);
    this.warmup = warmup;
    int k = warmup.length;
    this.reward = new double[k];
    this.pi = new double[k];
    Arrays.fill(pi, 1.0 / k);
    this.epsilon = 1.0 / k;
  }

  @Override
  public Set<SignalKind> possibleSignals() {
    return Set.of(SignalKind.TRAINING_LOSS);
  }

  @Override
  protected SignalRequest requestSignals(long step) {
    return step >= warmupSteps ? SignalRequest.of(SignalKind.TRAINING_LOSS) : SignalRequest.none();
  }

  @Override
  protected void onObservation(Observation o) {
    if (!(o instanceof Observation.TrainingLoss t) || o.step() < warmupSteps) {
      return;
    }
    int k = pi.length;
    long iteration = o.step() + 1;
    double previous = epsilon;
    double next = Math.min(1.0 / k, Math.sqrt(Math.log(k) / (k * (double) iteration)));
    double[] r = reward.clone();
    for (int i = 0; i < k; i++) {
      double loss = t.loss().get(i);
      if (t.blocks().get(i) > 0 && !Double.isNaN(loss) && pi[i] > 0) {
        r[i] = smoothing * r[i] + (1 - smoothing) * loss / pi[i];
      }
    }
    double max = Double.NEGATIVE_INFINITY;
    for (double v : r) {
      max = Math.max(max, previous * v);
    }
    double sum = 0;
    double[] e = new double[k];
    for (int i = 0; i < k; i++) {
      e[i] = Math.exp(previous * r[i] - max);
      sum += e[i];
    }
    double[] p = new double[k];
    for (int i = 0; i < k; i++) {
      p[i] = (1 - k * next) * e[i] / sum + next;
    }
    reward = r;
    pi = p;
    epsilon = next;
    updates++;
  }

  @Override
  protected Mixture currentMixture(long step) {
    return Mixture.normalise(domainNames(), step < warmupSteps ? warmup : pi);
  }

  /** The smoothed importance-weighted rewards {@code R̂}. */
  public double[] rewards() {
    return reward.clone();
  }

  /** The exploration rate of the last update ({@code 1/K} before the first). */
  public double exploration() {
    return epsilon;
  }

  @Override
  public Horizon horizon() {
    return Horizon.independent();
  }

  @Override
  protected void writeState(ObjectNode state) {
    state.set("reward", Json.doubles(reward));
    state.set("pi", Json.doubles(pi));
    state.put("epsilon", epsilon);
    state.put("updates", updates);
  }

  @Override
  protected void readState(StateReader state) {
    double[] r = state.getDoubles("reward", domainCount());
    double[] p = state.getDoubles("pi", domainCount());
    double e = state.getDouble("epsilon");
    long u = state.getLong("updates");
    reward = r;
    pi = p;
    epsilon = e;
    updates = u;
  }

  /** {@code odm}: the registered provider. */
  public static final class Provider extends MixingPolicyProvider.Defined {
    static final String NAME = "odm";
    static final ConfigKey<Double> SMOOTHING = ConfigKey.number("smoothing", 0.9,
        "γ in R̂ ← γ·R̂ + (1 − γ)·L/π (the reference code's smoothing_factor)",
        v -> v >= 0 && v < 1, "in [0, 1)");
    static final ConfigKey<Long> WARMUP_STEPS = ConfigKey.integer("warmupSteps", 0L,
        "steps drawn from warmupWeights before the bandit starts (the reference default: 0)",
        v -> v >= 0, ">= 0");
    static final ConfigKey<JsonNode> WARMUP_WEIGHTS = MixtureChoice.key("warmupWeights",
        "proportional", "the mix of the warm-up steps (the reference samples the whole data "
            + "set uniformly: proportional)");

    /** Registered through {@code META-INF/services}. */
    public Provider() {
      super(NAME, "ODM (Albalak et al., 2023): EXP3 over domains rewarded with their smoothed, "
          + "importance-weighted training loss.",
          List.of(SMOOTHING, WARMUP_STEPS, WARMUP_WEIGHTS), Provider::make);
    }

    private static MixingPolicy make(String name, PolicyContext context, PolicyConfig config) {
      Mixture w = MixtureChoice.resolve("warmupWeights", config.get(WARMUP_WEIGHTS),
          context.domains());
      return new OdmPolicy(context, config, w.toArray());
    }
  }
}
