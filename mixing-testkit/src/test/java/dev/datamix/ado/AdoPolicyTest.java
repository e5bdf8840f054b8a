package dev.datamix.ado;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.mixture.Mixture;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.policy.PolicyContext;
import dev.datamix.policy.PolicyRegistry;
import dev.datamix.run.DataMixer;
import dev.datamix.sampler.SamplerOptions;
import dev.datamix.sim.SimulatedLearner;
import dev.datamix.sim.Simulation;
import dev.datamix.testkit.MixingPolicyContractTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AdoPolicyTest {
  static final PolicyRegistry REGISTRY = PolicyRegistry.load();
  static final Map<String, Object> SHORT = Map.of("ignoreInitialSteps", 20, "startStep", 60,
      "refitEvery", 40, "subsampling", 2);

  @Nested
  class Contract extends MixingPolicyContractTest {
    @Override
    protected MixingPolicy newPolicy(PolicyContext c) {
      return REGISTRY.create("ado", c, SHORT);
    }

    @Override
    protected long steps() {
      return 160;
    }
  }

  static AdoPolicy run(long steps, Map<String, ?> config) {
    SimulatedLearner learner = SimulatedLearner.demo(9);
    DataMixer mixer = new DataMixer(REGISTRY.create("ado",
        new PolicyContext(learner.domains(), 9, steps, 32), config), SamplerOptions.seed(9));
    new Simulation(mixer, learner, 32).run(steps);
    return (AdoPolicy) mixer.policy();
  }

  /**
   * Measured on the demo learner, 600 steps from a uniform prior: speeds (−dL/dn) hard 1.5e-7,
   * related 1.3e-7, easy 8.3e-8, small 7.4e-8, noisy 2.6e-8, and weights easy 0.333, related
   * 0.292, hard 0.176, small 0.121, noisy 0.078. The slowest domain gets the least weight and the
   * rank correlation of weights with speeds is 0.6; {@code easy} leads because π follows π̄, the
   * average of ρ since the first fit, when easy was fastest.
   */
  @Test
  void movesWeightTowardTheDomainsWithTheFastestFittedLearningSpeed() {
    AdoPolicy p = run(600, Map.of("ignoreInitialSteps", 50, "startStep", 100, "refitEvery", 100,
        "subsampling", 2, "prior", "uniform"));
    double[] speed = p.learningSpeeds();
    Mixture m = p.mixture(600);
    int slowest = argMin(speed);
    assertEquals(slowest, argMin(m.toArray()), "slowest domain last: " + m);
    assertTrue(m.weight(slowest) < 0.5 / m.size(), "slowest under half of uniform: " + m);
    assertTrue(spearman(speed, m.toArray()) >= 0.5, "weights follow speeds: " + m + " "
        + java.util.Arrays.toString(speed));
  }

  static double spearman(double[] a, double[] b) {
    double[] ra = ranks(a);
    double[] rb = ranks(b);
    double d2 = 0;
    for (int i = 0; i < a.length; i++) {
      d2 += (ra[i] - rb[i]) * (ra[i] - rb[i]);
    }
    int n = a.length;
    return 1 - 6 * d2 / (n * (n * n - 1.0));
  }

  static double[] ranks(double[] v) {
    double[] r = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      for (double x : v) {
        r[i] += x < v[i] ? 1 : 0;
      }
    }
    return r;
  }

  @Test
  void theMixtureIsThePriorUntilStartStep() {
    SimulatedLearner learner = SimulatedLearner.demo(9);
    DataMixer mixer = new DataMixer(REGISTRY.create("ado",
        new PolicyContext(learner.domains(), 9, 100, 32), SHORT), SamplerOptions.seed(9));
    List<Simulation.StepRecord> r = new Simulation(mixer, learner, 32).run(100);
    Mixture prior = r.get(0).mixture();
    for (int t = 0; t < 60; t++) {
      assertEquals(prior, r.get(t).mixture(), "step " + t);
    }
    assertTrue(r.get(61).mixture().maxAbsDifference(prior) > 0, "moves after the first fit");
  }

  @Test
  void savitzkyGolayKeepsACubicExactly() {
    double[] y = new double[30];
    for (int i = 0; i < y.length; i++) {
      y[i] = 2 - 0.5 * i + 0.03 * i * i - 0.001 * i * i * i;
    }
    double[] s = SavitzkyGolay.smooth(y, 11, 3);
    for (int i = 0; i < y.length; i++) {
      assertEquals(y[i], s[i], 1e-9, "point " + i);
    }
  }

  @Test
  void startStepMustExceedTheIgnoredSteps() {
    SimulatedLearner learner = SimulatedLearner.demo(1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> REGISTRY.create("ado", PolicyContext.of(learner.domains(), 1),
            Map.of("ignoreInitialSteps", 100, "startStep", 100)));
    assertTrue(e.getMessage().contains("startStep") && e.getMessage().contains("100"),
        e.getMessage());
  }

  static int argMax(double[] v) {
    int k = 0;
    for (int i = 1; i < v.length; i++) {
      k = v[i] > v[k] ? i : k;
    }
    return k;
  }

  static int argMin(double[] v) {
    int k = 0;
    for (int i = 1; i < v.length; i++) {
      k = v[i] < v[k] ? i : k;
    }
    return k;
  }
}
