package dev.datamix.doremi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.config.ConfigKey;
import dev.datamix.config.PolicyConfig;
import dev.datamix.mixture.LossWeights;
import dev.datamix.mixture.Mixture;
import dev.datamix.mixture.MixtureChoice;
import dev.datamix.policy.AbstractMixingPolicy;
import dev.datamix.policy.Horizon;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.policy.MixingPolicyProvider;
import dev.datamix.policy.PolicyContext;
import dev.datamix.signal.Observation;
import dev.datamix.signal.ReferenceLosses;
import dev.datamix.signal.SignalKind;
import dev.datamix.signal.SignalRequest;
import dev.datamix.state.Json;
import dev.datamix.state.StateReader;
import java.util.List;
import java.util.Set;

/**
 * DoReMi's proxy stage: Group DRO over domains. At every step, each domain's excess loss over a
 * frozen reference model, {@code λ_i = mean over domain i's tokens in the batch of max(ℓ_proxy −
 * ℓ_ref, 0)}, moves the domain weights {@code α ← normalise(α ⊙ exp(η·λ))}, then {@code α ← (1 −
 * c)·α + c/K}. The proxy trains on the α-weighted loss ({@link #lossWeights}: {@code u_i = α_i /
 * p_i}) over batches drawn from the reference weights {@code p} (or, with {@code sampling:
 * "alpha"}, on batches resampled from α with the plain loss). The output of the stage is the
 * average of α over the proxy's steps ({@link #averageWeights()}), used as the main run's static
 * mix (docs/algorithms.md §6.1; {@code DoReMiWorkflow} runs the three stages).
 *
 * <p>A domain absent from a batch keeps its last excess, as the reference code does ({@code
 * doremi/trainer.py} lines 251–255). The weights of step {@code t} come from the excess of steps
 * before {@code t}: the reference applies step {@code t}'s own excess before its backward pass
 * (lines 297–363), which a trainer that measures after the step cannot; a one-step lag.
 *
 * @see <a href="https://arxiv.org/abs/2305.10429">Xie et al., DoReMi: Optimizing Data Mixtures
 *     Speeds Up Language Model Pretraining, NeurIPS 2023</a>
 */
public final class DoReMiPolicy extends AbstractMixingPolicy {
  private final double stepSize;
  private final double smoothing;
  private final boolean resample;
  private final double[] reference;

  private double[] alpha;
  private double[] average;
  private double[] excess;
  private long updates;
  private long blockLevelUpdates;

  private DoReMiPolicy(PolicyContext context, PolicyConfig config, double[] reference) {
    super(Provider.NAME, context, config);
    this.stepSize = config.get(Provider.STEP_SIZE);
    this.smoothing = config.get(Provider.SMOOTHING);
    this.resample = config.get(Provider.SAMPLING).equals("alpha");
    this.reference = reference;
    this.alpha = reference.clone();
    this.average = reference.clone();
    this.excess = new double[reference.length];
    java.util.Arrays.fill(excess, config.get(Provider.INITIAL_EXCESS));
    this.updates = 1; // the average starts with the initial weights (doremi/train.py line 274)
  }

  @Override
  public Set<SignalKind> possibleSignals() {
    return Set.of(SignalKind.REFERENCE_LOSS);
  }

  @Override
  protected SignalRequest requestSignals(long step) {
    return SignalRequest.builder().referenceLosses().build();
  }

