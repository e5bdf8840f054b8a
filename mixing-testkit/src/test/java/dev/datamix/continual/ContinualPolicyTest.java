package dev.datamix.continual;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.mixture.Mixture;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.testkit.MixingPolicyContractTest;
import dev.datamix.policy.PolicyContext;
import dev.datamix.policy.PolicyRegistry;
import dev.datamix.signal.DoubleVector;
import dev.datamix.signal.Observation;
import dev.datamix.signal.SignalKind;
import dev.datamix.sim.SimulatedLearner;
import dev.datamix.state.Json;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ContinualPolicyTest {
  static final PolicyRegistry REGISTRY = PolicyRegistry.load();
  static final String PLAN = "{\"phases\": ["
      + "{\"name\": \"A\", \"domains\": [\"easy\", \"hard\", \"noisy\"], \"steps\": 100},"
      + "{\"name\": \"B\", \"domains\": [\"small\", \"related\"], \"steps\": 200, "
      + "\"replay\": 0.25, \"resetOptimizer\": true, \"policy\": {\"policy\": \"temperature\", "
      + "\"config\": {\"temperature\": 2}}}]}";

  static PolicyContext context() {
    return PolicyContext.of(SimulatedLearner.demo(1).domains(), 1);
  }

  @Nested
  class Contract extends MixingPolicyContractTest {
    @Override
    protected MixingPolicy newPolicy(PolicyContext c) {
      return REGISTRY.create("continual", c, Json.parse(PLAN));
    }

    @Override
    protected boolean asksForEveryPossibleSignal() {
      return false; // it asks for what its phases' policies ask for
    }
  }

  @Nested
  class WithVelocituneInside extends MixingPolicyContractTest {
    @Override
    protected MixingPolicy newPolicy(PolicyContext c) {
      return REGISTRY.create("continual", c, Json.parse("{\"phases\": ["
          + "{\"name\": \"A\", \"domains\": [\"easy\", \"hard\"], \"steps\": 60},"
          + "{\"name\": \"B\", \"domains\": [\"related\", \"noisy\"], \"steps\": 500, "
          + "\"replay\": 0.05, \"policy\": {\"policy\": \"velocitune\", \"config\": "
          + "{\"targetLosses\": {\"related\": 1.6, \"noisy\": 3.7}, \"updateEvery\": 20}}}]}"));
    }

    @Override
    protected boolean asksForEveryPossibleSignal() {
      return false; // it asks for what its phases' policies ask for
    }
  }

  @Test
  void theReplayShareComesFromEarlierPhasesInProportionToTheirTokens() {
    MixingPolicy p = REGISTRY.create("continual", context(), Json.parse(PLAN));
    Mixture a = p.mixture(99);
    assertEquals(0.0, a.weight("small") + a.weight("related"), 0.0, "phase A: only A's data");
    Mixture b = p.mixture(100);
    assertEquals(0.25, b.weight("easy") + b.weight("hard") + b.weight("noisy"), 1e-12);
    assertEquals(b.weight("easy"), b.weight("hard"), 1e-12, "equal sizes, equal replay share");
    Mixture inner = REGISTRY.create("temperature", PolicyContext.of(
        SimulatedLearner.demo(1).domains().subList(3, 5), 1), Json.parse("{\"temperature\": 2}"))
        .mixture(0);
    assertEquals(0.75 * inner.weight("related"), b.weight("related"), 1e-12);
  }

  @Test
  void phasesAreAnnouncedWithTheirOptimizerReset() {
    MixingPolicy p = REGISTRY.create("continual", context(), Json.parse(PLAN));
    assertEquals(0, p.phase(99).index());
    assertFalse(p.phase(0).resetOptimizer());
    assertEquals(1, p.phase(100).index());
    assertEquals("B", p.phase(250).name());
    assertTrue(p.phase(100).resetOptimizer());
    assertEquals(100, p.phase(10_000).startStep(), "the last phase goes on");
  }

  @Test
  void anInnerPolicySeesItsOwnDomainsAndPhaseSteps() {
    MixingPolicy p = REGISTRY.create("continual", context(), Json.parse("{\"phases\": ["
        + "{\"name\": \"A\", \"domains\": [\"easy\"], \"steps\": 10},"
        + "{\"name\": \"B\", \"domains\": [\"related\", \"noisy\"], \"steps\": 50, "
        + "\"policy\": {\"policy\": \"velocitune\", \"config\": {\"targetLosses\": "
        + "{\"related\": 1.0, \"noisy\": 3.0}, \"updateEvery\": 5}}}]}"));
    assertFalse(p.signalsFor(9).contains(SignalKind.HELD_OUT_LOSS));
    assertTrue(p.signalsFor(10).contains(SignalKind.HELD_OUT_LOSS), "initial losses of B");
    p.observe(new Observation.HeldOutLoss(10, DoubleVector.of(9, 9, 4.0, 9, 5.0)));
    assertTrue(p.signalsFor(15).contains(SignalKind.HELD_OUT_LOSS), "5 steps into B");
    p.observe(new Observation.HeldOutLoss(15, DoubleVector.of(9, 9, 3.5, 9, 1.5)));
    Mixture m = p.mixture(15);
    assertTrue(m.weight("noisy") > 0 && m.weight("related") > 0 && m.weight("easy") == 0, m
        .toString());
  }

  @Nested
  class WithOdmInside extends MixingPolicyContractTest {
    @Override
    protected MixingPolicy newPolicy(PolicyContext c) {
      return REGISTRY.create("continual", c, Json.parse("{\"phases\": ["
          + "{\"name\": \"A\", \"domains\": [\"easy\", \"hard\"], \"steps\": 60},"
          + "{\"name\": \"B\", \"domains\": [\"related\", \"noisy\", \"small\"], "
          + "\"steps\": 500, \"replay\": 0.05, \"policy\": {\"policy\": \"odm\"}}]}"));
    }

    @Override
    protected boolean asksForEveryPossibleSignal() {
      return false; // it asks for what its phases' policies ask for
    }
  }

  @Test
  void aPhaseWhosePolicyNeedsAReferenceModelIsRefusedWhenThePlanIsMade() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> REGISTRY.create("continual", context(), Json.parse("{\"phases\": ["
            + "{\"name\": \"A\", \"domains\": [\"easy\"], \"steps\": 10},"
            + "{\"name\": \"B\", \"domains\": [\"hard\", \"noisy\"], \"steps\": 10, "
            + "\"policy\": {\"policy\": \"doremi\"}}]}")));
    assertTrue(e.getMessage().contains("phase 'B'") && e.getMessage().contains("reference"),
        e.getMessage());
  }

  @Test
  void badPlansAreRejectedNamingThePhase() {
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> REGISTRY.create("continual", context(), Json.parse(
            "{\"phases\": [{\"domains\": [\"german\"], \"steps\": 5}]}")));
    assertTrue(unknown.getMessage().contains("phases[0]") && unknown.getMessage()
        .contains("'german'"), unknown.getMessage());
    IllegalArgumentException replay = assertThrows(IllegalArgumentException.class,
        () -> REGISTRY.create("continual", context(), Json.parse(
            "{\"phases\": [{\"domains\": [\"easy\"], \"steps\": 5, \"replay\": 0.1}]}")));
    assertTrue(replay.getMessage().contains("'replay'"), replay.getMessage());
    IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
        () -> REGISTRY.create("continual", context(), Json.parse(
            "{\"phases\": [{\"domains\": [\"easy\"], \"steps\": 5, \"tokens\": 9}]}")));
    assertTrue(both.getMessage().contains("exactly one of 'steps' and 'tokens'"),
        both.getMessage());
  }
}
