package dev.datamix.djl.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.config.ConfigSchema;
import dev.datamix.config.PolicyConfig;
import dev.datamix.mixture.Mixture;
import dev.datamix.policy.AbstractMixingPolicy;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.policy.MixingPolicyProvider;
import dev.datamix.policy.PolicyContext;
import dev.datamix.signal.BlockLosses;
import dev.datamix.signal.Observation;
import dev.datamix.signal.SignalKind;
import dev.datamix.signal.SignalRequest;
import dev.datamix.state.Json;
import dev.datamix.state.StateReader;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A test policy that asks for every signal on a fixed cadence, records what it receives, and
 * moves its weights as a deterministic function of the held-out losses — so trainer tests
 * exercise every signal path and an adaptive, stateful resume.
 */
final class AllSignalsPolicy extends AbstractMixingPolicy {
  static final String NAME = "all-signals";
  final List<Observation> received = new ArrayList<>();
  private double[] weights;

  AllSignalsPolicy(PolicyContext c, PolicyConfig config) {
    super(NAME, c, config);
    weights = new double[c.size()];
    java.util.Arrays.fill(weights, 1.0 / c.size());
  }

  @Override
  public Set<SignalKind> possibleSignals() {
    return EnumSet.of(SignalKind.HELD_OUT_LOSS, SignalKind.TRAINING_LOSS,
        SignalKind.BLOCK_LOSSES, SignalKind.GRADIENT_ALIGNMENT);
  }

  @Override
  protected SignalRequest requestSignals(long step) {
    SignalRequest.Builder b = SignalRequest.builder().trainingLoss().blockLosses();
    if (step % 5 == 0) {
      b.heldOutLoss();
    }
    if (step % 7 == 3) {
      List<Mixture> probes = new ArrayList<>();
      for (String n : domainNames()) {
        probes.add(Mixture.oneHot(domainNames(), n));
      }
      b.alignment(probes, step % 14 == 3);
    }
    return b.build();
  }

  @Override
  protected void onObservation(Observation o) {
    received.add(o);
    if (o instanceof Observation.HeldOutLoss h) {
      double[] w = new double[weights.length];
      for (int i = 0; i < w.length; i++) {
        double l = h.loss().isMissing(i) ? 0 : h.loss().get(i);
        w[i] = weights[i] * Math.exp(0.3 * l);
      }
      weights = Mixture.normalise(domainNames(), w).toArray();
    } else if (o instanceof BlockLosses b) {
      if (b.size() == 0) {
        throw new IllegalStateException("empty block losses");
      }
    }
  }

  @Override
  protected Mixture currentMixture(long step) {
    return Mixture.normalise(domainNames(), weights);
  }

  @Override
  protected void writeState(ObjectNode state) {
    state.set("weights", Json.doubles(weights));
  }

  @Override
  protected void readState(StateReader state) {
    weights = state.getDoubles("weights", domainCount());
  }

  /** Its provider. */
  static final class Provider implements MixingPolicyProvider {
    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String description() {
      return "test policy asking for every signal";
    }

    @Override
    public ConfigSchema configSchema() {
      return ConfigSchema.of(NAME, List.of());
    }

    @Override
    public MixingPolicy create(PolicyContext context, PolicyConfig config) {
      last = new AllSignalsPolicy(context, config);
      return last;
    }

    AllSignalsPolicy last;
  }
}
