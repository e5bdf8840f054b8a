package dev.datamix.odm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.mixture.Mixture;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.policy.PolicyContext;
import dev.datamix.policy.PolicyRegistry;
import dev.datamix.run.DataMixer;
import dev.datamix.sampler.SamplerOptions;
import dev.datamix.signal.DoubleVector;
import dev.datamix.signal.Observation;
import dev.datamix.signal.SignalKind;
import dev.datamix.sim.SimulatedLearner;
import dev.datamix.sim.Simulation;
import dev.datamix.testkit.MixingPolicyContractTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class OdmPolicyTest {
  static final PolicyRegistry REGISTRY = PolicyRegistry.load();

  @Nested
  class Contract extends MixingPolicyContractTest {
    @Override
    protected MixingPolicy newPolicy(PolicyContext c) {
      return REGISTRY.create("odm", c, Map.of("warmupSteps", 10));
    }
  }

  static List<Simulation.StepRecord> run(long steps, Map<String, ?> config) {
    SimulatedLearner learner = SimulatedLearner.demo(5);
    DataMixer mixer = new DataMixer(REGISTRY.create("odm",
        new PolicyContext(learner.domains(), 5, steps, 32), config), SamplerOptions.seed(5));
    return new Simulation(mixer, learner, 32).run(steps);
  }

  static double entropy(Mixture m) {
    double h = 0;
    for (int i = 0; i < m.size(); i++) {
      h -= m.weight(i) > 0 ? m.weight(i) * Math.log(m.weight(i)) : 0;
    }
    return h;
  }

  /**
   * Measured on the demo learner, 2,000 steps after 20 warm-up steps: π starts uniform (the
   * first bandit step), then leans toward the domains whose training loss stays
   * high: {@code noisy} (floor 3.5 nats) leads at every step from 40 on, {@code hard} is second,
   * {@code easy} (lowest loss) last. The lean is mild and fades: noisy 0.232 at step 200, 0.218 at
   * step 2,000, entropy never below 1.603 (ln 5 = 1.609), because the reward {@code L/π} rises as
   * a domain's {@code π} falls and the softmax temperature {@code ε_{t−1}} shrinks as {@code
   * 1/√t}. docs/policies/odm.md reports this.
   */
  @Test
  void exploresThenLeansTowardTheDomainsWhoseLossStaysHigh() {
    List<Simulation.StepRecord> r = run(2000, Map.of("warmupSteps", 20));
    Mixture proportional = r.get(0).mixture();
    for (int t = 0; t < 20; t++) {
      assertEquals(proportional, r.get(t).mixture(), "warm-up step " + t);
    }
    assertEquals(Mixture.uniform(proportional.names()), r.get(20).mixture(),
        "the bandit starts uniform");
    for (int t = 40; t < 2000; t += 40) {
      Mixture m = r.get(t).mixture();
      for (String d : m.names()) {
        assertTrue(d.equals("noisy") || m.weight(d) < m.weight("noisy"), "step " + t + ": " + m);
      }
      assertTrue(m.weight("hard") > m.weight("easy"), "step " + t + ": " + m);
      assertTrue(entropy(m) > 1.60, "step " + t + ": " + m);
    }
    assertTrue(r.get(200).mixture().weight("noisy") > 0.225, "lean at step 200");
    assertTrue(r.get(1999).mixture().weight("noisy") < r.get(200).mixture().weight("noisy"),
        "the lean fades as ε shrinks");
  }

  @Test
  void oneUpdateIsTheExp3StepWithTheImportanceWeightedReward() {
    SimulatedLearner learner = SimulatedLearner.demo(1);
    MixingPolicy p = REGISTRY.create("odm", PolicyContext.of(learner.domains(), 1),
        Map.of("smoothing", 0.5));
    assertEquals(Mixture.uniform(p.mixture(0).names()), p.mixture(0), "π starts uniform");
    assertTrue(p.signalsFor(0).contains(SignalKind.TRAINING_LOSS));
    double nan = Double.NaN;
    p.observe(new Observation.TrainingLoss(0, DoubleVector.of(2.0, 1.0, nan, 3.0, 1.5),
        DoubleVector.of(4, 2, 0, 1, 1)));
    int k = 5;
    double eps1 = Math.min(1.0 / k, Math.sqrt(Math.log(k) / k));
    double[] reward = {0.5 * 2.0 / 0.2, 0.5 * 1.0 / 0.2, 0, 0.5 * 3.0 / 0.2, 0.5 * 1.5 / 0.2};
    double sum = 0;
    for (double r : reward) {
      sum += Math.exp(0.2 * r);
    }
    Mixture pi = p.mixture(1);
    for (int i = 0; i < k; i++) {
      assertEquals((1 - k * eps1) * Math.exp(0.2 * reward[i]) / sum + eps1, pi.weight(i), 1e-12,
          "domain " + i);
    }
    assertEquals(eps1, ((OdmPolicy) p).exploration(), 0.0);
  }
}
