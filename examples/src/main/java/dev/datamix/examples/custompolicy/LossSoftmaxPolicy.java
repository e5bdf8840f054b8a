package dev.datamix.examples.custompolicy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.config.ConfigKey;
import dev.datamix.config.ConfigSchema;
import dev.datamix.config.PolicyConfig;
import dev.datamix.mixture.Mixture;
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
import java.util.List;
import java.util.Set;

/**
 * An example policy written against the SPI: it keeps a moving average of each domain's training
 * loss and samples domains with weights {@code softmax(loss / temperature)}, so the domains the
 * model finds hardest get more data. (A loss-greedy heuristic for illustration: it pours weight
 * into domains with high irreducible loss, which is why Velocitune measures progress toward a
 * target instead.) Registered through {@code
 * META-INF/services/dev.datamix.policy.MixingPolicyProvider} as {@code example-loss-softmax}.
 */
public final class LossSoftmaxPolicy extends AbstractMixingPolicy {
  static final ConfigKey<Double> TEMPERATURE = ConfigKey.number("temperature", 0.5,
      "softmax temperature over the averaged losses (nats)", v -> v > 0, "> 0");
  static final ConfigKey<Double> DECAY = ConfigKey.number("decay", 0.9,
      "weight of the old average in the moving average of training losses", v -> v >= 0 && v < 1,
      "in [0, 1)");
  static final ConfigSchema SCHEMA = ConfigSchema.of("example-loss-softmax",
      List.of(TEMPERATURE, DECAY));

  private final double temperature;
  private final double decay;
  /** Moving average of every domain's training loss (valid where measured). */
  private double[] average;
  /** Whether a domain's loss has been measured yet. */
  private boolean[] measured;

  LossSoftmaxPolicy(PolicyContext context, PolicyConfig config) {
    super("example-loss-softmax", context, config);
    this.temperature = config.get(TEMPERATURE);
    this.decay = config.get(DECAY);
    this.average = new double[domainCount()];
    this.measured = new boolean[domainCount()];
  }

  @Override
  public Set<SignalKind> possibleSignals() {
    return Set.of(SignalKind.TRAINING_LOSS);
  }

  @Override
  protected SignalRequest requestSignals(long step) {
    return SignalRequest.builder().trainingLoss().build();
  }

  @Override
  protected void onObservation(Observation observation) {
    if (observation instanceof Observation.TrainingLoss t) {
      for (int d = 0; d < average.length; d++) {
        double v = t.loss().get(d);
        if (!Double.isNaN(v)) { // NaN: the domain had no block in this batch
          average[d] = measured[d] ? decay * average[d] + (1 - decay) * v : v;
          measured[d] = true;
        }
      }
    }
  }

  @Override
  protected Mixture currentMixture(long step) {
    double max = 0;
    for (int d = 0; d < average.length; d++) {
      max = measured[d] ? Math.max(max, average[d]) : max;
    }
    double[] w = new double[average.length];
    for (int d = 0; d < w.length; d++) {
      // an unmeasured domain counts as the hardest seen so far, so it gets sampled
      double loss = measured[d] ? average[d] : max;
      w[d] = Math.exp((loss - max) / temperature);
    }
    return Mixture.normalise(domainNames(), w);
  }

  @Override
  protected void writeState(ObjectNode state) {
    state.set("average", Json.doubles(average));
    var m = state.putArray("measured");
    for (boolean b : measured) {
      m.add(b);
    }
  }

  @Override
  protected void readState(StateReader state) {
    double[] a = state.getDoubles("average", domainCount());
    var m = state.field("measured");
    if (!m.isArray() || m.size() != domainCount()) {
      throw new dev.datamix.state.IncompatibleStateException("state field 'measured' must be an "
          + "array of " + domainCount() + " booleans, found " + m);
    }
    boolean[] b = new boolean[domainCount()];
    for (int d = 0; d < b.length; d++) {
      b[d] = m.get(d).asBoolean();
    }
    average = a;
    measured = b;
  }

  /** The provider that {@code ServiceLoader} finds. */
  public static final class Provider implements MixingPolicyProvider {
    @Override
    public String name() {
      return "example-loss-softmax";
    }

    @Override
    public String description() {
      return "Example (examples/custom-policy): softmax of each domain's moving-average "
          + "training loss; shows how to write and register a policy.";
    }

    @Override
    public ConfigSchema configSchema() {
      return SCHEMA;
    }

    @Override
    public MixingPolicy create(PolicyContext context, PolicyConfig config) {
      return new LossSoftmaxPolicy(context, config);
    }
  }

  /** Never reads the planned number of steps, so a resumed run may be given more. */
  @Override
  public Horizon horizon() {
    return Horizon.independent();
  }
}
