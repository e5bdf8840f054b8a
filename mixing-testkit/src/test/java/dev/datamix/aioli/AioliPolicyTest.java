package dev.datamix.aioli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.mixture.Domain;
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
import dev.datamix.state.Json;
import dev.datamix.testkit.MixingPolicyContractTest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AioliPolicyTest {
  static final PolicyRegistry REGISTRY = PolicyRegistry.load();
  static final Map<String, Object> SHORT = Map.of("updateSteps", 40, "lpSteps", 2);

  @Nested
  class Contract extends MixingPolicyContractTest {
    @Override
    protected MixingPolicy newPolicy(PolicyContext c) {
      return REGISTRY.create("aioli", c, SHORT);
    }
  }

  @Nested
  class RestrictedContract extends MixingPolicyContractTest {
    @Override
    protected MixingPolicy newPolicy(PolicyContext c) {
      Map<String, Object> cfg = new HashMap<>(SHORT);
      cfg.put("priorSteps", 30);
      cfg.put("prior", "proportional");
      cfg.put("ema", "none");
      return REGISTRY.create("aioli", c, cfg);
    }
  }

  static List<Domain> domains(int k) {
    Domain[] d = new Domain[k];
    for (int i = 0; i < k; i++) {
      d[i] = Domain.ofBlocks("d" + i, 1000, 128);
    }
    return List.of(d);
  }

  /**
   * Feeds the held-out losses a planted linear law produces, {@code L ← L − A·p} after each
   * segment trained on {@code p}, and returns the policy after one round.
   */
  static AioliPolicy planted(double[][] a, Map<String, Object> config) {
    return planted(a, config, 1);
  }

  /** As above for {@code rounds} rounds, the law scaled by {@code r + 1} in round {@code r}. */
  static AioliPolicy planted(double[][] a, Map<String, Object> config, int rounds) {
    int k = a.length;
    AioliPolicy p = (AioliPolicy) REGISTRY.create("aioli", PolicyContext.of(domains(k), 3),
        config);
    double[] loss = new double[k];
    Arrays.fill(loss, 50.0);
    long update = ((Number) config.get("updateSteps")).longValue();
    long lpSteps = ((Number) config.getOrDefault("lpSteps", 3)).longValue();
    long lpRounds = ((Number) config.getOrDefault("lpRounds", 1)).longValue();
    for (long t = 0; t < update * rounds; t++) {
      if (p.signalsFor(t).contains(SignalKind.HELD_OUT_LOSS)) {
        p.observe(new Observation.HeldOutLoss(t, DoubleVector.of(loss.clone())));
      }
      Mixture m = p.mixture(t);
      long offset = t % update;
      if ((offset + 1) % lpSteps == 0 && offset < k * lpSteps * lpRounds) {
        for (int i = 0; i < k; i++) {
          for (int j = 0; j < k; j++) {
            loss[i] -= (t / update + 1) * a[i][j] * m.weight(j);
          }
        }
      }
    }
    return p;
  }

  static final double[][] LAW = {{0.30, 0.05, 0.00}, {0.02, 0.20, 0.10}, {0.00, 0.08, 0.40}};

  @Test
  void theLinearSolveRecoversAPlantedLawExactly() {
    AioliPolicy p = planted(LAW, Map.of("updateSteps", 20, "lpRounds", 2, "normalizeA", false,
        "ema", "none", "eta", 2.0));
    double[][] a = p.law();
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        assertEquals(LAW[i][j], a[i][j], 1e-12, "A[" + i + "][" + j + "]");
      }
    }
    double[] cols = {0.32, 0.33, 0.50};
    double[] w = new double[3];
    double sum = 0;
    for (int j = 0; j < 3; j++) {
      w[j] = Math.exp(2.0 * cols[j]);
      sum += w[j];
    }
    for (int j = 0; j < 3; j++) {
      assertEquals(w[j] / sum, p.mixture(19).weight(j), 1e-12, "weight " + j);
    }
    assertEquals(1, p.roundsUpdated());
  }

  @Test
  void theDiagonalModeKeepsOnlyTheOwnDecreaseDividedByTheFactor() {
    AioliPolicy p = planted(LAW, Map.of("updateSteps", 20, "normalizeA", false, "diagonal",
        true, "oneHotFactor", 0.6));
    double[][] a = p.law();
    double b = 0.4 / 2;
    for (int i = 0; i < 3; i++) {
      double own = 0.6 * LAW[i][i] + b * (LAW[i][0] + LAW[i][1] + LAW[i][2] - LAW[i][i]);
      assertEquals(own / 0.6, a[i][i], 1e-12, "A[" + i + "][" + i + "]");
      for (int j = 0; j < 3; j++) {
        if (j != i) {
          assertEquals(0.0, a[i][j], 0.0);
        }
      }
    }
  }

  @Test
  void theEmaSmoothsTheLawsAcrossRounds() {
    AioliPolicy p = planted(LAW, Map.of("updateSteps", 20, "normalizeA", false, "ema", 0.25),
        2);
    double[][] s = p.smoothedLaw();
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        assertEquals(0.75 * 2 * LAW[i][j] + 0.25 * LAW[i][j], s[i][j], 1e-12);
        assertEquals(2 * LAW[i][j], p.law()[i][j], 1e-12);
      }
    }
    assertEquals(2, p.roundsUpdated());
  }

  @Test
  void normalisationShiftsToNonNegativeAndScalesToSumOne() {
    double[][] g = {{0.3, -0.1}, {0.1, 0.5}};
    double[][] a = {g[0].clone(), g[1].clone()};
    MixingLawEstimate.normalise(a);
    assertEquals(0.4 / 1.2, a[0][0], 1e-15);
    assertEquals(0.0, a[0][1], 1e-15);
    assertEquals(0.6 / 1.2, a[1][1], 1e-15);
  }

  @Test
  void learnParamsSweepsEveryDomainOncePerSweepOnSmoothedOneHotsThenTrainsTheWeights() {
    int k = 4;
    MixingPolicy p = REGISTRY.create("aioli", PolicyContext.of(domains(k), 9),
        Map.of("updateSteps", 30, "lpSteps", 3, "lpRounds", 2, "oneHotFactor", 0.7));
    int[] seen = new int[k];
    for (long t = 0; t < 60; t++) {
      boolean measure = p.signalsFor(t).contains(SignalKind.HELD_OUT_LOSS);
      long offset = t % 30;
      assertEquals(offset % 3 == 0 && offset <= 24, measure, "held-out request at step " + t);
      Mixture m = p.mixture(t);
      if (offset < 24) {
        int top = 0;
        for (int i = 1; i < k; i++) {
          top = m.weight(i) > m.weight(top) ? i : top;
        }
        assertEquals(0.7, m.weight(top), 1e-12, "step " + t);
        assertEquals(0.1, m.weight((top + 1) % k), 1e-12, "step " + t);
        if (offset % 3 == 0 && t < 30) {
          seen[top]++;
        }
      }
    }
    assertEquals(List.of(2, 2, 2, 2), Arrays.stream(seen).boxed().toList(), "two sweeps");
  }

  /**
   * On the demo learner ({@code related} and {@code hard} transfer to each other, nothing else
   * does), one LearnParams of 2 sweeps × 5 domains × 20 steps from step 0, unnormalised, over 10
   * seeds. In every seed each domain lowers its own loss and the two transfer entries are
   * positive. One estimate also carries spurious off-diagonal entries as large as the planted ones
   * (diminishing returns make a segment's effect depend on when in the sweep it runs); averaged
   * over the seeds' random orders they fall away, and the two planted entries are the largest off
   * the diagonal, by more than 0.05 (measured: 0.180 and 0.169 against at most 0.072).
   */
  @Test
  void findsTheDemoLearnersTransferStructure() {
    double[][] mean = new double[5][5];
    List<String> names = Domain.names(SimulatedLearner.demo(1).domains());
    int hard = names.indexOf("hard");
    int related = names.indexOf("related");
    for (long seed = 1; seed <= 10; seed++) {
      SimulatedLearner learner = SimulatedLearner.demo(seed);
      AioliPolicy policy = (AioliPolicy) REGISTRY.create("aioli",
          new PolicyContext(learner.domains(), seed, 400, 32), Map.of("updateSteps", 400,
              "lpSteps", 20, "lpRounds", 2, "normalizeA", false));
      new Simulation(new DataMixer(policy, SamplerOptions.seed(seed)), learner, 32).run(201);
      double[][] a = policy.law();
      for (int i = 0; i < 5; i++) {
        assertTrue(a[i][i] > 0, "seed " + seed + ": own decrease of " + names.get(i));
        for (int j = 0; j < 5; j++) {
          mean[i][j] += a[i][j] / 10;
        }
      }
      assertTrue(a[related][hard] > 0 && a[hard][related] > 0, "seed " + seed + ": transfer "
          + a[related][hard] + ", " + a[hard][related]);
    }
    double planted = Math.min(mean[related][hard], mean[hard][related]);
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < 5; j++) {
        boolean transfer = (i == related && j == hard) || (i == hard && j == related);
        if (i != j && !transfer) {
          assertTrue(mean[i][j] < planted - 0.05, "mean A[" + names.get(i) + "][" + names.get(j)
              + "] = " + mean[i][j] + " vs planted " + planted);
        }
      }
    }
  }

  @Test
  void restrictedModeTrainsThePriorSpecThenStartsItsRounds() {
    List<Domain> d = domains(3);
    String spec = "{\"policy\": \"explicit\", \"config\": {\"weights\": {\"d0\": 0.6, "
        + "\"d1\": 0.3, \"d2\": 0.1}}}";
    Map<String, Object> cfg = Map.of("updateSteps", 20, "lpSteps", 2, "priorSteps", 50,
        "prior", Json.mapper().convertValue(Json.parse(spec), Map.class));
    MixingPolicy p = REGISTRY.create("aioli", new PolicyContext(d, 1, 200, 8), cfg);
    for (long t = 0; t < 50; t++) {
      assertFalse(p.signalsFor(t).contains(SignalKind.HELD_OUT_LOSS), "prior step " + t);
      assertEquals(0.6, p.mixture(t).weight("d0"), 1e-12, "prior step " + t);
    }
    assertTrue(p.signalsFor(50).contains(SignalKind.HELD_OUT_LOSS), "round 0 opens at 50");
    assertEquals(0.75, Arrays.stream(p.mixture(50).toArray()).max().orElseThrow(), 1e-12);
    assertEquals(List.of(), p.planNotices());
  }

  @Test
  void aRoundWithoutItsLastMeasurementUsesWhatCameAndOneWithoutAnyKeepsTheWeights() {
    MixingPolicy p = REGISTRY.create("aioli", PolicyContext.of(domains(3), 2),
        Map.of("updateSteps", 20, "lpSteps", 2));
    for (long t = 0; t < 40; t++) {
      p.signalsFor(t);
      p.mixture(t);
    }
    assertEquals(Mixture.uniform(p.mixture(39).names()), p.mixture(39));
    assertEquals(2, ((AioliPolicy) p).roundsWithoutMeasurements());
    assertEquals(0, ((AioliPolicy) p).roundsUpdated());
  }

  @Test
  void refusesConfigsWhoseLawCannotBeEstimatedNamingTheKeys() {
    var e = assertThrows(IllegalArgumentException.class, () -> REGISTRY.create("aioli",
        PolicyContext.of(domains(5), 1), Map.of("updateSteps", 15, "lpSteps", 3)));
    assertTrue(e.getMessage().contains("updateSteps 15") && e.getMessage().contains("= 15"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> REGISTRY.create("aioli",
        PolicyContext.of(domains(4), 1), Map.of("oneHotFactor", 0.25)));
    assertTrue(e.getMessage().contains("oneHotFactor 0.25"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> REGISTRY.create("aioli",
        PolicyContext.of(domains(3), 1), Map.of("prior", Map.of("policy", "velocitune"))));
    assertTrue(e.getMessage().contains("prior"), e.getMessage());
  }

  @Test
  void warnsWhenTheLastRoundsLearnParamsOutlastsTheRun() {
    MixingPolicy p = REGISTRY.create("aioli", new PolicyContext(domains(3), 1, 305, 8),
        Map.of());
    assertEquals(1, p.planNotices().size(), p.planNotices().toString());
    assertTrue(p.planNotices().get(0).contains("starts at step 300"), p.planNotices().get(0));
  }
}
