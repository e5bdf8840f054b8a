package dev.datamix.examples.custompolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.mixture.Mixture;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.testkit.MixingPolicyContractTest;
import dev.datamix.policy.PolicyContext;
import dev.datamix.policy.PolicyRegistry;
import dev.datamix.signal.DoubleVector;
import dev.datamix.signal.Observation;
import dev.datamix.sim.SimulatedLearner;
import dev.datamix.state.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example policy passes the contract every built-in policy passes, found by name. */
class LossSoftmaxPolicyContractTest extends MixingPolicyContractTest {
  @Override
  protected MixingPolicy newPolicy(PolicyContext context) {
    return PolicyRegistry.load().create("example-loss-softmax", context, Json.object());
  }

  @Test
  void theHardestDomainGetsTheMostWeight() {
    PolicyContext c = PolicyContext.of(SimulatedLearner.demo(1).domains(), 1);
    MixingPolicy p = PolicyRegistry.load().create("example-loss-softmax", c,
        Json.parse("{\"temperature\": 1.0, \"decay\": 0}"));
    p.signalsFor(0);
    p.observe(new Observation.TrainingLoss(0, DoubleVector.of(1, 2, 3, Double.NaN, 1),
        DoubleVector.of(4, 4, 4, 0, 4)));
    p.signalsFor(1);
    Mixture m = p.mixture(1);
    List<String> names = List.of("easy", "hard", "noisy", "small", "related");
    assertEquals(names, m.names());
    // softmax(loss - max) over (1, 2, 3, 3 [unmeasured counts as the max], 1)
    double z = 2 * Math.exp(-2) + Math.exp(-1) + 2;
    assertEquals(Math.exp(-2) / z, m.weight("easy"), 1e-12);
    assertEquals(1 / z, m.weight("noisy"), 1e-12);
    assertEquals(1 / z, m.weight("small"), 1e-12);
    assertTrue(m.weight("hard") > m.weight("easy"));
  }
}
