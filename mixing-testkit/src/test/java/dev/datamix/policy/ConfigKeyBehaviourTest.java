package dev.datamix.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.mixture.Mixture;
import dev.datamix.run.DataMixer;
import dev.datamix.sampler.SamplerOptions;
import dev.datamix.signal.SignalKind;
import dev.datamix.sim.SimulatedLearner;
import dev.datamix.sim.Simulation;
import dev.datamix.state.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every tunable key of Velocitune, DGA and LFR, set to a value other than its default, changes
 * the behaviour its description promises, on the simulated learner: a key that changed nothing
 * (or the wrong thing) fails here.
 */
class ConfigKeyBehaviourTest {
  static final PolicyRegistry REGISTRY = PolicyRegistry.load();
  static final int BATCH = 16;

  static List<Simulation.StepRecord> run(SimulatedLearner learner, String policy,
      ObjectNode config, long steps) {
    DataMixer mixer = new DataMixer(REGISTRY.create(policy,
        new PolicyContext(learner.domains(), 1, steps, BATCH), config), SamplerOptions.seed(1));
    return new Simulation(mixer, learner, BATCH).run(steps);
  }

  /** Sum over steps of the largest weight change from the previous step. */
  static double movement(List<Simulation.StepRecord> r) {
    double total = 0;
    for (int t = 1; t < r.size(); t++) {
      double max = 0;
      for (int i = 0; i < r.get(t).mixture().size(); i++) {
        max = Math.max(max, Math.abs(r.get(t).mixture().weight(i)
            - r.get(t - 1).mixture().weight(i)));
      }
      total += max;
    }
    return total;
  }

  static double smallestWeight(List<Simulation.StepRecord> r) {
    double min = 1;
    for (Simulation.StepRecord s : r) {
      for (int i = 0; i < s.mixture().size(); i++) {
        min = Math.min(min, s.mixture().weight(i));
      }
    }
    return min;
  }

  /** The mixture of a fresh policy before any observation: its initial weights. */
  static Mixture initial(String policy, ObjectNode config) {
    SimulatedLearner l = SimulatedLearner.demo(2);
    return REGISTRY.create(policy, new PolicyContext(l.domains(), 1, 300, BATCH), config)
        .mixture(0);
  }

