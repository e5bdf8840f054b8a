package dev.datamix.velocitune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixture;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.testkit.MixingPolicyContractTest;
import dev.datamix.policy.PolicyContext;
import dev.datamix.policy.PolicyRegistry;
import dev.datamix.run.DataMixer;
import dev.datamix.sampler.SamplerOptions;
import dev.datamix.scaling.DataScalingFit;
import dev.datamix.scaling.ScalingLawFitter;
import dev.datamix.signal.DoubleVector;
import dev.datamix.signal.Observation;
import dev.datamix.sim.SimulatedLearner;
import dev.datamix.sim.Simulation;
import dev.datamix.state.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class VelocitunePolicyTest {
  static final PolicyRegistry REGISTRY = PolicyRegistry.load();
  static final int BATCH = 16;

  /** Targets from a proxy run on the learner: fits extrapolated to the full budget. */
  static ObjectNode configFromProxy(SimulatedLearner template, long proxySteps, long fullSteps,
      long updateEvery) {
    SimulatedLearner proxy = template.copy();
    List<Domain> domains = proxy.domains();
    DataMixer mixer = new DataMixer(REGISTRY.create("proportional",
        PolicyContext.of(domains, 1), Map.of()), SamplerOptions.seed(1));
    Simulation sim = new Simulation(mixer, proxy, BATCH);
    ProxyFit points = new ProxyFit();
    for (long t = 0; t < proxySteps; t++) {
      sim.step();
      if ((t + 1) % (proxySteps / 8) == 0) {
        double[] loss = proxy.expectedHeldOutLoss();
        double[] tokens = proxy.tokensSeen();
        for (int d = 0; d < domains.size(); d++) {
          points.add(domains.get(d).name(), tokens[d], loss[d]);
        }
      }
    }
    Map<String, DataScalingFit> fits = points.fit(ScalingLawFitter.leastSquares());
    ObjectNode c = Json.object();
    c.set("fits", ProxyFit.toJson(fits));
    c.put("tokenBudget", (double) fullSteps * BATCH * template.blockLength());
    c.put("updateEvery", updateEvery);
    return c;
  }

  static List<Simulation.StepRecord> run(SimulatedLearner learner, String policy,
      ObjectNode config, long steps) {
    DataMixer mixer = new DataMixer(REGISTRY.create(policy,
        new PolicyContext(learner.domains(), 1, steps, BATCH), config), SamplerOptions.seed(1));
    return new Simulation(mixer, learner, BATCH).run(steps);
  }

  @Nested
  class Contract extends MixingPolicyContractTest {
    @Override
    protected MixingPolicy newPolicy(PolicyContext c) {
      ObjectNode cfg = Json.object();
      ObjectNode t = cfg.putObject("targetLosses");
      double[] floor = SimulatedLearner.demo(11).irreducibleLoss();
      for (int i = 0; i < c.size(); i++) {
        t.put(c.domainNames().get(i), floor[i] + 0.3);
      }
      cfg.put("updateEvery", 20);
      return REGISTRY.create("velocitune", c, cfg);
    }
  }

  private static SimulatedLearner twoSpeeds() {
    return SimulatedLearner.builder().seed(3).blockLength(64).tokenScale(1_000)
        .domain("fast", 4_000, 1.0, 3.0, 0.8)
        .domain("slow", 4_000, 1.0, 3.0, 0.2)
        .build();
  }

  @Test
  void aDomainThatLearnsSlowlyRelativeToItsGainGainsWeight() {
    SimulatedLearner learner = twoSpeeds();
    ObjectNode cfg = configFromProxy(learner, 160, 1200, 40);
    List<Simulation.StepRecord> r = run(learner.copy(), "velocitune", cfg, 1200);
    double slow = r.get(r.size() - 1).mixture().weight("slow");
    assertTrue(slow > 0.6, "slow domain weight " + slow + " (started at 0.5)");
  }

  private static SimulatedLearner withNoiseFloor() {
    return SimulatedLearner.builder().seed(5).blockLength(64).tokenScale(1_000)
        .domain("noisy", 3_000, 3.5, 0.8, 0.6)
        .domain("hard", 3_000, 1.5, 3.0, 0.25)
        .domain("easy", 3_000, 1.0, 2.0, 0.6)
        .build();
  }

  @Test
  void aHighLossFloorDoesNotAbsorbTheWeightUnlikeLossBasedReweighting() {
    SimulatedLearner learner = withNoiseFloor();
    ObjectNode cfg = configFromProxy(learner, 160, 1200, 40);
    List<Simulation.StepRecord> v = run(learner.copy(), "velocitune", cfg, 1200);
    double noisyVelocitune = v.get(v.size() - 1).mixture().weight("noisy");

    // loss-based reweighting for contrast: w <- w exp(loss) every 40 steps, from the same start
    SimulatedLearner l2 = learner.copy();
    double[] w = {1.0 / 3, 1.0 / 3, 1.0 / 3};
    List<String> names = Domain.names(l2.domains());
    for (int u = 0; u < 30; u++) {
      double[] loss = l2.expectedHeldOutLoss();
      for (int i = 0; i < 3; i++) {
        w[i] *= Math.exp(loss[i]);
      }
      w = Mixture.normalise(names, w).toArray();
      ObjectNode explicit = Json.object();
      ObjectNode ws = explicit.putObject("weights");
      for (int i = 0; i < 3; i++) {
        ws.put(names.get(i), w[i]);
      }
      DataMixer m = new DataMixer(REGISTRY.create("explicit", PolicyContext.of(l2.domains(), u),
          explicit), SamplerOptions.seed(u));
      new Simulation(m, l2, BATCH).run(40);
    }
    double noisyLossBased = w[0];
    assertTrue(noisyLossBased > 0.9, "loss-based reweighting pours weight into noise: "
        + noisyLossBased);
    assertTrue(noisyVelocitune < 0.34, "Velocitune keeps the noisy domain at or below its "
        + "start: " + noisyVelocitune);
  }

  @Test
  void weightsStabilise() {
    SimulatedLearner learner = withNoiseFloor();
    ObjectNode cfg = configFromProxy(learner, 160, 1600, 40);
    List<Simulation.StepRecord> r = run(learner.copy(), "velocitune", cfg, 1600);
    List<Mixture> atUpdates = new ArrayList<>();
    for (int t = 40; t < r.size(); t += 40) {
      atUpdates.add(r.get(t).mixture());
    }
    double early = atUpdates.get(1).maxAbsDifference(atUpdates.get(0));
    double late = atUpdates.get(atUpdates.size() - 1)
        .maxAbsDifference(atUpdates.get(atUpdates.size() - 2));
    assertTrue(late < 0.02 && late < early / 3, "change per update: early " + early + ", late "
        + late);
  }

  @Test
  void aTargetAboveTheAttainableLossStopsTheDomainEarly() {
    // the targets matter: a slow domain whose target sits above what it can reach "arrives",
    // gets velocity 0, and loses weight to a domain whose target is below its reach
    SimulatedLearner learner = SimulatedLearner.builder().seed(3).blockLength(64)
        .tokenScale(20_000).domain("fast", 4_000, 1.0, 3.0, 0.8)
        .domain("slow", 4_000, 1.0, 3.0, 0.2).build();
    ObjectNode cfg = (ObjectNode) Json.parse(
        "{\"targetLosses\": {\"fast\": 1.08, \"slow\": 2.70}, \"updateEvery\": 40}");
    DataMixer mixer = new DataMixer(REGISTRY.create("velocitune",
        new PolicyContext(learner.domains(), 1, 1200, BATCH), cfg), SamplerOptions.seed(1));
    List<Simulation.StepRecord> r = new Simulation(mixer, learner, BATCH).run(1200);
    VelocitunePolicy p = (VelocitunePolicy) mixer.policy();
    assertEquals(0.0, p.velocities()[1], 0.0, "slow passed its (too high) target");
    assertTrue(learner.expectedHeldOutLoss()[1] < 2.70);
    assertTrue(r.get(r.size() - 1).mixture().weight("slow") < 0.4);
  }

  private VelocitunePolicy direct(String targets, String extra) {
    List<Domain> d = List.of(new Domain("a", 10, 100), new Domain("b", 10, 300));
    return (VelocitunePolicy) REGISTRY.create("velocitune", PolicyContext.of(d, 1),
        Json.parse("{\"targetLosses\": " + targets + ", \"updateEvery\": 10" + extra + "}"));
  }

  @Test
  void velocityFollowsTheFormulaAndTheUpdateIsMultiplicative() {
    VelocitunePolicy p = direct("{\"a\": 1.0, \"b\": 2.0}", "");
    assertEquals(0.25, p.mixture(0).weight("a"), 1e-12, "starts proportional to tokens");
    p.signalsFor(0);
    p.observe(new Observation.HeldOutLoss(0, DoubleVector.of(3.0, 4.0)));
    p.signalsFor(10);
    p.observe(new Observation.HeldOutLoss(10, DoubleVector.of(2.0, 3.9)));
    double[] v = p.velocities();
    assertEquals(0.5, v[0], 1e-12);
    assertEquals(0.95, v[1], 1e-12);
    double wa = 0.25 * Math.exp(0.5);
    double wb = 0.75 * Math.exp(0.95);
    assertEquals(wa / (wa + wb), p.mixture(10).weight("a"), 1e-12);
  }

  @Test
  void noGapMeansVelocityZeroAndMissingLossesKeepTheLastVelocity() {
    VelocitunePolicy p = direct("{\"a\": 5.0, \"b\": 2.0}", "");
    p.signalsFor(0);
    p.observe(new Observation.HeldOutLoss(0, DoubleVector.of(3.0, 4.0)));
    p.signalsFor(10);
    p.observe(new Observation.HeldOutLoss(10, DoubleVector.of(2.9, 3.0)));
    assertEquals(0.0, p.velocities()[0], 0, "initial 3.0 <= target 5.0: no gap");
    assertEquals(0.5, p.velocities()[1], 1e-12);
    p.signalsFor(20);
    p.observe(new Observation.HeldOutLoss(20, DoubleVector.of(2.8, Double.NaN)));
    assertEquals(0.5, p.velocities()[1], 1e-12, "not measured: velocity kept");
    assertTrue(Double.isFinite(p.mixture(20).weight("b")));
  }

  @Test
  void configErrorsNameTheKeys() {
    List<Domain> d = List.of(new Domain("a", 10, 100), new Domain("b", 10, 300));
    IllegalArgumentException neither = assertThrows(IllegalArgumentException.class,
        () -> REGISTRY.create("velocitune", PolicyContext.of(d, 1), Json.object()));
    assertTrue(neither.getMessage().contains("'targetLosses' and 'fits', got neither"),
        neither.getMessage());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> REGISTRY.create("velocitune", PolicyContext.of(d, 1),
            Json.parse("{\"targetLosses\": {\"a\": 1}}")));
    assertTrue(missing.getMessage().contains("domain 'b'"), missing.getMessage());
    IllegalArgumentException budget = assertThrows(IllegalArgumentException.class,
        () -> REGISTRY.create("velocitune", PolicyContext.of(d, 1), Json.parse("{\"fits\": "
            + "{\"a\": {\"irreducible\": 1, \"amplitude\": 2, \"exponent\": 0.3}, \"b\": "
            + "{\"irreducible\": 1, \"amplitude\": 2, \"exponent\": 0.3}}}")));
    assertTrue(budget.getMessage().contains("'tokenBudget'"), budget.getMessage());
    IllegalArgumentException fit = assertThrows(IllegalArgumentException.class,
        () -> REGISTRY.create("velocitune", PolicyContext.of(d, 1), Json.parse("{\"fits\": "
            + "{\"a\": {\"irreducible\": 1}}}")));
    assertTrue(fit.getMessage().contains("'amplitude'"), fit.getMessage());
  }
}
