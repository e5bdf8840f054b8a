package dev.datamix.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixture;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.policy.PolicyContext;
import dev.datamix.run.DataMixer;
import dev.datamix.sampler.SamplerOptions;
import dev.datamix.signal.DoubleVector;
import dev.datamix.signal.Observation;
import dev.datamix.signal.SignalKind;
import dev.datamix.signal.SignalRequest;
import dev.datamix.sim.SimulatedLearner;
import dev.datamix.sim.Simulation;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link MixingPolicy} must have. Each policy's test extends this class and
 * implements {@link #newPolicy}; the runs use the {@link SimulatedLearner}, so they take
 * milliseconds.
 */
public abstract class MixingPolicyContractTest {

  /** A new policy of the kind under test for {@code context}. */
  protected abstract MixingPolicy newPolicy(PolicyContext context);

  /** The simulated learner the contract runs on; override for policies that need a target. */
  protected SimulatedLearner newLearner() {
    return SimulatedLearner.demo(11);
  }

  /** Steps per contract run, long enough for the policy to update several times. */
  protected long steps() {
    return 240;
  }

  /** Blocks per step. */
  protected int batchSize() {
    return 16;
  }

  /** The context of a contract run with {@code seed}. */
  protected PolicyContext context(long seed) {
    return new PolicyContext(newLearner().domains(), seed, steps(), batchSize());
  }

  private Simulation simulation(long seed) {
    SimulatedLearner learner = newLearner();
    DataMixer mixer = new DataMixer(newPolicy(context(seed)), SamplerOptions.seed(seed));
    return new Simulation(mixer, learner, batchSize());
  }

  private static List<Mixture> mixtures(List<Simulation.StepRecord> records) {
    List<Mixture> out = new ArrayList<>();
    for (Simulation.StepRecord r : records) {
      out.add(r.mixture());
    }
    return out;
  }

  @Test
  void weightsStayOnTheSimplexAtEveryStep() {
    for (Simulation.StepRecord r : simulation(1).run(steps())) {
      double sum = 0;
      for (int i = 0; i < r.mixture().size(); i++) {
        double w = r.mixture().weight(i);
        assertTrue(Double.isFinite(w) && w >= 0, "step " + r.step() + " weight " + w);
        sum += w;
      }
      assertEquals(1.0, sum, 1e-9, "weights sum at step " + r.step());
    }
  }

  @Test
  void mixtureNamesTheContextDomainsInOrder() {
    Simulation s = simulation(1);
    Mixture m = s.step().mixture();
    assertEquals(Domain.names(newLearner().domains()), m.names());
  }

  @Test
  void sameSeedAndObservationsGiveIdenticalRuns() {
    List<Simulation.StepRecord> a = simulation(5).run(steps());
    List<Simulation.StepRecord> b = simulation(5).run(steps());
    assertEquals(mixtures(a), mixtures(b));
    for (int i = 0; i < a.size(); i++) {
      assertTrue(Arrays.equals(a.get(i).blocks(), b.get(i).blocks()), "blocks at step " + i);
    }
  }

  @Test
  void snapshotThenRestoreContinuesExactlyLikeAnUninterruptedRun() {
    long half = steps() / 2;
    List<Simulation.StepRecord> full = simulation(3).run(steps());

    Simulation first = simulation(3);
    first.run(half);
    String saved = Json.write(first.mixer().snapshot());
    SimulatedLearner learnerAtHalf = first.learner().copy();

    DataMixer restored = new DataMixer(newPolicy(context(3)), SamplerOptions.seed(3));
    restored.restore(Json.parse(saved));
    List<Simulation.StepRecord> rest =
        new Simulation(restored, learnerAtHalf, batchSize()).startingAt(half).run(steps() - half);

    for (int i = 0; i < rest.size(); i++) {
      Simulation.StepRecord expected = full.get((int) half + i);
      Simulation.StepRecord actual = rest.get(i);
      assertEquals(expected.mixture(), actual.mixture(), "mixture at step " + expected.step());
      assertTrue(Arrays.equals(expected.domains(), actual.domains()),
          "domains at step " + expected.step());
      assertTrue(Arrays.equals(expected.blocks(), actual.blocks()),
          "blocks at step " + expected.step());
      assertEquals(expected.request(), actual.request(), "request at step " + expected.step());
    }
  }

  @Test
  void snapshotIsStableJson() {
    Simulation s = simulation(2);
    s.run(steps() / 3);
    JsonNode snap = s.mixer().policy().snapshot();
    assertEquals(Json.write(snap), Json.write(Json.parse(Json.write(snap))));
    assertEquals(newPolicy(context(2)).name(), snap.get("policy").asText());
  }

  @Test
  void notMeasuredLossesNeverProduceInvalidWeights() {
    MixingPolicy p = newPolicy(context(4));
    int k = p.domains().size();
    for (long t = 0; t < steps(); t++) {
      SignalRequest r = p.signalsFor(t);
      if (r.contains(SignalKind.HELD_OUT_LOSS)) {
        p.observe(new Observation.HeldOutLoss(t, DoubleVector.filled(k, Double.NaN)));
      }
      Mixture m = p.mixture(t);
      for (int i = 0; i < k; i++) {
        assertTrue(Double.isFinite(m.weight(i)) && m.weight(i) >= 0, "weight " + m.weight(i));
      }
      if (r.contains(SignalKind.TRAINING_LOSS)) {
        p.observe(new Observation.TrainingLoss(t, DoubleVector.filled(k, Double.NaN),
            DoubleVector.filled(k, 0)));
      }
    }
  }

  @Test
  void observationForAnotherStepIsACallOrderError() {
    MixingPolicy p = newPolicy(context(1));
    p.signalsFor(0);
    int k = p.domains().size();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> p.observe(new Observation.HeldOutLoss(1, DoubleVector.filled(k, 1.0))));
    assertTrue(e.getMessage().contains("step 1"), e.getMessage());
  }

  @Test
  void lossVectorOfWrongLengthIsRejectedNamingTheParameter() {
    MixingPolicy p = newPolicy(context(1));
    p.signalsFor(0);
    int k = p.domains().size();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> p.observe(new Observation.HeldOutLoss(0, DoubleVector.filled(k + 1, 1.0))));
    assertTrue(e.getMessage().contains("loss") && e.getMessage().contains(String.valueOf(k + 1)),
        e.getMessage());
  }

  @Test
  void stepsCannotGoBackwards() {
    MixingPolicy p = newPolicy(context(1));
    p.mixture(5);
    assertThrows(IllegalStateException.class, () -> p.mixture(4));
    assertThrows(IllegalStateException.class, () -> p.signalsFor(3));
    assertThrows(IllegalArgumentException.class, () -> newPolicy(context(1)).mixture(-1));
  }

  @Test
  void restoreRejectsOtherDomainsNamingExpectedAndFound() {
    JsonNode snap = newPolicy(context(1)).snapshot();
    ObjectNode tampered = (ObjectNode) snap.deepCopy();
    tampered.putArray("domains").add("something-else");
    IncompatibleStateException e = assertThrows(IncompatibleStateException.class,
        () -> newPolicy(context(1)).restore(tampered));
    assertTrue(e.getMessage().contains("expected") && e.getMessage().contains("something-else"),
        e.getMessage());
  }

  @Test
  void restoreRejectsAnotherPolicyKind() {
    ObjectNode tampered = (ObjectNode) newPolicy(context(1)).snapshot().deepCopy();
    tampered.put("policy", "no-such-policy");
    IncompatibleStateException e = assertThrows(IncompatibleStateException.class,
        () -> newPolicy(context(1)).restore(tampered));
    assertTrue(e.getMessage().contains("no-such-policy"), e.getMessage());
  }

  @Test
  void restoreRejectsANewerStateVersion() {
    ObjectNode tampered = (ObjectNode) newPolicy(context(1)).snapshot().deepCopy();
    tampered.put("stateVersion", 99);
    IncompatibleStateException e = assertThrows(IncompatibleStateException.class,
        () -> newPolicy(context(1)).restore(tampered));
    assertTrue(e.getMessage().contains("99"), e.getMessage());
  }

  @Test
  void restoreRejectsMalformedState() {
    assertThrows(IncompatibleStateException.class,
        () -> newPolicy(context(1)).restore(Json.parse("{\"stateVersion\": \"one\"}")));
    assertThrows(IncompatibleStateException.class,
        () -> newPolicy(context(1)).restore(Json.parse("[1, 2]")));
  }

  @Test
  void restoreAfterTheFirstStepIsACallOrderError() {
    MixingPolicy p = newPolicy(context(1));
    JsonNode snap = p.snapshot();
    p.mixture(0);
    assertThrows(IllegalStateException.class, () -> p.restore(snap));
  }

  @Test
  void possibleSignalsCoverEveryRequest() {
    MixingPolicy p = newPolicy(context(1));
    for (Simulation.StepRecord r : simulation(1).run(steps())) {
      assertTrue(p.possibleSignals().containsAll(r.request().kinds()),
          "step " + r.step() + " requested " + r.request() + " beyond " + p.possibleSignals());
    }
    assertFalse(p.possibleSignals() == null);
  }
}
