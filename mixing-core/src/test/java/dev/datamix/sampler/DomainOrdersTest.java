package dev.datamix.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.mixture.Domain;
import dev.datamix.random.Seeds;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The packed per-domain records against the plain {@link BlockPermutation} they replace. */
class DomainOrdersTest {
  private static final long STREAM_BLOCK = 0x626c6f636bL; // DomainOrders' stream

  /**
   * An epoch draws its blocks in {@link BlockPermutation}'s order, whether its keys fit the
   * record's 32 bits (up to 2^32 positions, the edge included) or need the wide path.
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 1000, 4_294_967_296L, 4_294_967_297L, 5_000_000_000L})
  void epochsFollowTheBlockPermutationAtEverySize(long n) {
    long seed = 7;
    DomainOrders orders = new DomainOrders(List.of(new Domain("big", n, n * 128)),
        List.of("big"), seed, new long[] {Long.MAX_VALUE});
    BlockPermutation p = new BlockPermutation(n, Seeds.hash(seed, STREAM_BLOCK,
        Seeds.fingerprint("big"), 0, 0));
    for (long i = 0; i < Math.min(n, 500); i++) {
      orders.beginCall();
      assertEquals(p.apply(i), orders.next(0, null, true), "n=" + n + " position " + i);
    }
    assertEquals(Math.min(n, 500), orders.served(0));
  }

  /**
   * After 2^32 − 1 calls the stamps start over: a domain last drawn at a stamp the counter
   * reaches again is still asked for its selection.
   */
  @Test
  void selectionsAreAskedAgainAfterTheStampsStartOver() {
    DomainOrders orders = new DomainOrders(List.of(new Domain("d", 100, 100 * 128)),
        List.of("d"), 1, new long[] {Long.MAX_VALUE});
    int[] asked = {0};
    BlockSelector selector = d -> {
      asked[0]++;
      return null;
    };
    orders.stamp = 4;
    orders.beginCall(); // stamp 5
    orders.next(0, selector, true);
    orders.next(0, selector, true); // the same call: not asked again
    assertEquals(1, asked[0]);
    orders.stamp = 0xFFFFFFFEL - 1; // 2^32 - 8 calls later, none drawing the domain
    for (int call = 0; call < 7; call++) {
      orders.beginCall();
    }
    assertEquals(5, orders.stamp, "the stamps started over");
    orders.next(0, selector, true);
    assertEquals(2, asked[0], "a new call at a stamp used before asks again");
  }
}
