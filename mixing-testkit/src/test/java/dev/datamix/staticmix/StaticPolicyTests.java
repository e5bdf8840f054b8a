package dev.datamix.staticmix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixture;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.testkit.MixingPolicyContractTest;
import dev.datamix.policy.PolicyContext;
import dev.datamix.policy.PolicyRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Contract and behaviour tests of the static mixes. */
class StaticPolicyTests {
  static final PolicyRegistry REGISTRY = PolicyRegistry.load();
  static final List<Domain> SIZED = List.of(
      new Domain("a", 100, 1_000), new Domain("b", 300, 3_000), new Domain("c", 600, 12_000));

  static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  static Map<String, Double> weightsFor(List<String> names, double... w) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      m.put(names.get(i), w[i % w.length]);
    }
    return m;
  }

  @Nested
  class Explicit extends MixingPolicyContractTest {
    @Override
    protected MixingPolicy newPolicy(PolicyContext c) {
      return REGISTRY.create("explicit", c,
          map("weights", weightsFor(c.domainNames(), 1, 2, 0, 3)));
    }

    @Test
    void normalisesTheGivenWeights() {
      MixingPolicy p = REGISTRY.create("explicit", PolicyContext.of(SIZED, 0),
          map("weights", map("a", 1, "b", 1, "c", 2)));
      assertEquals(0.25, p.mixture(0).weight("a"), 1e-15);
      assertEquals(0.5, p.mixture(9).weight("c"), 1e-15);
    }

    @Test
    void missingDomainIsRejectedNamingIt() {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> REGISTRY.create("explicit", PolicyContext.of(SIZED, 0),
              map("weights", map("a", 1, "b", 1))));
      assertTrue(e.getMessage().contains("'c'") && e.getMessage().contains("weights"),
          e.getMessage());
    }

    @Test
    void unknownDomainIsRejectedNamingIt() {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> REGISTRY.create("explicit", PolicyContext.of(SIZED, 0),
              map("weights", map("a", 1, "b", 1, "c", 1, "zz", 1))));
      assertTrue(e.getMessage().contains("'zz'"), e.getMessage());
    }

    @Test
    void negativeAndAllZeroWeightsAreRejected() {
      IllegalArgumentException neg = assertThrows(IllegalArgumentException.class,
          () -> REGISTRY.create("explicit", PolicyContext.of(SIZED, 0),
              map("weights", map("a", -1, "b", 1, "c", 1))));
      assertTrue(neg.getMessage().contains("'a'") && neg.getMessage().contains("-1"),
          neg.getMessage());
      IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
          () -> REGISTRY.create("explicit", PolicyContext.of(SIZED, 0),
              map("weights", map("a", 0, "b", 0, "c", 0))));
      assertTrue(zero.getMessage().contains("sum"), zero.getMessage());
    }
  }

  @Nested
  class Proportional extends MixingPolicyContractTest {
    @Override
    protected MixingPolicy newPolicy(PolicyContext c) {
      return REGISTRY.create("proportional", c, Map.of());
    }

    @Test
    void weightsFollowTokensOrBlocks() {
      Mixture byTokens = REGISTRY.create("proportional", PolicyContext.of(SIZED, 0), Map.of())
          .mixture(0);
      assertEquals(12_000.0 / 16_000, byTokens.weight("c"), 1e-15);
      Mixture byBlocks = REGISTRY.create("proportional", PolicyContext.of(SIZED, 0),
          map("unit", "blocks")).mixture(0);
      assertEquals(0.6, byBlocks.weight("c"), 1e-15);
    }
  }

  @Nested
  class Temperature extends MixingPolicyContractTest {
    @Override
    protected MixingPolicy newPolicy(PolicyContext c) {
      return REGISTRY.create("temperature", c, map("temperature", 2.0));
    }

    @Test
    void weightsAreSizeToTheInverseTemperature() {
      Mixture m = REGISTRY.create("temperature", PolicyContext.of(SIZED, 0),
          map("temperature", 2, "unit", "blocks")).mixture(0);
      double z = Math.sqrt(100) + Math.sqrt(300) + Math.sqrt(600);
      assertEquals(Math.sqrt(300) / z, m.weight("b"), 1e-12);
    }

    @Test
    void temperatureOneIsProportionalAndLargeIsNearlyUniform() {
      Mixture one = REGISTRY.create("temperature", PolicyContext.of(SIZED, 0),
          map("temperature", 1)).mixture(0);
      Mixture prop = REGISTRY.create("proportional", PolicyContext.of(SIZED, 0), Map.of())
          .mixture(0);
      assertTrue(one.maxAbsDifference(prop) < 1e-12);
      Mixture hot = REGISTRY.create("temperature", PolicyContext.of(SIZED, 0),
          map("temperature", 1e6)).mixture(0);
      assertTrue(hot.maxAbsDifference(Mixture.uniform(hot.names())) < 1e-5);
    }

    @Test
    void hugeSizesStayExact() {
      List<Domain> huge = List.of(new Domain("x", 1L << 40, 1L << 50),
          new Domain("y", 1, 1));
      Mixture m = REGISTRY.create("temperature", PolicyContext.of(huge, 0),
          map("temperature", 0.05)).mixture(0);
      assertEquals(1.0, m.weight("x"), 1e-15);
      assertTrue(m.weight("y") >= 0);
    }

    @Test
    void temperatureMustBePositiveAndANumber() {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> REGISTRY.create("temperature", PolicyContext.of(SIZED, 0),
              map("temperature", 0)));
      assertTrue(e.getMessage().contains("'temperature'") && e.getMessage().contains("> 0"),
          e.getMessage());
      IllegalArgumentException typed = assertThrows(IllegalArgumentException.class,
          () -> REGISTRY.create("temperature", PolicyContext.of(SIZED, 0),
              map("temperature", "hot")));
      assertTrue(typed.getMessage().contains("\"hot\""), typed.getMessage());
      IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
          () -> REGISTRY.create("temperature", PolicyContext.of(SIZED, 0), Map.of()));
      assertTrue(missing.getMessage().contains("missing required config key 'temperature'"),
          missing.getMessage());
    }
  }

  @Nested
  class Uniform extends MixingPolicyContractTest {
    @Override
    protected MixingPolicy newPolicy(PolicyContext c) {
      return REGISTRY.create("uniform", c, Map.of());
    }

    @Test
    void everyDomainGetsTheSameWeight() {
      Mixture m = newPolicy(PolicyContext.of(SIZED, 0)).mixture(0);
      assertEquals(Mixture.uniform(m.names()), m);
    }
  }

  @Nested
  class Piecewise extends MixingPolicyContractTest {
    @Override
    protected MixingPolicy newPolicy(PolicyContext c) {
      List<String> n = c.domainNames();
      return REGISTRY.create("piecewise", c, map("interpolate", true, "segments", List.of(
          map("startStep", 0, "weights", weightsFor(n, 1, 0, 2)),
          map("startStep", 50, "weights", weightsFor(n, 0, 1)),
          map("startStep", 150, "weights", weightsFor(n, 1)))));
    }

    private MixingPolicy threeSegments(boolean interpolate) {
      return REGISTRY.create("piecewise", PolicyContext.of(SIZED, 0), map(
          "interpolate", interpolate, "segments", List.of(
              map("startStep", 0, "weights", map("a", 1, "b", 0, "c", 0)),
              map("startStep", 10, "weights", map("a", 0, "b", 1, "c", 0)),
              map("startStep", 30, "weights", map("a", 0, "b", 0, "c", 1)))));
    }

    @Test
    void jumpsAtSegmentStarts() {
      MixingPolicy p = threeSegments(false);
      assertEquals(1.0, p.mixture(9).weight("a"));
      assertEquals(1.0, p.mixture(10).weight("b"));
      assertEquals(1.0, p.mixture(29).weight("b"));
      assertEquals(1.0, p.mixture(30).weight("c"));
      assertEquals(1.0, p.mixture(10_000).weight("c"));
    }

    @Test
    void interpolatesLinearlyBetweenStarts() {
      MixingPolicy p = threeSegments(true);
      assertEquals(1.0, p.mixture(0).weight("a"), 1e-15);
      Mixture m = p.mixture(5);
      assertEquals(0.5, m.weight("a"), 1e-15);
      assertEquals(0.5, m.weight("b"), 1e-15);
      assertEquals(0.75, p.mixture(25).weight("c"), 1e-15);
      assertEquals(1.0, p.mixture(31).weight("c"), 1e-15);
    }

    @Test
    void segmentsMustStartAtZeroAndIncrease() {
      IllegalArgumentException first = assertThrows(IllegalArgumentException.class,
          () -> REGISTRY.create("piecewise", PolicyContext.of(SIZED, 0), map("segments",
              List.of(map("startStep", 5, "weights", map("a", 1, "b", 1, "c", 1))))));
      assertTrue(first.getMessage().contains("must be 0, got 5"), first.getMessage());
      IllegalArgumentException order = assertThrows(IllegalArgumentException.class,
          () -> REGISTRY.create("piecewise", PolicyContext.of(SIZED, 0), map("segments", List.of(
              map("startStep", 0, "weights", map("a", 1, "b", 1, "c", 1)),
              map("startStep", 0, "weights", map("a", 1, "b", 1, "c", 1))))));
      assertTrue(order.getMessage().contains("segment 1"), order.getMessage());
      IllegalArgumentException key = assertThrows(IllegalArgumentException.class,
          () -> REGISTRY.create("piecewise", PolicyContext.of(SIZED, 0), map("segments",
              List.of(map("start", 0, "weights", map("a", 1, "b", 1, "c", 1))))));
      assertTrue(key.getMessage().contains("'start'"), key.getMessage());
    }
  }
}
