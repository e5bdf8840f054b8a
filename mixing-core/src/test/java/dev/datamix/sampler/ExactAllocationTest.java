package dev.datamix.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixture;
import dev.datamix.state.IncompatibleStateException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ExactAllocationTest {
  static final SamplerOptions EXACT = SamplerOptions.seed(7)
      .withAllocation(SamplerOptions.Allocation.EXACT);

  static List<Domain> domains(int k, long blocks) {
    List<Domain> d = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      d.add(new Domain("d" + i, blocks, blocks * 64));
    }
    return d;
  }

  static int[] counts(BlockBatch b, int k) {
    int[] c = new int[k];
    for (int i = 0; i < b.size(); i++) {
      c[b.domain(i)]++;
    }
    return c;
  }

  @Test
  void everyCallGetsTheMixturesCountsWithinOneBlockPerDomain() {
    SplittableRandom random = new SplittableRandom(3);
    for (int k : new int[] {2, 3, 7, 64, 300}) {
      List<Domain> d = domains(k, 100_000);
      MixtureSampler s = new MixtureSampler(d, EXACT);
      BlockBatch b = new BlockBatch(1024);
      for (int step = 0; step < 40; step++) {
        double[] w = new double[k];
        for (int i = 0; i < k; i++) {
          w[i] = random.nextDouble() < 0.2 ? 0 : random.nextDouble();
        }
        w[random.nextInt(k)] += 0.01;
        Mixture m = Mixture.normalise(Domain.names(d), w);
        int n = 1 + random.nextInt(1024);
        s.draw(step, m, n, b);
        int[] c = counts(b, k);
        int total = 0;
        for (int i = 0; i < k; i++) {
          double expected = m.weight(i) * n;
          assertTrue(c[i] >= Math.floor(expected - 1e-9) && c[i] <= Math.ceil(expected + 1e-9),
              "K " + k + " step " + step + " domain " + i + ": " + c[i] + " for " + expected);
          total += c[i];
        }
        assertEquals(n, total);
      }
    }
  }

  /**
   * 5% replay over three old domains in batches of 16: every quota is below one block, so
   * largest-remainder seating would never serve the smaller old domains; systematic seating
   * serves each at its share over the steps.
   */
  @Test
  void smallQuotasAreServedAtTheirSharesOverTheSteps() {
    List<Domain> d = domains(5, 1_000_000);
    double[] w = {0.95 * 0.287, 0.95 * 0.713, 0.05 * 0.33, 0.05 * 0.10, 0.05 * 0.57};
    Mixture m = Mixture.normalise(Domain.names(d), w);
    MixtureSampler s = new MixtureSampler(d, EXACT);
    BlockBatch b = new BlockBatch(16);
    long[] served = new long[5];
    int steps = 4000;
    for (int step = 0; step < steps; step++) {
      s.draw(step, m, 16, b);
      int[] c = counts(b, 5);
      for (int i = 0; i < 5; i++) {
        served[i] += c[i];
        double quota = m.weight(i) * 16;
        assertTrue(c[i] >= Math.floor(quota) && c[i] <= Math.ceil(quota), "step " + step);
      }
    }
    for (int i = 0; i < 5; i++) {
      double share = (double) served[i] / (16L * steps);
      assertEquals(m.weight(i), share, 0.12 * m.weight(i), "domain " + i + " served "
          + java.util.Arrays.toString(served));
    }
  }

  @Test
  void drawsAreKeyedResumeExactlyAndTiesRotate() {
    List<Domain> d = domains(3, 1000);
    Mixture uniform = Mixture.uniform(Domain.names(d));
    MixtureSampler a = new MixtureSampler(d, EXACT);
    MixtureSampler b = new MixtureSampler(d, EXACT);
    BlockBatch x = new BlockBatch(4);
    BlockBatch y = new BlockBatch(4);
    int[] extra = new int[3];
    JsonNode mid = null;
    List<long[]> first = new ArrayList<>();
    for (int step = 0; step < 60; step++) {
      a.draw(step, uniform, 4, x);
      b.draw(step, uniform, 4, y);
      assertArrayEquals(x.domains(), y.domains(), "same seed, same draws");
      assertArrayEquals(x.blocks(), y.blocks());
      int[] c = counts(x, 3);
      for (int i = 0; i < 3; i++) {
        extra[i] += c[i] == 2 ? 1 : 0;
      }
      if (step == 29) {
        mid = a.snapshot();
      }
      if (step >= 30) {
        first.add(x.blocks().clone());
      }
    }
    for (int i = 0; i < 3; i++) {
      assertTrue(extra[i] > 10, "the fourth block of 4 over 3 equal weights goes to each domain "
          + "in turn, keyed: " + java.util.Arrays.toString(extra));
    }
    MixtureSampler resumed = new MixtureSampler(d, EXACT);
    resumed.restore(mid);
    for (int step = 30; step < 60; step++) {
      resumed.draw(step, uniform, 4, x);
      assertArrayEquals(first.get(step - 30), x.blocks(), "step " + step + " after restore");
    }
  }

  @Test
  void aDomainThatReachesItsCapMidCallHandsItsShareToTheOthers() {
    List<Domain> d = List.of(new Domain("tiny", 10, 640), new Domain("big", 10_000, 640_000));
    MixtureSampler s = new MixtureSampler(d, EXACT.withMaxRepetitionRatio(1));
    BlockBatch b = new BlockBatch(100);
    s.draw(0, Mixture.uniform(Domain.names(d)), 100, b);
    int[] c = counts(b, 2);
    assertEquals(10, c[0], "tiny serves its 10 blocks, then is exhausted");
    assertEquals(90, c[1]);
    assertTrue(s.isExhausted(0));
  }

  @Test
  void theModeIsPartOfTheStateAndRandomSnapshotsKeepTheirLayout() {
    List<Domain> d = domains(2, 100);
    MixtureSampler random = new MixtureSampler(d, SamplerOptions.seed(7));
    random.draw(0, Mixture.uniform(Domain.names(d)), 8, new BlockBatch(8));
    assertFalse(random.snapshot().has("allocation"), "a random sampler writes what it always did");
    MixtureSampler exact = new MixtureSampler(d, EXACT);
    exact.draw(0, Mixture.uniform(Domain.names(d)), 8, new BlockBatch(8));
    var e = assertThrows(IncompatibleStateException.class,
        () -> new MixtureSampler(d, SamplerOptions.seed(7)).restore(exact.snapshot()));
    assertTrue(e.getMessage().contains("allocation"), e.getMessage());
  }
}
