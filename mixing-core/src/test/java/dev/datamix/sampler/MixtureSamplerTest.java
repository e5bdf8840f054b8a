package dev.datamix.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixture;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.Json;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.junit.jupiter.api.Test;

class MixtureSamplerTest {

  private static List<Domain> domains(long... blocks) {
    List<Domain> d = new ArrayList<>();
    for (int i = 0; i < blocks.length; i++) {
      d.add(new Domain("d" + i, blocks[i], blocks[i] * 64));
    }
    return d;
  }

  private static List<String> names(List<Domain> d) {
    return Domain.names(d);
  }

  @Test
  void domainFrequenciesMatchTheWeights() {
    List<Domain> d = domains(1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000);
    double[] w = {0.30, 0.20, 0.15, 0.10, 0.10, 0.08, 0.05, 0.02};
    Mixture m = Mixture.of(names(d), w);
    MixtureSampler s = new MixtureSampler(d, SamplerOptions.seed(42));
    BlockBatch b = new BlockBatch(256);
    long[] counts = new long[8];
    int n = 0;
    for (long step = 0; step < 800; step++) {
      s.draw(step, m, 256, b);
      for (int i = 0; i < b.size(); i++) {
        counts[b.domain(i)]++;
        n++;
      }
    }
    double[] expected = new double[8];
    for (int i = 0; i < 8; i++) {
      expected[i] = w[i] * n;
    }
    double p = new ChiSquareTest().chiSquareTest(expected, counts);
    assertTrue(p > 0.001, "chi-square p-value " + p);
  }

  @Test
  void zeroWeightDomainIsNeverDrawn() {
    List<Domain> d = domains(10, 10, 10);
    Mixture m = Mixture.of(names(d), new double[] {0.5, 0, 0.5});
    MixtureSampler s = new MixtureSampler(d, SamplerOptions.seed(1));
    BlockBatch b = new BlockBatch(0);
    for (long step = 0; step < 200; step++) {
      s.draw(step, m, 64, b);
      for (int i = 0; i < b.size(); i++) {
        assertTrue(b.domain(i) != 1);
      }
    }
  }

  @Test
  void blocksAreDrawnWithoutReplacementWithinAnEpoch() {
    List<Domain> d = domains(1000, 5);
    Mixture m = Mixture.oneHot(names(d), "d0");
    MixtureSampler s = new MixtureSampler(d, SamplerOptions.seed(3));
    BlockBatch b = new BlockBatch(100);
    List<Long> epoch0 = new ArrayList<>();
    List<Long> epoch1 = new ArrayList<>();
    for (long step = 0; step < 20; step++) {
      s.draw(step, m, 100, b);
      for (int i = 0; i < b.size(); i++) {
        (step < 10 ? epoch0 : epoch1).add(b.block(i));
      }
      if (step == 9) {
        assertEquals(0, s.epochsWrapped(0));
      }
    }
    assertEquals(1000, new HashSet<>(epoch0).size());
    assertEquals(1000, new HashSet<>(epoch1).size());
    assertFalse(epoch0.equals(epoch1), "each epoch has a fresh order");
    assertEquals(2000, s.blocksServed(0));
    assertEquals(2000 * 64, s.tokensServed(0));
    s.draw(20, m, 1, b);
    assertEquals(2, s.epochsWrapped(0));
  }

  @Test
  void permutationIsABijectionForEverySize() {
    for (long n : new long[] {1, 2, 3, 7, 8, 9, 1000, 1023, 1024, 1025, 4099}) {
      BlockPermutation p = new BlockPermutation(n, 12345 + n);
      BitSet seen = new BitSet();
      for (long x = 0; x < n; x++) {
        long y = p.apply(x);
        assertTrue(y >= 0 && y < n, "n=" + n + " image " + y);
        assertFalse(seen.get((int) y), "n=" + n + " repeated " + y);
        seen.set((int) y);
      }
    }
  }

  @Test
  void aliasTableReproducesTheWeightsExactly() {
    double[] w = {0.5, 0, 0.125, 0.25, 0.125, 1e-9};
    AliasTable t = new AliasTable(w);
    int k = w.length;
    double sum = 0;
    for (double x : w) {
      sum += x;
    }
    double[] implied = new double[k];
    for (int c = 0; c < k; c++) {
      implied[c] += t.keep(c) / k;
      implied[t.alias(c)] += (1 - t.keep(c)) / k;
    }
    for (int i = 0; i < k; i++) { // the table's keep thresholds are 32-bit: 2^-32 per column
      assertEquals(w[i] / sum, implied[i], 0x1.0p-32, "column " + i);
    }
  }

