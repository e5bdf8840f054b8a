package dev.datamix.sampler;

import java.util.List;

/**
 * The sampler's domain names, and the check that a mixture or live weights come over the same
 * ones: compared in full once per names list, then by identity (a list of 65,536 names compared
 * at every draw call cost more than the draws).
 */
final class KnownNames {
  private final List<String> names;
  private List<String> checked; // a names list already found equal to ours

  KnownNames(List<String> names) {
    this.names = names;
  }

  /**
   * Checks that {@code other} lists the sampler's domains, in order.
   *
   * @param what what the names belong to, for the message ("mixture", "live weights'")
   * @throws IllegalArgumentException naming both lists if they differ
   */
  void check(List<String> other, String what) {
    if (other != checked) {
      if (!other.equals(names)) {
        throw new IllegalArgumentException(what + " domains must equal the sampler's: expected "
            + names + ", got " + other);
      }
      checked = other;
    }
  }
}