  static boolean uniform(Mixture m) {
    for (int i = 0; i < m.size(); i++) {
      if (Math.abs(m.weight(i) - 1.0 / m.size()) > 1e-12) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- Velocitune

  static ObjectNode velocitune() {
    ObjectNode c = Json.object();
    ObjectNode t = c.putObject("targetLosses");
    SimulatedLearner l = SimulatedLearner.demo(11);
    double[] floor = l.irreducibleLoss();
    for (int i = 0; i < floor.length; i++) {
      t.put(l.domains().get(i).name(), floor[i] + 0.3);
    }
    c.put("updateEvery", 20);
    return c;
  }

  @ParameterizedTest
  @ValueSource(strings = {"stepSize", "weightSmoothing", "minWeight", "initialWeights",
      "initialLosses"})
  void velocituneKey(String key) {
    ObjectNode changed = velocitune();
    List<Simulation.StepRecord> base = run(SimulatedLearner.demo(11), "velocitune",
        velocitune(), 300);
    switch (key) {
      case "stepSize" -> {
        changed.put(key, 4.0);
        assertTrue(movement(run(SimulatedLearner.demo(11), "velocitune", changed, 300))
            > 1.5 * movement(base), "a larger η moves the weights more");
      }
      case "weightSmoothing" -> {
        changed.put(key, 0.8);
        assertTrue(movement(run(SimulatedLearner.demo(11), "velocitune", changed, 300))
            < 0.7 * movement(base), "smoothing moves the weights less per update");
      }
      case "minWeight" -> {
        changed.put(key, 0.1);
        assertTrue(smallestWeight(base) < 0.1, "the default lets a weight fall below 0.1: "
            + smallestWeight(base));
        List<Simulation.StepRecord> r = run(SimulatedLearner.demo(11), "velocitune", changed,
            300);
        // the floor holds from the first update (step 20) on; the initial mix is as configured
        assertTrue(smallestWeight(r.subList(20, r.size())) >= 0.1 - 1e-12,
            "no weight below the floor after an update: " + smallestWeight(r.subList(20, 300)));
      }
      case "initialWeights" -> {
        changed.put(key, "uniform");
        assertFalse(uniform(initial("velocitune", velocitune())));
        assertTrue(uniform(initial("velocitune", changed)));
      }
      case "initialLosses" -> {
        ObjectNode init = changed.putObject(key);
        SimulatedLearner l = SimulatedLearner.demo(11);
        double[] start = l.expectedHeldOutLoss();
        for (int i = 0; i < start.length; i++) {
          init.put(l.domains().get(i).name(), start[i]);
        }
        assertTrue(base.get(0).request().contains(SignalKind.HELD_OUT_LOSS),
            "without initialLosses step 0 measures them");
        List<Simulation.StepRecord> r = run(SimulatedLearner.demo(11), "velocitune", changed,
            300);
        assertFalse(r.get(0).request().contains(SignalKind.HELD_OUT_LOSS),
            "given initial losses are not measured again");
        // the same starting losses, given or measured: the same weights (the measurement is the
        // simulated learner's expected loss with noise, so equal up to that noise)
        Mixture given = r.get(r.size() - 1).mixture();
        Mixture measured = base.get(base.size() - 1).mixture();
        for (int i = 0; i < given.size(); i++) {
          assertEquals(measured.weight(i), given.weight(i), 0.05, given + " vs " + measured);
        }
      }
      default -> throw new IllegalArgumentException(key);
    }
  }

  // ---------------------------------------------------------------- DGA

  @ParameterizedTest
  @ValueSource(strings = {"normaliseScores", "initialWeights"})
  void dgaKey(String key) {
    ObjectNode base = (ObjectNode) Json.parse("{\"updateEvery\": 10}");
    ObjectNode changed = base.deepCopy();
    List<Simulation.StepRecord> b = run(SimulatedLearner.demo(2), "dga", base, 300);
    if (key.equals("normaliseScores")) {
      changed.put(key, false);
      double raw = movement(run(SimulatedLearner.demo(2), "dga", changed, 300));
      assertTrue(raw < 0.5 * movement(b), "raw scores are tiny next to normalised ones: the "
          + "weights move less (" + raw + " vs " + movement(b) + ")");
    } else {
      changed.put(key, "uniform");
      assertFalse(uniform(initial("dga", base)));
      assertTrue(uniform(initial("dga", changed)));
    }
  }

  // ---------------------------------------------------------------- LFR

  static SimulatedLearner lfrLearner() {
    return SimulatedLearner.builder().seed(9).blockLength(32).tokenScale(5_000)
        .domain("a", 64, 1.0, 2.0, 0.5).domain("b", 64, 1.5, 3.0, 0.3)
        .difficultySpread(0.6).memorisation(0.95).noise(0.01).build();
  }

  /** Domain a's eligible blocks at every step. */
  static List<Long> eligible(ObjectNode config, long steps) {
    SimulatedLearner learner = lfrLearner();
    MixingPolicy p = REGISTRY.create("lfr", new PolicyContext(learner.domains(), 1, steps,
        BATCH), config);
    Simulation s = new Simulation(new DataMixer(p, SamplerOptions.seed(1)), learner, BATCH);
    List<Long> out = new ArrayList<>();
    for (long t = 0; t < steps; t++) {
      s.step();
      out.add(p.blockSelection(0).size());
    }
    return out;
  }

  /** The steps at which domain a's eligible count changes: the phase boundaries. */
  static List<Integer> boundaries(List<Long> eligible) {
    List<Integer> out = new ArrayList<>();
    for (int t = 1; t < eligible.size(); t++) {
      if (!eligible.get(t).equals(eligible.get(t - 1))) {
        out.add(t);
      }
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"learnEpochs", "focus1Drop", "focus1Epochs", "reviewEpochs",
      "focus2Drop", "focus2Epochs", "focus2Reps"})
  void lfrKey(String key) {
    ObjectNode base = (ObjectNode) Json.parse("{\"focus2Reps\": 1}");
    ObjectNode changed = base.deepCopy();
    List<Long> b = eligible(base, 200);
    List<Integer> bb = boundaries(b);
    assertTrue(bb.size() >= 5, "the base run reaches the repeated Review: " + bb);
    long all = b.get(0);
    switch (key) {
      case "learnEpochs" -> {
        changed.put(key, 2.0);
        assertTrue(boundaries(eligible(changed, 200)).get(0) > bb.get(0) + 2,
            "a longer Learn: the first Focus starts later");
      }
      case "focus1Drop" -> {
        changed.put(key, 0.2);
        List<Long> c = eligible(changed, 200);
        assertEquals(all / 2, b.get(bb.get(0)), "the default drops half");
        assertEquals(Math.round(all * 0.8), c.get(boundaries(c).get(0)), "20% dropped");
      }
      case "focus1Epochs" -> {
        changed.put(key, 3.0);
        List<Integer> c = boundaries(eligible(changed, 200));
        assertEquals(bb.get(0), c.get(0), "the Learn is unchanged");
        assertTrue(c.get(1) - c.get(0) > 2 * (bb.get(1) - bb.get(0)), "a longer first Focus");
      }
      case "reviewEpochs" -> {
        changed.put(key, 3.0);
        List<Integer> c = boundaries(eligible(changed, 200));
        assertEquals(bb.subList(0, 2), c.subList(0, 2));
        assertTrue(c.get(2) - c.get(1) > 2 * (bb.get(2) - bb.get(1)), "a longer Review");
      }
      case "focus2Drop" -> {
        changed.put(key, 0.25);
        List<Long> c = eligible(changed, 200);
        assertEquals(Math.round(all * 0.3), b.get(bb.get(2)), "the default keeps 30%");
        assertEquals(Math.round(all * 0.75), c.get(boundaries(c).get(2)), "25% dropped");
      }
      case "focus2Epochs", "focus2Reps" -> {
        if (key.equals("focus2Reps")) {
          changed.put(key, 3L);
        } else {
          changed.put(key, 3.0);
        }
        List<Integer> c = boundaries(eligible(changed, 200));
        assertEquals(bb.subList(0, 3), c.subList(0, 3));
        assertTrue(c.get(3) - c.get(2) > 2 * (bb.get(3) - bb.get(2)),
            "the second Focus lasts reps × p4 epochs before the Review repeats");
      }
      default -> throw new IllegalArgumentException(key);
    }
  }
}