  @Override
  protected void onObservation(Observation o) {
    if (!(o instanceof ReferenceLosses r)) {
      return;
    }
    double[] measured = r.meanExcessPerDomain(domainCount());
    boolean any = false;
    double[] scores = excess.clone();
    for (int i = 0; i < scores.length; i++) {
      if (!Double.isNaN(measured[i])) {
        scores[i] = measured[i];
        any = true;
      }
    }
    if (!any) {
      return; // nothing measured: no evidence to move the weights with
    }
    int k = alpha.length;
    double[] log = new double[k];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < k; i++) {
      log[i] = alpha[i] > 0 ? Math.log(alpha[i]) + stepSize * scores[i] : Double.NEGATIVE_INFINITY;
      max = Math.max(max, log[i]);
    }
    double sum = 0;
    for (int i = 0; i < k; i++) {
      sum += Math.exp(log[i] - max);
    }
    double[] next = new double[k];
    for (int i = 0; i < k; i++) {
      next[i] = (1 - smoothing) * Math.exp(log[i] - max) / sum + smoothing / k;
    }
    updates++;
    for (int i = 0; i < k; i++) {
      average[i] += (next[i] - average[i]) / updates;
    }
    alpha = next;
    excess = scores;
    if (!r.tokenLevel()) {
      blockLevelUpdates++;
    }
  }

  @Override
  protected Mixture currentMixture(long step) {
    return Mixture.normalise(domainNames(), resample ? alpha : reference);
  }

  /**
   * {@code α_i / p_i} on batches drawn from the reference weights {@code p} (0 for a domain with
   * {@code p_i = 0}, which is never drawn); the plain mean when resampling from α.
   */
  @Override
  public LossWeights lossWeights(long step) {
    if (resample) {
      return LossWeights.none();
    }
    double[] u = new double[alpha.length];
    for (int i = 0; i < u.length; i++) {
      u[i] = reference[i] > 0 ? alpha[i] / reference[i] : 0;
    }
    return LossWeights.of(domainNames(), u);
  }

  /** The current domain weights α. */
  public Mixture weights() {
    return Mixture.normalise(domainNames(), alpha);
  }

  /** The average of α over the initial weights and every update: the stage's output. */
  public Mixture averageWeights() {
    return Mixture.normalise(domainNames(), average);
  }

  /** Each domain's last excess loss (nats), the Group DRO score. */
  public double[] excessLosses() {
    return excess.clone();
  }

  /** How many updates used per-block rather than per-token clipping (a precomputed table). */
  public long blockLevelUpdates() {
    return blockLevelUpdates;
  }

  /** The main run's policy spec: {@code explicit} at {@link #averageWeights()}. */
  public ObjectNode outputSpec() {
    ObjectNode spec = Json.object();
    spec.put("policy", "explicit");
    ObjectNode w = spec.putObject("config").putObject("weights");
    Mixture avg = averageWeights();
    for (int i = 0; i < avg.size(); i++) {
      w.put(avg.names().get(i), avg.weight(i));
    }
    return spec;
  }

  @Override
  public Horizon horizon() {
    return Horizon.independent();
  }

  @Override
  protected void writeState(ObjectNode state) {
    state.set("alpha", Json.doubles(alpha));
    state.set("average", Json.doubles(average));
    state.set("excess", Json.doubles(excess));
    state.put("updates", updates);
    state.put("blockLevelUpdates", blockLevelUpdates);
  }

  @Override
  protected void readState(StateReader state) {
    double[] a = state.getDoubles("alpha", domainCount());
    double[] avg = state.getDoubles("average", domainCount());
    double[] x = state.getDoubles("excess", domainCount());
    long u = state.getLong("updates");
    long b = state.getLong("blockLevelUpdates");
    alpha = a;
    average = avg;
    excess = x;
    updates = u;
    blockLevelUpdates = b;
  }

  /** {@code doremi}: the registered provider. */
  public static final class Provider extends MixingPolicyProvider.Defined {
    static final String NAME = "doremi";
    static final ConfigKey<JsonNode> REFERENCE = MixtureChoice.key("referenceWeights", "uniform",
        "p: the reference weights, α's start and (sampling \"reference\") the proxy's batches; "
            + "the paper's default is uniform");
    static final ConfigKey<Double> STEP_SIZE = ConfigKey.number("stepSize", 1.0,
        "η in α ← α·exp(η·λ) (the paper: 1)", v -> v > 0, "> 0");
    static final ConfigKey<Double> SMOOTHING = ConfigKey.number("smoothing", 1e-3,
        "c in α ← (1 − c)·α + c/K (the paper: 1e-3)", v -> v >= 0 && v <= 1, "in [0, 1]");
    static final ConfigKey<String> SAMPLING = ConfigKey.choice("sampling", "reference",
        "\"reference\": batches from p with the α/p-weighted loss (the paper); \"alpha\": "
            + "batches resampled from α with the plain loss", "reference", "alpha");
    static final ConfigKey<Double> INITIAL_EXCESS = ConfigKey.number("initialExcess", 0.0,
        "the excess a domain counts before it was first in a batch (the reference code: ln of "
            + "the vocabulary size)", v -> v >= 0 && v < Double.POSITIVE_INFINITY, ">= 0");

    /** Registered through {@code META-INF/services}. */
    public Provider() {
      super(NAME, "DoReMi (Xie et al., NeurIPS 2023): Group DRO on a proxy against a reference "
          + "model's losses; its averaged weights are the main run's mix.",
          List.of(REFERENCE, STEP_SIZE, SMOOTHING, SAMPLING, INITIAL_EXCESS), Provider::make);
    }

    private static MixingPolicy make(String name, PolicyContext context, PolicyConfig config) {
      Mixture p = MixtureChoice.resolve("referenceWeights", config.get(REFERENCE),
          context.domains());
      return new DoReMiPolicy(context, config, p.toArray());
    }
  }
}
