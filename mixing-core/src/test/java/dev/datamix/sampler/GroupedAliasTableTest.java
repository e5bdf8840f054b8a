package dev.datamix.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.random.Seeds;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The grouped table draws each domain with probability {@code w_d / Σ w}, never a zero weight,
 * and a table reached by any sequence of sparse changes is, bit for bit, the one built afresh.
 */
class GroupedAliasTableTest {
  private static GroupedAliasTable built(double[] w) {
    GroupedAliasTable t = new GroupedAliasTable(w.length);
    for (int d = 0; d < w.length; d++) {
      t.set(d, w[d]);
    }
    t.commit();
    return t;
  }

  /** Weights with zeros, a whole zero group, and a spread of 10^6. */
  private static double[] weights(int k, long seed) {
    Random r = new Random(seed);
    double[] w = new double[k];
    for (int d = 0; d < k; d++) {
      w[d] = r.nextInt(5) == 0 ? 0 : Math.pow(10, 6 * r.nextDouble());
    }
    for (int d = 64; d < Math.min(k, 128); d++) {
      w[d] = 0;
    }
    w[k - 1] = 1; // a positive sum at any k
    return w;
  }

  @Test
  void levelsGrowByGroupsOf16() {
    int[][] cases = {{1, 1}, {16, 1}, {17, 2}, {256, 2}, {257, 3}, {65_536, 4},
        {65_537, 5}, {1 << 20, 5}};
    for (int[] c : cases) {
      assertEquals(c[1], new GroupedAliasTable(c[0]).levels(), "K = " + c[0]);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 5, 16, 17, 64, 65, 200, 5_000, 65_536})
  void eachDomainHasItsShareAndZeroWeightsNone(int k) {
    double[] w = weights(k, k);
    GroupedAliasTable t = built(w);
    double sum = 0;
    for (double x : w) {
      sum += x;
    }
    double total = 0;
    for (int d = 0; d < k; d++) {
      double p = t.probability(d);
      total += p;
      if (w[d] == 0) {
        assertEquals(0.0, p, "zero weight at " + d);
      } else {
        // each level's 32-bit coin moves a column's probability by at most 2^-32
        assertEquals(w[d] / sum, p, 4 * t.levels() * 0x1.0p-32, "domain " + d);
      }
    }
    assertEquals(1.0, total, 1e-9);
  }

  @Test
  void drawsFollowTheWeights() {
    int k = 300;
    double[] w = weights(k, 7);
    for (int d = 0; d < k; d++) {
      w[d] = w[d] == 0 ? 0 : 1 + d % 9; // shares large enough to count
    }
    GroupedAliasTable t = built(w);
    int n = 2_000_000;
    int[] counts = new int[k];
    for (int i = 0; i < n; i++) {
      counts[t.sample(Seeds.mix64(i * 0x9E3779B97F4A7C15L))]++;
    }
    for (int d = 0; d < k; d++) {
      double expected = n * t.probability(d);
      assertTrue(Math.abs(counts[d] - expected) <= 5 * Math.sqrt(expected) + 1e-9,
          "domain " + d + ": " + counts[d] + " drawn, " + expected + " expected");
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {40, 5_000, 70_000})
  void sparseChangesLeaveTheTableAFreshBuildMakes(int k) {
    double[] w = weights(k, 3);
    GroupedAliasTable live = built(w);
    Random r = new Random(11);
    for (int round = 0; round < 150; round++) {
      int changes = 1 + r.nextInt(12);
      for (int i = 0; i < changes; i++) {
        int d = round % 10 == 0 ? 64 + r.nextInt(Math.max(1, Math.min(64, k - 64)))
            : r.nextInt(k);
        d = Math.min(d, k - 1);
        w[d] = r.nextInt(4) == 0 ? 0 : r.nextDouble() * 1000;
        live.set(d, w[d]);
      }
      if (round % 25 == 0) { // a whole group emptied, then refilled
        for (int d = 0; d < Math.min(k, 64); d++) {
          w[d] = round % 50 == 0 ? 0 : d + 1;
          live.set(d, w[d]);
        }
      }
      w[k - 1] = 1;
      live.set(k - 1, 1);
      live.commit();
      assertTrue(live.sameTable(built(w)), "round " + round);
    }
  }

  /**
   * A changed bottom group is rebuilt when a draw first reaches it: with draws between the
   * changes, some changed groups are rebuilt and others wait, and the draws are still a fresh
   * table's.
   */
  @ParameterizedTest
  @ValueSource(ints = {40, 5_000, 70_000})
  void drawsBetweenChangesAreAFreshTablesDraws(int k) {
    double[] w = weights(k, 4);
    GroupedAliasTable live = built(w);
    Random r = new Random(12);
    int[] run = new int[256];
    int[] fresh = new int[256];
    for (int round = 0; round < 60; round++) {
      for (int i = 0; i < 1 + r.nextInt(40); i++) {
        int d = r.nextInt(k);
        w[d] = r.nextInt(5) == 0 ? 0 : r.nextDouble() * 1000;
        live.set(d, w[d]);
      }
      w[k - 1] = 1 + round;
      live.set(k - 1, w[k - 1]);
      live.commit();
      GroupedAliasTable afresh = built(w);
      for (long first = 0; first < 768; first += 256) {
        live.sampleRun(round, first, 256, run);
        afresh.sampleRun(round, first, 256, fresh);
        assertArrayEquals(fresh, run, "round " + round + ", draws from " + first);
        assertEquals(afresh.sample(round * 31L + first), live.sample(round * 31L + first));
      }
    }
    assertTrue(live.sameTable(built(w)));
  }

  @Test
  void aDrawBeforeTheCommitIsRefused() {
    GroupedAliasTable t = built(weights(100, 1));
    t.set(5, 3.0);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.sample(1));
    assertTrue(e.getMessage().contains("commit"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> t.sampleRun(1, 0, 10, new int[256]));
    t.commit();
    t.sample(1);
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 64, 4_097, 300_000})
  void aRunLevelByLevelDrawsWhatOneDrawAtATimeDoes(int k) {
    GroupedAliasTable t = built(weights(k, 5));
    int[] run = new int[256];
    for (long first = 0; first < 5_000; first += 256) {
      t.sampleRun(77, first, 256, run);
      for (int i = 0; i < 256; i++) {
        assertEquals(t.sample(Seeds.mix64(77 + (first + i) * Seeds.GOLDEN_GAMMA)), run[i]);
      }
    }
  }

  @Test
  void aCommitWithoutChangesReportsNone() {
    GroupedAliasTable t = built(weights(100, 1));
    assertEquals(false, t.commit());
    t.set(3, t.weight(3)); // the same value is no change
    assertEquals(false, t.commit());
    t.set(3, t.weight(3) + 1);
    assertEquals(true, t.commit());
  }
}