  @Test
  void resumeIsExactAfterWeightChanges() {
    List<Domain> d = domains(50, 70, 30, 1000);
    List<String> n = names(d);
    Mixture[] schedule = {
        Mixture.normalise(n, new double[] {1, 1, 1, 1}),
        Mixture.normalise(n, new double[] {5, 1, 0, 1}),
        Mixture.normalise(n, new double[] {0, 1, 3, 1})};
    SamplerOptions options = SamplerOptions.seed(99).withMaxRepetitionRatio(3);
    List<long[]> uninterrupted = run(new MixtureSampler(d, options), schedule, 0, 120);

    MixtureSampler first = new MixtureSampler(d, options);
    run(first, schedule, 0, 45);
    String saved = Json.write(first.snapshot());
    MixtureSampler second = new MixtureSampler(d, options);
    second.restore(Json.parse(saved));
    List<long[]> resumed = run(second, schedule, 45, 120);
    for (int i = 0; i < resumed.size(); i++) {
      assertArrayEquals(uninterrupted.get(45 + i), resumed.get(i), "step " + (45 + i));
    }
  }

  private static List<long[]> run(MixtureSampler s, Mixture[] schedule, int from, int to) {
    List<long[]> out = new ArrayList<>();
    BlockBatch b = new BlockBatch(24);
    for (int step = from; step < to; step++) {
      Mixture m = schedule[(step / 17) % schedule.length];
      // two micro-batches per step, as with gradient accumulation
      long[] refs = new long[2 * 24];
      for (int micro = 0; micro < 2; micro++) {
        s.draw(step, m, 12, b);
        for (int i = 0; i < b.size(); i++) {
          refs[micro * 24 + 2 * i] = b.domain(i);
          refs[micro * 24 + 2 * i + 1] = b.block(i);
        }
      }
      out.add(refs);
    }
    return out;
  }

  @Test
  void billionBlockDomainUsesConstantMemory() {
    List<Domain> d = List.of(new Domain("huge", 1_000_000_000L, 1_000_000_000L * 1024),
        new Domain("tiny", 3, 3));
    Mixture m = Mixture.normalise(names(d), new double[] {1, 0});
    MixtureSampler s = new MixtureSampler(d, SamplerOptions.seed(5));
    BlockBatch b = new BlockBatch(1024);
    s.draw(0, m, 1024, b); // warm up caches and the permutation
    com.sun.management.ThreadMXBean bean =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    long before = bean.getThreadAllocatedBytes(tid);
    long checksum = 0;
    for (int step = 1; step <= 1000; step++) {
      s.draw(step, m, 1024, b);
      checksum += b.block(7);
    }
    long allocated = bean.getThreadAllocatedBytes(tid) - before;
    assertTrue(allocated < 256 * 1024,
        "drawing 1,024,000 blocks of a 10^9-block domain allocated " + allocated + " bytes");
    assertTrue(checksum > 0);
  }

  @Test
  void billionBlockDomainDrawsAreDistinctAndInRange() {
    List<Domain> d = List.of(new Domain("huge", 1_000_000_000L, 1_000_000_000L));
    MixtureSampler s = new MixtureSampler(d, SamplerOptions.seed(8));
    Mixture m = Mixture.uniform(names(d));
    BlockBatch b = new BlockBatch(1000);
    Set<Long> seen = new HashSet<>();
    for (int step = 0; step < 200; step++) {
      s.draw(step, m, 1000, b);
      for (int i = 0; i < b.size(); i++) {
        long x = b.block(i);
        assertTrue(x >= 0 && x < 1_000_000_000L);
        assertTrue(seen.add(x), "block " + x + " repeated within the epoch");
      }
    }
  }

  @Test
  void blockSelectionIsHonouredAndANewGenerationStartsANewEpoch() {
    List<Domain> d = domains(100);
    Mixture m = Mixture.uniform(names(d));
    MixtureSampler s = new MixtureSampler(d, SamplerOptions.seed(2));
    BlockBatch b = new BlockBatch(10);
    BlockSelection hard = BlockSelection.ofBlocks(new long[] {3, 17, 42, 99}, 1);
    Set<Long> drawn = new HashSet<>();
    s.draw(0, m, dom -> hard, 3, b);
    for (int i = 0; i < 3; i++) {
      drawn.add(b.block(i));
    }
    s.draw(1, m, dom -> hard, 1, b);
    drawn.add(b.block(0));
    assertEquals(Set.of(3L, 17L, 42L, 99L), drawn, "4 draws cover the 4 eligible blocks once");

    BlockSelection other = BlockSelection.ofBlocks(new long[] {5, 6}, 2);
    s.draw(2, m, dom -> other, 2, b);
    assertEquals(Set.of(5L, 6L), Set.of(b.block(0), b.block(1)));
  }

