package dev.datamix.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.mixture.Domain;
import dev.datamix.run.DataMixer;
import dev.datamix.sampler.SamplerOptions;
import dev.datamix.sim.SimulatedLearner;
import dev.datamix.sim.Simulation;
import dev.datamix.state.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Policies say when their plan cannot take effect, and when they lose the means to act. */
class PolicyNoticesTest {
  static final PolicyRegistry REGISTRY = PolicyRegistry.load();
  static final List<Domain> DOMAINS = List.of(Domain.ofBlocks("a", 1000, 128),
      Domain.ofBlocks("b", 3000, 128));

  @Test
  void lfrWhoseLearnPhaseOutlastsTheRun() {
    // 4,000 blocks and one Learn epoch: 100 steps of 16 draw 1,600 blocks, 0.4 epochs
    MixingPolicy short_ = REGISTRY.create("lfr", new PolicyContext(DOMAINS, 1, 100, 16),
        Json.object());
    assertEquals(1, short_.planNotices().size(), short_.planNotices().toString());
    String n = short_.planNotices().get(0);
    assertTrue(n.contains("learnEpochs") && n.contains("1,600") && n.contains("2 of 2")
        && n.contains("a (0.400 of 1.00 epochs)"), n);
    assertEquals(List.of(), REGISTRY.create("lfr", new PolicyContext(DOMAINS, 1, 300, 16),
        Json.object()).planNotices(), "300 × 16 = 4,800 blocks: 1.2 epochs");
    assertEquals(List.of(), REGISTRY.create("lfr", new PolicyContext(DOMAINS, 1, 100, 16),
        Json.parse("{\"learnEpochs\": 0.3}")).planNotices());
    assertEquals(List.of(), REGISTRY.create("lfr", new PolicyContext(DOMAINS, 1, 0, 16),
        Json.object()).planNotices(), "an unknown length says nothing");
  }

  @Test
  void continualPhasePastTheLastStep() {
    ObjectNode plan = (ObjectNode) Json.parse("{\"phases\": ["
        + "{\"name\": \"A\", \"domains\": [\"a\"], \"steps\": 80},"
        + "{\"name\": \"B\", \"domains\": [\"b\"], \"steps\": 100}]}");
    List<String> n = REGISTRY.create("continual", new PolicyContext(DOMAINS, 1, 60, 16), plan)
        .planNotices();
    assertEquals(1, n.size(), n.toString());
    assertTrue(n.get(0).contains("phase 'B' starts at step 80") && n.get(0).contains("60 steps"),
        n.get(0));
    assertEquals(List.of(), REGISTRY.create("continual", new PolicyContext(DOMAINS, 1, 81, 16),
        plan).planNotices());
  }

  @Test
  void velocituneSaysWhenADomainReachesVelocityZeroAndSaysItAgainAfterARestore() {
    SimulatedLearner learner = SimulatedLearner.demo(11);
    ObjectNode c = Json.object();
    ObjectNode t = c.putObject("targetLosses");
    double[] start = learner.expectedHeldOutLoss();
    double[] floor = learner.irreducibleLoss();
    for (int i = 0; i < start.length; i++) {
      // domain 0's target is easy to reach; the others' sit at their floor
      t.put(learner.domains().get(i).name(), i == 0 ? start[i] - 0.05 : floor[i]);
    }
    c.put("updateEvery", 20);
    PolicyContext ctx = new PolicyContext(learner.domains(), 1, 300, 16);
    DataMixer mixer = new DataMixer(REGISTRY.create("velocitune", ctx, c),
        SamplerOptions.seed(1));
    Simulation s = new Simulation(mixer, learner, 16);
    List<String> said = new ArrayList<>();
    long at = -1;
    String snapshot = null;
    for (long step = 0; step < 300; step++) {
      s.step();
      List<String> n = mixer.policy().stepNotices(step);
      if (!n.isEmpty() && at < 0) {
        at = step;
        said.addAll(n);
        snapshot = Json.write(mixer.policy().snapshot());
      }
    }
    assertTrue(at > 0 && at % 20 == 0, "at an update step: " + at);
    assertEquals(1, said.size(), said.toString());
    String domain = learner.domains().get(0).name();
    assertTrue(said.get(0).contains("'" + domain + "' reached velocity 0 at step " + at),
        said.get(0));
    MixingPolicy restored = REGISTRY.create("velocitune", ctx, c);
    restored.restore(Json.parse(snapshot));
    assertEquals(said, restored.stepNotices(at));
  }
}
