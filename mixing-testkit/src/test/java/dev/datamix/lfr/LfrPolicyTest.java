package dev.datamix.lfr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.mixture.Domain;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.testkit.MixingPolicyContractTest;
import dev.datamix.policy.PolicyContext;
import dev.datamix.policy.PolicyRegistry;
import dev.datamix.run.DataMixer;
import dev.datamix.sampler.SamplerOptions;
import dev.datamix.signal.BlockLosses;
import dev.datamix.signal.SignalKind;
import dev.datamix.sim.SimulatedLearner;
import dev.datamix.sim.Simulation;
import dev.datamix.state.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class LfrPolicyTest {
  static final PolicyRegistry REGISTRY = PolicyRegistry.load();

  static SimulatedLearner small() {
    return SimulatedLearner.builder().seed(9).blockLength(32).tokenScale(5_000)
        .domain("a", 60, 1.0, 2.0, 0.5).domain("b", 90, 1.5, 3.0, 0.3)
        .domain("c", 40, 2.0, 1.0, 0.5).difficultySpread(0.6).memorisation(0.95).noise(0.01)
        .build();
  }

  @Nested
  class Contract extends MixingPolicyContractTest {
    @Override
    protected SimulatedLearner newLearner() {
      return small();
    }

    @Override
    protected MixingPolicy newPolicy(PolicyContext c) {
      return REGISTRY.create("lfr", c, Json.parse("{\"focus2Reps\": 2}"));
    }
  }

  @Nested
  class SoftComposedContract extends MixingPolicyContractTest {
    @Override
    protected SimulatedLearner newLearner() {
      return small();
    }

    @Override
    protected MixingPolicy newPolicy(PolicyContext c) {
      return REGISTRY.create("lfr", c, Json.parse("{\"selection\": \"soft\", \"storage\": "
          + "\"offheap\", \"domainPolicy\": {\"policy\": \"temperature\", \"config\": "
          + "{\"temperature\": 2}}}"));
    }
  }

  @Test
  void focusKeepsExactlyTheHardestFractionAndReviewRemeasures() {
    SimulatedLearner learner = SimulatedLearner.builder().seed(2).blockLength(32)
        .domain("x", 200, 1.0, 2.0, 0.3).difficultySpread(0.5).build();
    LfrPolicy p = (LfrPolicy) REGISTRY.create("lfr", PolicyContext.of(learner.domains(), 1),
        Json.object());
    Simulation sim = new Simulation(new DataMixer(p, SamplerOptions.seed(1)), learner, 10);
    while (p.phaseOf(0) == 0) {
      sim.step();
    }
    // the last Learn step's losses are in the store at the switch; recompute from the store
    float[] atSwitch = means(p.store(0), 200);
    int[] kept = p.keptBlocks(0);
    assertEquals(100, kept.length, "exactly half of 200 visited blocks");
    float[] sorted = atSwitch.clone();
    Arrays.sort(sorted);
    float threshold = sorted[100];
    for (int b : kept) {
      assertTrue(atSwitch[b] >= threshold, "kept block " + b + " below the median");
    }
    // one Learn epoch measured every block, and Focus kept exactly the 100 with the highest
    // mean loss (ties to the lowest index)
    Integer[] byLoss = new Integer[200];
    for (int b = 0; b < 200; b++) {
      assertFalse(Float.isNaN(atSwitch[b]), "block " + b + " was measured in Learn");
      byLoss[b] = b;
    }
    Arrays.sort(byLoss, (x, y) -> atSwitch[x] != atSwitch[y]
        ? Float.compare(atSwitch[y], atSwitch[x]) : Integer.compare(x, y));
    int[] hardest = new int[100];
    for (int i = 0; i < 100; i++) {
      hardest[i] = byLoss[i];
    }
    Arrays.sort(hardest);
    assertArrayEquals(hardest, kept);
    // Focus draws only kept blocks
    List<Simulation.StepRecord> focus = new ArrayList<>();
    while (p.phaseOf(0) == 1) {
      focus.add(sim.step());
    }
    for (Simulation.StepRecord r : focus.subList(0, focus.size() - 1)) {
      for (long b : r.blocks()) {
        assertTrue(Arrays.binarySearch(kept, (int) b) >= 0, "block " + b + " drawn in Focus");
      }
    }
    // Review: the store was cleared and records all blocks again
    assertEquals(2, p.phaseOf(0));
    assertEquals(200, p.keptBlocks(0).length);
    int visited = 0;
    for (int b = 0; b < 200; b++) {
      visited += p.store(0).visits(b) > 0 ? 1 : 0;
    }
    assertTrue(visited < 20, "review started from an empty store, visited " + visited);
  }

  private static float[] means(BlockLossStore s, int n) {
    float[] m = new float[n];
    for (int b = 0; b < n; b++) {
      m[b] = s.mean(b);
    }
    return m;
  }

  @Test
  void blocksNeverVisitedInLearnAreKept() {
    List<Domain> d = List.of(new Domain("x", 1000, 1000L * 32));
    LfrPolicy p = (LfrPolicy) REGISTRY.create("lfr", PolicyContext.of(d, 1), Json.object());
    // 400 distinct blocks, visited until one epoch (1000 draws) has passed
    int[] doms = new int[100];
    long[] blocks = new long[100];
    float[] losses = new float[100];
    for (int step = 0; step < 10; step++) {
      p.signalsFor(step);
      for (int i = 0; i < 100; i++) {
        blocks[i] = (step * 100L + i) % 400;
        losses[i] = (float) (blocks[i] % 97) / 10f;
      }
      p.observe(BlockLosses.of(step, doms, blocks, losses, 100));
    }
    assertEquals(1, p.phaseOf(0));
    assertEquals(200 + 600, p.keptBlocks(0).length, "top half of 400 visited + 600 unvisited");
  }

  @Test
  void softSelectionKeepsTheExpectedFractionFavouringHardBlocks() {
    List<Domain> d = List.of(new Domain("x", 4000, 4000L * 32));
    LfrPolicy p = (LfrPolicy) REGISTRY.create("lfr", PolicyContext.of(d, 3),
        Json.parse("{\"selection\": \"soft\", \"softGamma\": 2, \"softFloor\": 0.05}"));
    int[] doms = new int[400];
    long[] blocks = new long[400];
    float[] losses = new float[400];
    for (int step = 0; step < 10; step++) {
      p.signalsFor(step);
      for (int i = 0; i < 400; i++) {
        blocks[i] = step * 400L + i;
        losses[i] = (float) (blocks[i] % 100) / 25f; // 0 .. 4 nats
      }
      p.observe(BlockLosses.of(step, doms, blocks, losses, 400));
    }
    int[] kept = p.keptBlocks(0);
    assertEquals(2000, kept.length, 120, "expected half of 4000");
    int hard = 0;
    int easy = 0;
    for (int b : kept) {
      if (b % 100 >= 75) {
        hard++;
      } else if (b % 100 < 25) {
        easy++;
      }
    }
    assertTrue(hard > 900 && easy > 0 && easy < hard / 3, "hard " + hard + ", easy " + easy);
  }

  @Test
  void aDomainPolicySetsTheWeightsAndItsSignalsAreRequested() {
    PolicyContext c = PolicyContext.of(small().domains(), 1);
    MixingPolicy p = REGISTRY.create("lfr", c, Json.parse("{\"domainPolicy\": {\"policy\": "
        + "\"velocitune\", \"config\": {\"targetLosses\": {\"a\": 1, \"b\": 1, \"c\": 1}, "
        + "\"updateEvery\": 5}}}"));
    assertTrue(p.signalsFor(0).contains(SignalKind.HELD_OUT_LOSS));
    assertTrue(p.signalsFor(1).contains(SignalKind.BLOCK_LOSSES));
    MixingPolicy t = REGISTRY.create("lfr", c, Json.parse("{\"domainPolicy\": {\"policy\": "
        + "\"temperature\", \"config\": {\"temperature\": 2}}}"));
    assertEquals(REGISTRY.create("temperature", c, Json.parse("{\"temperature\": 2}"))
        .mixture(0), t.mixture(0));
  }

  @Test
  void hardSelectionEqualsSortingWithTiesAndUnvisitedBlocks() {
    SplittableRandom r = new SplittableRandom(11);
    for (int n : new int[] {1, 3, 64, 1000, 4099}) {
      for (double drop : new double[] {0, 0.3, 0.5, 0.9, 1}) {
        BlockLossStore store = BlockLossStore.onHeap(n);
        List<Integer> visited = new ArrayList<>();
        List<Integer> kept = new ArrayList<>();
        for (int b = 0; b < n; b++) {
          if (r.nextInt(10) == 0) {
            kept.add(b); // never visited: always kept
          } else {
            store.record(b, r.nextInt(12) / 4f - 1); // heavy ties, negative values, zero
            visited.add(b);
          }
        }
        float[] m = means(store, n);
        visited.sort((x, y) -> m[x] != m[y] ? Float.compare(m[y], m[x]) : Integer.compare(x, y));
        kept.addAll(visited.subList(0, (int) Math.round(visited.size() * (1 - drop))));
        int[] expected = kept.stream().mapToInt(Integer::intValue).sorted().toArray();
        assertArrayEquals(expected, LfrPolicy.hardSelection(store, drop),
            "n=" + n + " drop=" + drop);
      }
    }
    for (double bad : new double[] {-0.1, 1.5, Double.NaN}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> LfrPolicy.hardSelection(BlockLossStore.onHeap(4), bad));
      assertTrue(e.getMessage().contains("drop") && e.getMessage().contains(String.valueOf(bad)),
          e.getMessage());
    }
  }

  @Test
  void theThresholdSearchAgreesWithSorting() {
    SplittableRandom r = new SplittableRandom(5);
    for (int n : new int[] {1, 2, 7, 100, 1001}) {
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        v[i] = r.nextInt(50) / 7f - (i % 5 == 0 ? 3 : 0); // ties, zero and negative values
      }
      float[] desc = v.clone();
      Arrays.sort(desc);
      for (int i = 0; i < n / 2; i++) {
        float t = desc[i];
        desc[i] = desc[n - 1 - i];
        desc[n - 1 - i] = t;
      }
      for (int k = 1; k <= n; k += Math.max(1, n / 13)) {
        long kk = k;
        dev.datamix.distributed.ThresholdSearch.Threshold t =
            dev.datamix.distributed.ThresholdSearch.kthLargest(
                high -> dev.datamix.distributed.ThresholdSearch.histogram(i -> v[i], n, high),
                total -> kk);
        assertEquals(desc[k - 1], t.value(), 0f, "n=" + n + " k=" + k);
        long above = 0;
        for (float x : v) {
          above += x > t.value() ? 1 : 0;
        }
        assertEquals(above, t.above(), "n=" + n + " k=" + k);
      }
    }
  }

  @Test
  void storeKeepsMeansAndCountsInEightBytesPerBlock() {
    BlockLossStore s = BlockLossStore.offHeap(10);
    s.record(3, 2f);
    s.record(3, 4f);
    assertEquals(3f, s.mean(3), 1e-6f);
    assertEquals(2, s.visits(3));
    assertTrue(Float.isNaN(s.mean(4)));
    assertEquals(80, s.toBytes().length);
    BlockLossStore copy = BlockLossStore.onHeap(10);
    copy.fromBytes(s.toBytes());
    assertEquals(3f, copy.mean(3), 0f);
    s.clear();
    assertEquals(0, s.visits(3));
    assertArrayEquals(new byte[80], s.toBytes());
  }
}