  @Test
  void repeatedBlocksAppearTheirCountPerEpoch() {
    List<Domain> d = domains(10);
    BlockSelection sel = BlockSelection.withRepeats(new long[] {1, 4, 8}, new int[] {3, 1, 2}, 7);
    MixtureSampler s = new MixtureSampler(d, SamplerOptions.seed(4));
    BlockBatch b = new BlockBatch(6);
    s.draw(0, Mixture.uniform(names(d)), dom -> sel, 6, b);
    int[] counts = new int[10];
    for (int i = 0; i < 6; i++) {
      counts[(int) b.block(i)]++;
    }
    assertArrayEquals(new int[] {0, 3, 0, 0, 1, 0, 0, 0, 2, 0}, counts);
  }

  @Test
  void selectionBeyondTheDomainIsRejected() {
    List<Domain> d = domains(10);
    MixtureSampler s = new MixtureSampler(d, SamplerOptions.seed(4));
    BlockSelection bad = BlockSelection.ofBlocks(new long[] {2, 10}, 1);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> s.draw(0, Mixture.uniform(names(d)), dom -> bad, 1, new BlockBatch(1)));
    assertTrue(e.getMessage().contains("'d0'") && e.getMessage().contains("block 10"),
        e.getMessage());
  }

  @Test
  void repetitionCapExhaustsADomainAndRedistributesItsWeight() {
    List<Domain> d = domains(10, 1000);
    Mixture m = Mixture.uniform(names(d));
    MixtureSampler s = new MixtureSampler(d, SamplerOptions.seed(6).withMaxRepetitionRatio(2));
    BlockBatch b = new BlockBatch(50);
    for (int step = 0; step < 10; step++) {
      s.draw(step, m, 50, b);
    }
    assertTrue(s.isExhausted(0));
    assertEquals(20, s.blocksServed(0), "capped at 2 x 10 blocks");
    assertEquals(1.0, s.effectiveMixture().weight("d1"));
    assertEquals(m, Mixture.uniform(names(d)), "the requested mixture is untouched");
  }

  @Test
  void allDomainsExhaustedIsAClearError() {
    List<Domain> d = domains(4, 4);
    MixtureSampler s = new MixtureSampler(d, SamplerOptions.seed(6).withMaxRepetitionRatio(1));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> s.draw(0, Mixture.uniform(names(d)), 9, new BlockBatch(9)));
    assertTrue(e.getMessage().contains("exhausted"), e.getMessage());
  }

  @Test
  void badCallsAreRejected() {
    List<Domain> d = domains(4, 4);
    MixtureSampler s = new MixtureSampler(d, SamplerOptions.seed(6));
    Mixture wrong = Mixture.uniform(List.of("d0", "x"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> s.draw(0, wrong, 1, new BlockBatch(1)));
    assertTrue(e.getMessage().contains("expected [d0, d1]"), e.getMessage());
    s.draw(3, Mixture.uniform(names(d)), 1, new BlockBatch(1));
    assertThrows(IllegalStateException.class,
        () -> s.draw(2, Mixture.uniform(names(d)), 1, new BlockBatch(1)));
    assertThrows(IllegalArgumentException.class,
        () -> s.draw(4, Mixture.uniform(names(d)), -1, new BlockBatch(1)));
    assertThrows(IllegalArgumentException.class,
        () -> new SamplerOptions(0, Double.NaN));
  }

  @Test
  void restoreRejectsOtherSeedAndOtherDomains() {
    List<Domain> d = domains(4, 4);
    ObjectNode snap = new MixtureSampler(d, SamplerOptions.seed(6)).snapshot();
    IncompatibleStateException seed = assertThrows(IncompatibleStateException.class,
        () -> new MixtureSampler(d, SamplerOptions.seed(7)).restore(snap));
    assertTrue(seed.getMessage().contains("expected 7 but found 6"), seed.getMessage());
    IncompatibleStateException doms = assertThrows(IncompatibleStateException.class,
        () -> new MixtureSampler(domains(4, 4, 4), SamplerOptions.seed(6)).restore(snap));
    assertTrue(doms.getMessage().contains("[d0, d1, d2] but found [d0, d1]"), doms.getMessage());
  }

  @Test
  void differentSeedsGiveDifferentDraws() {
    List<Domain> d = domains(1000, 1000);
    Mixture m = Mixture.uniform(names(d));
    BlockBatch a = new BlockBatch(64);
    BlockBatch b = new BlockBatch(64);
    new MixtureSampler(d, SamplerOptions.seed(1)).draw(0, m, 64, a);
    new MixtureSampler(d, SamplerOptions.seed(2)).draw(0, m, 64, b);
    assertFalse(java.util.Arrays.equals(a.blocks(), b.blocks()));
  }
}
