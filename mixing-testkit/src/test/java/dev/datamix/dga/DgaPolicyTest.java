package dev.datamix.dga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.demo.DemoCorpus;
import dev.datamix.mixture.Mixture;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.testkit.MixingPolicyContractTest;
import dev.datamix.policy.PolicyContext;
import dev.datamix.policy.PolicyRegistry;
import dev.datamix.run.DataMixer;
import dev.datamix.sampler.SamplerOptions;
import dev.datamix.signal.DoubleVector;
import dev.datamix.signal.Observation;
import dev.datamix.sim.SimulatedLearner;
import dev.datamix.sim.Simulation;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DgaPolicyTest {
  static final PolicyRegistry REGISTRY = PolicyRegistry.load();

  @Nested
  class Contract extends MixingPolicyContractTest {
    @Override
    protected MixingPolicy newPolicy(PolicyContext c) {
      return REGISTRY.create("dga", c, Json.parse("{\"updateEvery\": 7}"));
    }
  }

  @Nested
  class BasisContract extends MixingPolicyContractTest {
    @Override
    protected MixingPolicy newPolicy(PolicyContext c) {
      return REGISTRY.create("dga", c, Json.parse("{\"updateEvery\": 5, \"basis\": ["
          + "{\"easy\": 1, \"noisy\": 1}, {\"related\": 2, \"hard\": 1}, {\"small\": 1}]}"));
    }
  }

  @Nested
  class ImportanceContract extends MixingPolicyContractTest {
    @Override
    protected MixingPolicy newPolicy(PolicyContext c) {
      return REGISTRY.create("importance", c, Json.parse("{\"scores\": {\"easy\": 1, "
          + "\"noisy\": 0.5, \"related\": 3, \"hard\": 1, \"small\": 0.2}, "
          + "\"temperature\": 2}"));
    }
  }

  static List<Simulation.StepRecord> run(SimulatedLearner learner, JsonNode config, long steps) {
    DataMixer mixer = new DataMixer(REGISTRY.create("dga",
        new PolicyContext(learner.domains(), 1, steps, 16), config), SamplerOptions.seed(1));
    return new Simulation(mixer, learner, 16).run(steps);
  }

  @Test
  void weightsMoveToTheDomainsThatTransferToTheTarget() {
    List<Simulation.StepRecord> r = run(SimulatedLearner.demo(2),
        Json.parse("{\"updateEvery\": 10, \"learningRate\": 2}"), 600);
    Mixture end = r.get(r.size() - 1).mixture();
    Mixture start = r.get(0).mixture();
    assertTrue(end.weight("related") > 0.5, end.toString());
    assertTrue(end.weight("related") > end.weight("hard") && end.weight("hard")
        > end.weight("noisy"), end.toString());
    assertTrue(end.weight("noisy") < start.weight("noisy") / 3, start + " -> " + end);
  }

  private static double meanChange(List<Simulation.StepRecord> r, int every) {
    double total = 0;
    int n = 0;
    for (int t = every; t < r.size(); t += every) {
      total += r.get(t).mixture().maxAbsDifference(r.get(t - every).mixture());
      n++;
    }
    return total / n;
  }

  @Test
  void theMovingAverageRemovesOscillation() {
    SimulatedLearner noisy = SimulatedLearner.builder().seed(4).blockLength(64)
        .tokenScale(2_000).domain("a", 2_000, 1.0, 2.0, 0.4).domain("b", 2_000, 1.0, 2.0, 0.4)
        .domain("c", 2_000, 1.0, 2.0, 0.4)
        .target(1.0, 2.0, 0.4, Map.of("a", 0.5, "b", 0.45, "c", 0.05))
        .alignmentNoise(1.5).build();
    String base = "\"updateEvery\": 5, \"learningRate\": 4, \"clip\": 0, \"smoothing\": 0.05, ";
    double without = meanChange(run(noisy.copy(), Json.parse("{" + base + "\"ema\": 0}"), 400),
        5);
    double with = meanChange(run(noisy.copy(), Json.parse("{" + base + "\"ema\": 0.9}"), 400),
        5);
    assertTrue(with < without / 3, "mean weight change per update: without EMA " + without
        + ", with EMA " + with);
  }

  /** Two updates by hand: where the second one starts is all that differs between the forms. */
  @Test
  void theEmaFormSaysWhereTheNextUpdateStarts() {
    List<dev.datamix.mixture.Domain> ds = List.of(dev.datamix.mixture.Domain.ofBlocks("a", 10, 4),
        dev.datamix.mixture.Domain.ofBlocks("b", 10, 4));
    String base = "{\"updateEvery\": 1, \"learningRate\": 1, \"normaliseScores\": false, "
        + "\"clip\": 0, \"smoothing\": 0, \"ema\": 0.5, \"initialWeights\": \"uniform\", ";
    double[][] scores = {{1, 0}, {0, 1}};
    double[] expectSampler = new double[2];
    double[] expectState = new double[2];
    // sampler form: raw β1 = softmax(log(.5,.5) + (1,0)); β2 = softmax(log β1 + (0,1)) = (.5,.5)
    double b1a = Math.E / (Math.E + 1);
    double[] avg1 = {0.5 * 0.5 + 0.5 * b1a, 0.5 * 0.5 + 0.5 * (1 - b1a)};
    expectSampler[0] = 0.5 * avg1[0] + 0.5 * 0.5;
    expectSampler[1] = 0.5 * avg1[1] + 0.5 * 0.5;
    // state form: β2 = softmax(log avg1 + (0,1))
    double za = avg1[0];
    double zb = avg1[1] * Math.E;
    expectState[0] = 0.5 * avg1[0] + 0.5 * za / (za + zb);
    expectState[1] = 0.5 * avg1[1] + 0.5 * zb / (za + zb);
    for (String form : List.of("sampler", "state")) {
      DgaPolicy p = (DgaPolicy) REGISTRY.create("dga", PolicyContext.of(ds, 1),
          Json.parse(base + "\"emaForm\": \"" + form + "\"}"));
      for (int t = 0; t < 2; t++) {
        p.signalsFor(t);
        p.observe(new Observation.GradientAlignment(t, DoubleVector.of(scores[t]),
            DoubleVector.of(1, 1), 1, DoubleVector.empty()));
      }
      double[] expected = form.equals("sampler") ? expectSampler : expectState;
      assertEquals(expected[0], p.averagedWeights()[0], 1e-12, form);
      assertEquals(expected[1], p.averagedWeights()[1], 1e-12, form);
    }
    assertTrue(Math.abs(expectSampler[0] - expectState[0]) > 0.01, "the forms differ");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> REGISTRY.create("dga",
        PolicyContext.of(ds, 1), Json.parse("{\"emaForm\": \"iterate\"}"))).getMessage()
        .contains("emaForm"));
  }

  @Test
  void distributionReweightingMovesTheBasisThatHoldsTheTransferringDomain() {
    List<Simulation.StepRecord> r = run(SimulatedLearner.demo(3), Json.parse("{\"updateEvery\":"
        + " 10, \"learningRate\": 2, \"basis\": [{\"easy\": 1, \"noisy\": 1, \"small\": 1}, "
        + "{\"related\": 1, \"hard\": 1}]}"), 600);
    DataMixer check = new DataMixer(REGISTRY.create("dga", PolicyContext.of(
        SimulatedLearner.demo(3).domains(), 1), Json.parse("{\"basis\": [{\"easy\": 1}]}")),
        SamplerOptions.seed(1));
    assertEquals(1.0, check.mixture(0).weight("easy"), 1e-12);
    Mixture end = r.get(r.size() - 1).mixture();
    assertTrue(end.weight("related") + end.weight("hard") > 0.8, end.toString());
    assertEquals(end.weight("related"), end.weight("hard"), 1e-9, "one basis moves as one");
  }

  @Test
  void badConfigIsRejectedNamingTheKey() {
    PolicyContext c = PolicyContext.of(SimulatedLearner.demo(1).domains(), 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> REGISTRY.create("dga", c, Json.parse("{\"basis\": [{\"nope\": 1}]}")));
    assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
    IllegalArgumentException ema = assertThrows(IllegalArgumentException.class,
        () -> REGISTRY.create("dga", c, Json.parse("{\"ema\": 1.0}")));
    assertTrue(ema.getMessage().contains("'ema'"), ema.getMessage());
  }

  @Test
  void importanceWeightsFollowTheScoresAndTheDemoTargetLooksLikeArithAndCode(
      @TempDir Path dir) throws IOException {
    PolicyContext c = PolicyContext.of(SimulatedLearner.demo(1).domains(), 1);
    Mixture m = REGISTRY.create("importance", c, Json.parse("{\"scores\": {\"easy\": 1, "
        + "\"hard\": 3, \"noisy\": 0, \"small\": 0, \"related\": 4}}")).mixture(0);
    assertEquals(0.5, m.weight("related"), 1e-12);
    DemoCorpus.write(dir.resolve("c"), 40_000, 64, 1);
    try (Corpus corpus = Corpus.open(dir.resolve("c"))) {
      Map<String, Double> s = TargetSimilarity.scores(corpus,
          List.of("template", "arith", "code", "noise", "small"), "target_mix", 16, 20_000, 0.1);
      assertTrue(s.get("arith") > s.get("template") && s.get("code") > s.get("template")
          && s.get("template") > s.get("noise") * 0.999, s.toString());
      assertEquals(1.0, Math.max(s.get("arith"), s.get("code")), 1e-12, "best scores 1");
    }
  }
}
