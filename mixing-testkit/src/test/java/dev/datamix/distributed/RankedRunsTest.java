package dev.datamix.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.mixture.Domain;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.policy.MixingPolicyProvider;
import dev.datamix.policy.PolicyContext;
import dev.datamix.policy.PolicyRegistry;
import dev.datamix.run.DataMixer;
import dev.datamix.sampler.SamplerOptions;
import dev.datamix.sim.RankedSimulation;
import dev.datamix.sim.SimulatedLearner;
import dev.datamix.state.Json;
import dev.datamix.testkit.SampleConfigs;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Data-parallel ranks hold one policy state: for every registered policy, W simulated ranks in
 * one JVM, each with its own {@link DataMixer} and only its share of each batch's signals, draw
 * together the global batch a single process draws, block for block, and every rank's snapshot
 * equals the single process's at every step, for W = 1, 2, 3, 4 and 8. Elastic resume: a run
 * checkpointed at W = 4 continues at W = 2 and then W = 3 exactly as the single process does.
 */
class RankedRunsTest {
  static final int BATCH = 24;
  static final long STEPS = 40;

  static Stream<Arguments> policies() {
    return PolicyRegistry.load().providers().stream().map(p -> Arguments.of(p.name()));
  }

  private static final String SHARDED_LFR = "lfr-sharded";

  private static JsonNode spec(String name, List<Domain> domains) {
    if (name.equals(SHARDED_LFR)) {
      return Json.parse("{\"policy\": \"lfr\", \"config\": {\"learnEpochs\": 0.05, "
          + "\"focus1Epochs\": 0.05, \"reviewEpochs\": 0.05, \"focus2Epochs\": 0.05, "
          + "\"storeSharding\": \"ranks\"}}");
    }
    MixingPolicyProvider p = PolicyRegistry.load().providers().stream()
        .filter(x -> x.name().equals(name)).findFirst().orElseThrow();
    JsonNode config = SampleConfigs.forPolicy(p, Domain.names(domains), STEPS);
    if (name.equals("lfr")) { // phases short enough to reach Focus and Review within the run
      config = Json.parse("{\"learnEpochs\": 0.05, \"focus1Epochs\": 0.05, \"reviewEpochs\": "
          + "0.05, \"focus2Epochs\": 0.05}");
    }
    return Json.object().put("policy", name).set("config", config);
  }

  private static DataMixer mixer(String name, List<Domain> domains, Collective c) {
    MixingPolicy policy = PolicyRegistry.load().create(new PolicyContext(domains, 7, STEPS,
        BATCH, c), spec(name, domains));
    return new DataMixer(policy, SamplerOptions.seed(7).withAllocation(
        policy.preferredAllocation()), null, c);
  }

  private static List<RankedSimulation.Step> run(String name, int worldSize, long first,
      long steps, SimulatedLearner learner, SimulatedLearner reference, JsonNode restore)
      throws Exception {
    return RankedSimulation.run(worldSize, c -> {
      DataMixer m = mixer(name, learner.domains(), c);
      if (restore != null) {
        m.restore(restore);
      }
      return m;
    }, learner, reference, BATCH, first, steps);
  }

  @ParameterizedTest
  @MethodSource("policies")
  void everyWorldSizeDrawsTheSingleProcessBatchesAndHoldsItsState(String name)
      throws Exception {
    List<RankedSimulation.Step> single = run(name, 1, 0, STEPS, SimulatedLearner.demo(3),
        SimulatedLearner.demo(4), null);
    for (int w : new int[] {2, 3, 4, 8}) {
      List<RankedSimulation.Step> ranked = run(name, w, 0, STEPS, SimulatedLearner.demo(3),
          SimulatedLearner.demo(4), null);
      for (int i = 0; i < STEPS; i++) {
        RankedSimulation.Step s = single.get(i);
        RankedSimulation.Step r = ranked.get(i);
        assertArrayEquals(s.domains(), r.domains(), name + " W=" + w + " step " + i);
        assertArrayEquals(s.blocks(), r.blocks(), name + " W=" + w + " step " + i);
        for (int rank = 0; rank < w; rank++) {
          assertEquals(s.snapshots().get(0), r.snapshots().get(rank), name + " W=" + w
              + " rank " + rank + " step " + i);
        }
      }
    }
  }

  /**
   * LFR with its store split by block over the ranks: each rank keeps 1/W of the losses, the
   * threshold search all-reduces its histograms, and the kept blocks are gathered, so the
   * batches, which follow the kept blocks, are the single process's (replicated store) at
   * every step, through both Focus phases.
   */
  @org.junit.jupiter.api.Test
  void lfrWithAStoreShardedOverTheRanksSelectsAsOneProcessDoes() throws Exception {
    List<RankedSimulation.Step> single = run("lfr", 1, 0, STEPS, SimulatedLearner.demo(3),
        null, null);
    long focused = single.stream().filter(s -> s.snapshots().get(0).contains("\"kept\""))
        .count();
    org.junit.jupiter.api.Assertions.assertTrue(focused > STEPS / 4, "the run spends "
        + focused + " steps in a Focus phase");
    for (int w : new int[] {2, 3, 4, 8}) {
      List<RankedSimulation.Step> sharded = run(SHARDED_LFR, w, 0, STEPS,
          SimulatedLearner.demo(3), null, null);
      for (int i = 0; i < STEPS; i++) {
        assertArrayEquals(single.get(i).blocks(), sharded.get(i).blocks(), "W=" + w + " step "
            + i);
        JsonNode one = Json.parse(single.get(i).snapshots().get(0)).path("policy")
            .path("state").path("domains");
        for (int rank = 0; rank < w; rank++) {
          JsonNode mine = Json.parse(sharded.get(i).snapshots().get(rank)).path("policy")
              .path("state").path("domains");
          for (int d = 0; d < one.size(); d++) {
            assertEquals(one.get(d).path("kept"), mine.get(d).path("kept"), "W=" + w
                + " rank " + rank + " step " + i + " domain " + d);
            assertEquals(one.get(d).path("phase"), mine.get(d).path("phase"));
          }
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("policies")
  void aRunResumedAtOtherWorldSizesContinuesExactly(String name) throws Exception {
    List<RankedSimulation.Step> single = run(name, 1, 0, STEPS, SimulatedLearner.demo(3),
        SimulatedLearner.demo(4), null);
    SimulatedLearner learner = SimulatedLearner.demo(3);
    SimulatedLearner reference = SimulatedLearner.demo(4);
    List<RankedSimulation.Step> a = run(name, 4, 0, 15, learner, reference, null);
    List<RankedSimulation.Step> b = run(name, 2, 15, 10, learner, reference,
        Json.parse(a.get(14).snapshots().get(0)));
    List<RankedSimulation.Step> c = run(name, 3, 25, STEPS - 25, learner, reference,
        Json.parse(b.get(9).snapshots().get(1)));
    List<RankedSimulation.Step> elastic = new java.util.ArrayList<>(a);
    elastic.addAll(b);
    elastic.addAll(c);
    for (int i = 0; i < STEPS; i++) {
      assertArrayEquals(single.get(i).blocks(), elastic.get(i).blocks(), name + " step " + i);
      assertEquals(single.get(i).snapshots().get(0), elastic.get(i).snapshots().get(0),
          name + " step " + i);
    }
  }
}
