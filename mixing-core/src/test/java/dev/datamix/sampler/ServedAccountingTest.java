package dev.datamix.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixture;
import dev.datamix.mixture.WeightUnit;
import dev.datamix.run.Accounting;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What was served against what was asked: repetition caps per domain, the requested counts, and
 * resuming on a corpus that has grown (the semantics Megatron-LM's PR 725 asks for).
 */
class ServedAccountingTest {
  private static List<Domain> domains(String[] names, long... blocks) {
    List<Domain> d = new ArrayList<>();
    for (int i = 0; i < blocks.length; i++) {
      d.add(new Domain(names[i], blocks[i], blocks[i] * 64));
    }
    return d;
  }

  private static final String[] ABC = {"a", "b", "c"};

  /** The blocks of domain {@code domain} drawn in steps [from, to). */
  private static List<Long> draw(MixtureSampler s, Mixture m, long from, long to, int batch,
      int domain, List<Long> all) {
    BlockBatch b = new BlockBatch(batch);
    for (long t = from; t < to; t++) {
      s.draw(t, m, batch, b);
      for (int i = 0; i < b.size(); i++) {
        if (b.domain(i) == domain) {
          all.add(b.block(i));
        }
      }
    }
    return all;
  }

  @Test
  void aDomainCappedAtOneEpochServesEachBlockOnceThenItsWeightMoves() {
    List<Domain> d = domains(ABC, 40, 1000, 1000);
    MixtureSampler s = new MixtureSampler(d, SamplerOptions.seed(3)
        .withMaxEpochs(Map.of("a", 1.0)));
    Mixture m = Mixture.of(Domain.names(d), new double[] {0.5, 0.25, 0.25});
    List<Long> a = draw(s, m, 0, 20, 16, 0, new ArrayList<>());
    assertEquals(40, a.size(), "exactly one epoch of a");
    assertEquals(40, new HashSet<>(a).size(), "each block of a once");
    assertTrue(s.isExhausted(0));
    assertEquals(1, s.exhaustedCount());
    assertEquals(0, s.effectiveMixture().weight(0));
    assertEquals(0.5, s.effectiveMixture().weight(1), 1e-12);
    // uncapped domains go on
    assertFalse(s.isExhausted(1));
    assertEquals(Long.MAX_VALUE, s.capBlocks(1));
    assertThrows(IllegalArgumentException.class, () -> new MixtureSampler(d,
        SamplerOptions.seed(3).withMaxEpochs(Map.of("z", 1.0))));
    assertThrows(IllegalArgumentException.class, () -> SamplerOptions.seed(3)
        .withMaxEpochs(Map.of("a", -1.0)));
  }

  @Test
  void requestedCountsFollowThePolicysMixtureAndServedCountsTheBatches() {
    List<Domain> d = domains(ABC, 40, 1000, 1000);
    MixtureSampler s = new MixtureSampler(d, SamplerOptions.seed(3)
        .withMaxEpochs(Map.of("a", 1.0)));
    Mixture m = Mixture.of(Domain.names(d), new double[] {0.5, 0.25, 0.25});
    draw(s, m, 0, 20, 16, 0, new ArrayList<>());
    Mixture other = Mixture.of(Domain.names(d), new double[] {0.2, 0.2, 0.6});
    draw(s, other, 20, 30, 16, 0, new ArrayList<>());
    // requested: 320 draws at m, 160 at other, before a's weight moved (weights are counted
    // to 2^-24 of a block per draw)
    double tolerance = 480 * Math.pow(2, -24);
    assertEquals(0.5 * 320 + 0.2 * 160, s.blocksRequested(0), tolerance);
    assertEquals(0.25 * 320 + 0.2 * 160, s.blocksRequested(1), tolerance);
    assertEquals(0.25 * 320 + 0.6 * 160, s.blocksRequested(2), tolerance);
    assertEquals(40, s.blocksServed(0));
    assertEquals(480, s.blocksServed(0) + s.blocksServed(1) + s.blocksServed(2));
    Accounting acc = Accounting.of(s);
    assertEquals((0.5 * 320 + 0.2 * 160) / 480, acc.rows().get(0).requestedShare(), 1e-7);
    assertEquals(40.0 / 480, acc.rows().get(0).achievedShare(), 1e-12);
    assertEquals(1.0, acc.rows().get(0).epochs(), 1e-12);
    assertTrue(acc.rows().get(0).exhausted());
    assertTrue(acc.table().get(1).contains("exhausted"), acc.table().toString());
    // the same figures from the snapshot alone (what datamix audit reads)
    Accounting fromSnapshot = Accounting.ofSnapshot(s.snapshot(), 64);
    assertEquals(acc, fromSnapshot);
  }

  @Test
  void requestedCountsAreTheSameWhenASnapshotFlushesThemMidRun() {
    List<Domain> d = domains(ABC, 100, 100, 100);
    Mixture m = Mixture.of(Domain.names(d), new double[] {0.123456789, 0.3, 0.576543211});
    MixtureSampler once = new MixtureSampler(d, SamplerOptions.seed(5));
    draw(once, m, 0, 50, 7, 0, new ArrayList<>());
    MixtureSampler twice = new MixtureSampler(d, SamplerOptions.seed(5));
    draw(twice, m, 0, 23, 7, 0, new ArrayList<>());
    MixtureSampler resumed = new MixtureSampler(d, SamplerOptions.seed(5));
    resumed.restore(twice.snapshot());
    draw(resumed, m, 23, 50, 7, 0, new ArrayList<>());
    assertEquals(once.snapshot().toString(), resumed.snapshot().toString());
  }

  @Test
  void onAGrownCorpusServedBlocksStayServedAndNoBlockRepeatsWithinTheEpoch() {
    List<Domain> before = domains(ABC, 100, 60, 80);
    Mixture m = Mixture.of(Domain.names(before), new double[] {0.5, 0.3, 0.2});
    MixtureSampler s = new MixtureSampler(before, SamplerOptions.seed(11));
    List<Long> a = draw(s, m, 0, 5, 16, 0, new ArrayList<>()); // about 40 of a's 100 blocks
    assertTrue(a.size() > 20 && a.size() < 100, "mid-epoch: " + a.size());
    ObjectNode saved = s.snapshot();

    // a gains 30 blocks, b is unchanged, c gains none, and a new domain d arrives
    String[] abcd = {"a", "b", "c", "d"};
    List<Domain> after = domains(abcd, 130, 60, 80, 50);
    Mixture m2 = Mixture.of(Domain.names(after), new double[] {0.4, 0.2, 0.2, 0.2});
    MixtureSampler grown = new MixtureSampler(after, SamplerOptions.seed(11));
    grown.restoreOnGrownCorpus(saved);
    assertEquals(s.blocksServed(0), grown.blocksServed(0));
    assertEquals(0, grown.blocksServed(3));
    List<Long> epoch = new ArrayList<>(a);
    while (epoch.size() < 130) { // the rest of a's first epoch
      draw(grown, m2, 5 + epoch.size(), 6 + epoch.size(), 1, 0, epoch);
    }
    assertEquals(130, epoch.size());
    Set<Long> distinct = new HashSet<>(epoch);
    assertEquals(130, distinct.size(), "no block of a repeats before its epoch ends");
    for (long b = 0; b < 130; b++) {
      assertTrue(distinct.contains(b), "block " + b + " of a served in the epoch");
    }
    // the epoch's order: the original permutation's remaining blocks, then the appended ones
    assertTrue(epoch.subList(0, 100).stream().allMatch(b -> b < 100));
    assertTrue(epoch.subList(100, 130).stream().allMatch(b -> b >= 100));

    // deterministic: two resumes draw the same blocks, the new domain's included
    BlockBatch x = new BlockBatch(64);
    BlockBatch y = new BlockBatch(64);
    MixtureSampler r1 = new MixtureSampler(after, SamplerOptions.seed(11));
    MixtureSampler r2 = new MixtureSampler(after, SamplerOptions.seed(11));
    r1.restoreOnGrownCorpus(saved);
    r2.restoreOnGrownCorpus(saved);
    for (long t = 5; t < 40; t++) {
      r1.draw(t, m2, 64, x);
      r2.draw(t, m2, 64, y);
      assertArrayEquals(java.util.Arrays.copyOf(x.blocks(), 64),
          java.util.Arrays.copyOf(y.blocks(), 64));
    }
    // and the grown state round-trips exactly
    MixtureSampler r3 = new MixtureSampler(after, SamplerOptions.seed(11));
    r3.restore(r1.snapshot());
    assertEquals(r1.snapshot().toString(), r3.snapshot().toString());
  }

  @Test
  void anUnchangedCorpusResumesAsAStrictRestoreDoes() {
    List<Domain> d = domains(ABC, 100, 60, 80);
    Mixture m = Mixture.of(Domain.names(d), new double[] {0.5, 0.3, 0.2});
    MixtureSampler s = new MixtureSampler(d, SamplerOptions.seed(2));
    draw(s, m, 0, 9, 16, 0, new ArrayList<>());
    MixtureSampler strict = new MixtureSampler(d, SamplerOptions.seed(2));
    MixtureSampler lenient = new MixtureSampler(d, SamplerOptions.seed(2));
    strict.restore(s.snapshot());
    lenient.restoreOnGrownCorpus(s.snapshot());
    BlockBatch x = new BlockBatch(16);
    BlockBatch y = new BlockBatch(16);
    for (long t = 9; t < 60; t++) {
      strict.draw(t, m, 16, x);
      lenient.draw(t, m, 16, y);
      assertArrayEquals(x.blocks(), y.blocks());
      assertArrayEquals(x.domains(), y.domains());
    }
  }

  @Test
  void aCorpusThatLostADomainOrBlocksIsRefusedNamingIt() {
    List<Domain> d = domains(ABC, 100, 60, 80);
    Mixture m = Mixture.of(Domain.names(d), new double[] {0.5, 0.3, 0.2});
    MixtureSampler s = new MixtureSampler(d, SamplerOptions.seed(2));
    draw(s, m, 0, 3, 16, 0, new ArrayList<>());
    ObjectNode saved = s.snapshot();
    MixtureSampler lost = new MixtureSampler(domains(new String[] {"a", "b"}, 100, 60),
        SamplerOptions.seed(2));
    IncompatibleStateException e = assertThrows(IncompatibleStateException.class,
        () -> lost.restoreOnGrownCorpus(saved));
    assertTrue(e.getMessage().contains("'c' is not in the corpus"), e.getMessage());
    MixtureSampler shrunk = new MixtureSampler(domains(ABC, 100, 50, 80),
        SamplerOptions.seed(2));
    e = assertThrows(IncompatibleStateException.class, () -> shrunk.restoreOnGrownCorpus(saved));
    assertTrue(e.getMessage().contains("'b' had 60 blocks and now has 50"), e.getMessage());
    // a strict restore refuses any change
    MixtureSampler grown = new MixtureSampler(domains(ABC, 120, 60, 80),
        SamplerOptions.seed(2));
    assertThrows(IncompatibleStateException.class, () -> grown.restore(saved));
  }

  @Test
  void documentSharesBecomeTokenSharesByMeanDocumentLength() {
    Mixture docs = Mixture.of(List.of("short", "long"), new double[] {0.5, 0.5});
    Mixture tokens = WeightUnit.toTokenShares(docs, new double[] {100, 300});
    assertEquals(0.25, tokens.weight(0), 1e-12);
    assertEquals(0.75, tokens.weight(1), 1e-12);
    assertEquals(WeightUnit.DOCUMENTS, WeightUnit.fromId("documents"));
    assertThrows(IllegalArgumentException.class, () -> WeightUnit.fromId("blocks"));
  }
}
