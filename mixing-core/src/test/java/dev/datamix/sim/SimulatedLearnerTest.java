package dev.datamix.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixture;
import dev.datamix.policy.PolicyContext;
import dev.datamix.policy.PolicyRegistry;
import dev.datamix.run.DataMixer;
import dev.datamix.sampler.BlockBatch;
import dev.datamix.sampler.MixtureSampler;
import dev.datamix.sampler.SamplerOptions;
import dev.datamix.signal.Observation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimulatedLearnerTest {

  private static SimulatedLearner quiet() {
    return SimulatedLearner.builder().tokenScale(1000).blockLength(10)
        .domain("a", 50, 1.0, 2.0, 0.5)
        .domain("b", 50, 2.0, 1.0, 0.3)
        .domain("c", 50, 0.5, 3.0, 0.7)
        .transfer("a", "b", 0.5)
        .target(1.0, 2.0, 0.4, Map.of("a", 1.0, "c", 0.2))
        .build();
  }

  private static void trainOn(SimulatedLearner l, String domain, int steps) {
    List<Domain> d = l.domains();
    MixtureSampler s = new MixtureSampler(d, SamplerOptions.seed(1));
    Mixture m = Mixture.oneHot(Domain.names(d), domain);
    BlockBatch b = new BlockBatch(8);
    for (int t = 0; t < steps; t++) {
      s.draw(t, m, 8, b);
      l.train(b);
    }
  }

  @Test
  void trainingADomainLowersItsLossTowardItsFloor() {
    SimulatedLearner l = quiet();
    double[] before = l.expectedHeldOutLoss();
    assertEquals(3.0, before[0], 1e-12, "E + B at zero tokens");
    trainOn(l, "a", 100);
    double[] after = l.expectedHeldOutLoss();
    assertTrue(after[0] < before[0] && after[0] > 1.0, "a: " + before[0] + " -> " + after[0]);
    assertEquals(before[2], after[2], 1e-12, "c receives no transfer from a");
  }

  @Test
  void transferMovesLossOfTheReceivingDomainOnly() {
    SimulatedLearner l = quiet();
    double[] before = l.expectedHeldOutLoss();
    trainOn(l, "a", 50);
    double[] after = l.expectedHeldOutLoss();
    assertTrue(after[1] < before[1], "b learns from a through transfer 0.5");
    SimulatedLearner direct = quiet();
    trainOn(direct, "b", 25); // half the tokens directly on b give the same effective tokens
    assertEquals(direct.expectedHeldOutLoss()[1], after[1], 1e-12);
  }

  @Test
  void alignmentRanksDomainsByTransferToTheTarget() {
    SimulatedLearner l = quiet();
    List<String> n = Domain.names(l.domains());
    List<Mixture> probes = List.of(Mixture.oneHot(n, "a"), Mixture.oneHot(n, "b"),
        Mixture.oneHot(n, "c"));
    Observation.GradientAlignment g = l.alignment(0, probes, true);
    assertTrue(g.scores().get(0) > g.scores().get(2) && g.scores().get(2) > 0);
    assertEquals(0.0, g.scores().get(1), 0.0, "b does not transfer to the target");
    assertEquals(9, g.gram().size());
    assertEquals(g.gram().get(1), g.gram().get(3), 1e-15, "Gram matrix is symmetric");
    assertEquals(Math.sqrt(g.gram().get(0)), g.probeNorms().get(0), 1e-15);
    double lossBefore = l.targetLoss();
    trainOn(l, "a", 20);
    assertTrue(l.targetLoss() < lossBefore);
  }

  @Test
  void blockLossesAverageToTheDomainTrainingLoss() {
    SimulatedLearner l = SimulatedLearner.demo(3);
    MixtureSampler s = new MixtureSampler(l.domains(), SamplerOptions.seed(3));
    BlockBatch b = new BlockBatch(64);
    s.draw(0, Mixture.uniform(Domain.names(l.domains())), 64, b);
    SimulatedLearner.StepResult r = l.train(b);
    for (int d = 0; d < l.domains().size(); d++) {
      double sum = 0;
      int count = 0;
      for (int i = 0; i < r.blockLosses().size(); i++) {
        if (r.blockLosses().domain(i) == d) {
          sum += r.blockLosses().loss(i);
          count++;
        }
      }
      assertEquals(count, r.trainingLoss().blocks().get(d), 0);
      if (count > 0) {
        assertEquals(sum / count, r.trainingLoss().loss().get(d), 1e-9);
      } else {
        assertTrue(r.trainingLoss().loss().isMissing(d));
      }
    }
  }

  @Test
  void revisitedBlocksAreMemorised() {
    SimulatedLearner l = SimulatedLearner.builder().domain("x", 4, 1.0, 2.0, 0.01)
        .memorisation(0.5).tokenScale(1e12).build();
    MixtureSampler s = new MixtureSampler(l.domains(), SamplerOptions.seed(1));
    Mixture m = Mixture.uniform(List.of("x"));
    BlockBatch b = new BlockBatch(4);
    s.draw(0, m, 4, b);
    float first = l.train(b).blockLosses().loss(0);
    s.draw(1, m, 4, b);
    SimulatedLearner.StepResult second = l.train(b);
    assertEquals(1.0 + 2.0 * 0.5, second.blockLosses().loss(0), 1e-5);
    assertEquals(3.0, first, 1e-5);
  }

  @Test
  void noiseIsDeterministicAndCopiesAreIndependent() {
    SimulatedLearner a = SimulatedLearner.demo(9);
    SimulatedLearner b = SimulatedLearner.demo(9);
    assertEquals(a.heldOutLoss(17), b.heldOutLoss(17));
    SimulatedLearner c = a.copy();
    trainOn(a, "easy", 5);
    assertEquals(b.heldOutLoss(3), c.heldOutLoss(3));
    assertTrue(a.heldOutLoss(3).loss().get(0) < c.heldOutLoss(3).loss().get(0));
  }

  @Test
  void alignmentWithoutATargetIsAClearError() {
    SimulatedLearner l = SimulatedLearner.builder().domain("x", 4, 1.0, 2.0, 0.5).build();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> l.alignment(0, List.of(Mixture.uniform(List.of("x"))), false));
    assertTrue(e.getMessage().contains("no target"), e.getMessage());
  }

  @Test
  void builderRejectsBadParametersNamingThem() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SimulatedLearner.builder().domain("x", 4, 1.0, -2.0, 0.5));
    assertEquals("amplitude of 'x' must be finite and > 0, got -2.0", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> SimulatedLearner.builder().domain("x", 4, 1, 1, 1).transfer("y", "x", 1).build());
    assertThrows(IllegalArgumentException.class, () -> SimulatedLearner.builder().build());
    assertThrows(IllegalArgumentException.class, () -> SimulatedLearner.builder().memorisation(0));
  }

  @Test
  void simulationRunsAPolicyAndRecordsEveryStep() {
    SimulatedLearner l = SimulatedLearner.demo(1);
    DataMixer mixer = new DataMixer(PolicyRegistry.load().create("uniform",
        PolicyContext.of(l.domains(), 1), Map.of()), SamplerOptions.seed(1));
    List<Simulation.StepRecord> r = new Simulation(mixer, l, 32).run(50);
    assertEquals(50, r.size());
    assertEquals(49, r.get(49).step());
    assertEquals(32, r.get(0).blocks().length);
    double total = 0;
    for (double t : l.tokensSeen()) {
      total += t;
    }
    assertEquals(50 * 32 * 128, total, 0);
  }
}
