package dev.datamix.mixture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.policy.PolicyContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MixtureAndDomainTest {
  private static final List<String> NAMES = List.of("code", "prose", "legal");

  @Test
  void normaliseDividesBySum() {
    Mixture m = Mixture.normalise(NAMES, new double[] {1, 2, 1});
    assertEquals(0.5, m.weight("prose"), 0);
    assertEquals(0.25, m.weight(0), 0);
    assertEquals(1, m.indexOf("prose"));
  }

  @Test
  void nanWeightIsRejectedNamingTheDomain() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Mixture.normalise(NAMES, new double[] {1, Double.NaN, 1}));
    assertEquals("weight for domain 'prose' must be finite and >= 0, got NaN", e.getMessage());
  }

  @Test
  void negativeAndInfiniteWeightsAreRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> Mixture.normalise(NAMES, new double[] {1, -0.5, 1}));
    assertThrows(IllegalArgumentException.class,
        () -> Mixture.normalise(NAMES, new double[] {1, Double.POSITIVE_INFINITY, 1}));
  }

  @Test
  void allZeroWeightsAreRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Mixture.normalise(NAMES, new double[] {0, 0, 0}));
    assertTrue(e.getMessage().contains("positive finite sum"), e.getMessage());
  }

  @Test
  void ofRequiresASumOfOne() {
    assertThrows(IllegalArgumentException.class, () -> Mixture.of(NAMES, new double[] {1, 1, 1}));
    assertEquals(0.5, Mixture.of(NAMES, new double[] {0.5, 0.25, 0.25}).weight("code"));
  }

  @Test
  void lengthMismatchAndEmptyAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> Mixture.normalise(NAMES, new double[] {1}));
    assertThrows(IllegalArgumentException.class,
        () -> Mixture.normalise(List.of(), new double[0]));
  }

  @Test
  void duplicateNamesAreRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Mixture.uniform(List.of("a", "b", "a")));
    assertTrue(e.getMessage().contains("'a'"), e.getMessage());
  }

  @Test
  void unknownNameLookupListsKnownNames() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Mixture.uniform(NAMES).weight("german"));
    assertTrue(e.getMessage().contains("'german'") && e.getMessage().contains("legal"));
  }

  @Test
  void toStringIsReadable() {
    assertEquals("Mixture{code=0.2500, prose=0.5000, legal=0.2500}",
        Mixture.normalise(NAMES, new double[] {1, 2, 1}).toString());
  }

  @Test
  void equalityIsByContentAndImmutable() {
    double[] raw = {1, 2, 1};
    Mixture a = Mixture.normalise(NAMES, raw);
    raw[0] = 100;
    assertEquals(Mixture.normalise(NAMES, new double[] {1, 2, 1}), a);
    a.toArray()[0] = 5;
    assertEquals(0.25, a.weight(0));
    assertNotEquals(a, Mixture.uniform(NAMES));
    assertEquals(Map.of("code", 0.25, "prose", 0.5, "legal", 0.25), a.asMap());
  }

  @Test
  void zeroSizeDomainIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Domain("code", 0, 0));
    assertEquals("blocks of domain 'code' must be > 0, got 0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Domain(" ", 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new Domain("x", 10, 5));
  }

  @Test
  void emptyAndDuplicateDomainListsAreRejected() {
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
        () -> PolicyContext.of(List.of(), 0));
    assertTrue(empty.getMessage().contains("must not be empty"), empty.getMessage());
    IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
        () -> PolicyContext.of(List.of(new Domain("a", 1, 1), new Domain("a", 2, 2)), 0));
    assertEquals("duplicate domain name 'a'", dup.getMessage());
  }
}
