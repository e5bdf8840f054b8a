package dev.datamix.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixture;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link SamplerOptions.Allocation#GROUPED} with {@link LiveWeights}: a few weights move each
 * step, a run resumed from any step draws and counts what the uninterrupted run does, the
 * requested blocks are the sum over calls of each domain's share, and bad input is named.
 */
class GroupedSamplerTest {
  private static final SamplerOptions GROUPED =
      SamplerOptions.seed(5).withAllocation(SamplerOptions.Allocation.GROUPED);

  private static List<Domain> domains(int k) {
    List<Domain> d = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      long blocks = i < 3 ? 4 : 50 + i; // three small domains reach a cap of 2 epochs
      d.add(new Domain("c" + i, blocks, blocks * 32));
    }
    return d;
  }

  /** Step t's changes: a bandit rewarding the few arms it drew, as ODM does. */
  private static void change(LiveWeights w, long t, BlockBatch drawn) {
    Random r = new Random(t);
    for (int j = 0; j < Math.min(4, drawn.size()); j++) {
      int d = drawn.domain(j);
      w.set(d, w.get(d) * Math.exp(0.3 * (r.nextDouble() - 0.5)));
    }
    if (t % 17 == 0) {
      w.set((int) (t % w.size()), 0); // an arm switched off now and then
    }
  }

  @Test
  void aResumedRunDrawsAndCountsWhatTheUninterruptedRunDoes() {
    List<Domain> d = domains(150);
    SamplerOptions options = GROUPED.withMaxRepetitionRatio(2);
    int steps = 120;
    int resumeAt = 47;
    MixtureSampler whole = new MixtureSampler(d, options);
    LiveWeights w = LiveWeights.uniform(d);
    List<long[]> drawn = new ArrayList<>();
    JsonNode saved = null;
    LiveWeights savedWeights = null;
    BlockBatch b = new BlockBatch(24);
    for (long t = 0; t < steps; t++) {
      if (t == resumeAt) {
        saved = Json.parse(Json.write(whole.snapshot()));
        savedWeights = copy(w);
      }
      whole.draw(t, w, null, 24, b);
      drawn.add(row(b));
      change(w, t, b);
    }
    assertTrue(whole.exhaustedCount() > 0, "the small domains reach their cap");
    MixtureSampler resumed = new MixtureSampler(d, options);
    resumed.restore(saved);
    LiveWeights w2 = savedWeights;
    for (long t = resumeAt; t < steps; t++) {
      resumed.draw(t, w2, null, 24, b);
      assertArrayEquals(drawn.get((int) t), row(b), "step " + t);
      change(w2, t, b);
    }
    for (int i = 0; i < d.size(); i++) {
      assertEquals(whole.blocksRequested(i), resumed.blocksRequested(i), 0.0, "domain " + i);
      assertEquals(whole.blocksServed(i), resumed.blocksServed(i), "domain " + i);
    }
    assertEquals(Json.write(whole.snapshot()), Json.write(resumed.snapshot()));
  }

  private static LiveWeights copy(LiveWeights w) {
    double[] x = new double[w.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = w.get(i);
    }
    return new LiveWeights(w.names(), x);
  }

  private static long[] row(BlockBatch b) {
    long[] r = new long[2 * b.size()];
    for (int j = 0; j < b.size(); j++) {
      r[2 * j] = b.domain(j);
      r[2 * j + 1] = b.block(j);
    }
    return r;
  }

  @Test
  void requestedBlocksAreEachCallsShareOfItsDraws() {
    List<Domain> d = domains(90);
    MixtureSampler s = new MixtureSampler(d, GROUPED);
    LiveWeights w = LiveWeights.uniform(d);
    double[] expected = new double[d.size()];
    BlockBatch b = new BlockBatch(16);
    for (long t = 0; t < 200; t++) {
      double sum = 0;
      for (int i = 0; i < w.size(); i++) {
        sum += w.get(i);
      }
      for (int i = 0; i < w.size(); i++) {
        expected[i] += 16 * w.get(i) / sum;
      }
      s.draw(t, w, null, 16, b);
      change(w, t, b);
    }
    for (int i = 0; i < d.size(); i++) {
      assertEquals(expected[i], s.blocksRequested(i), 1e-9 * Math.max(1, expected[i]),
          "domain " + i);
    }
  }

  @Test
  void servedSharesFollowTheLiveWeights() {
    List<Domain> d = domains(130);
    MixtureSampler s = new MixtureSampler(d, GROUPED);
    double[] raw = new double[d.size()];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = i < 3 ? 0 : 1 + i % 3; // the three small domains are never asked for
    }
    LiveWeights w = new LiveWeights(Domain.names(d), raw);
    BlockBatch b = new BlockBatch(1000);
    int[] counts = new int[d.size()];
    for (long t = 0; t < 200; t++) {
      s.draw(t, w, null, 1000, b);
      for (int j = 0; j < b.size(); j++) {
        counts[b.domain(j)]++;
      }
    }
    double sum = Arrays.stream(raw).sum();
    for (int i = 0; i < raw.length; i++) {
      double expected = 200_000 * raw[i] / sum;
      assertTrue(Math.abs(counts[i] - expected) <= 5 * Math.sqrt(expected),
          "domain " + i + ": " + counts[i] + " vs " + expected);
    }
    assertNull(b.mixture(), "a live-weights batch carries no copy of the K weights");
    assertEquals(w.toMixture(), s.effectiveMixture());
  }

  @Test
  void aSamplerThatSeesTheWeightsLateDrawsWhatAnUpToDateOneDoes() {
    List<Domain> d = domains(70);
    LiveWeights w = LiveWeights.uniform(d);
    MixtureSampler everyStep = new MixtureSampler(d, GROUPED);
    BlockBatch b = new BlockBatch(8);
    for (long t = 0; t < 400; t++) { // 400 × 4+ changes: more than the log keeps
      everyStep.draw(t, w, null, 8, b);
      change(w, t, b);
    }
    MixtureSampler late = new MixtureSampler(d, GROUPED);
    BlockBatch c = new BlockBatch(8);
    everyStep.draw(400, w, null, 8, b);
    late.draw(400, w, null, 8, c);
    assertArrayEquals(Arrays.copyOf(b.domains(), 8), Arrays.copyOf(c.domains(), 8));
  }

  @Test
  void aMixtureAndLiveWeightsCanBothBeGiven() {
    List<Domain> d = domains(100);
    MixtureSampler s = new MixtureSampler(d, GROUPED);
    Mixture m = Mixture.uniform(Domain.names(d));
    BlockBatch b = new BlockBatch(10);
    s.draw(0, m, 10, b);
    assertEquals(m, b.mixture());
    LiveWeights w = LiveWeights.of(m);
    w.set(4, 0);
    s.draw(1, w, null, 10, b);
    assertEquals(0.0, s.effectiveMixture().weight(4));
    s.draw(2, m, 10, b);
    assertEquals(m, s.effectiveMixture());
  }

  @Test
  void badInputIsNamed() {
    List<Domain> d = domains(10);
    LiveWeights w = LiveWeights.uniform(d);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> w.set(3, Double.NaN))
        .getMessage().contains("'c3'"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> w.set(2, -1))
        .getMessage().contains("got -1.0"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> w.set(10, 1))
        .getMessage().contains("got 10"));
    MixtureSampler s = new MixtureSampler(d, GROUPED);
    LiveWeights zero = new LiveWeights(Domain.names(d), new double[10]);
    assertTrue(assertThrows(IllegalStateException.class,
        () -> s.draw(0, zero, null, 4, new BlockBatch(4))).getMessage().contains("zero"));
    LiveWeights other = LiveWeights.uniform(domains(11));
    assertThrows(IllegalArgumentException.class,
        () -> s.draw(0, other, null, 4, new BlockBatch(4)));
    MixtureSampler random = new MixtureSampler(d, SamplerOptions.seed(5));
    random.draw(0, w, null, 4, new BlockBatch(4));
    assertThrows(IncompatibleStateException.class, () -> s.restore(random.snapshot()));
    assertThrows(IncompatibleStateException.class,
        () -> new MixtureSampler(d, SamplerOptions.seed(5)).restore(s.snapshot()));
  }
}
