package dev.datamix.mixture;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One source of training data: a named sequence of fixed-length blocks.
 *
 * @param name unique, non-blank name of the domain (for example {@code "code"})
 * @param blocks number of blocks in the domain's training split, {@code > 0}
 * @param tokens number of tokens in the domain's training split, {@code >= blocks}
 */
public record Domain(String name, long blocks, long tokens) {

  /** Validates the fields; a zero-size domain is rejected because it can never be sampled. */
  public Domain {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("domain name must be non-blank, got '" + name + "'");
    }
    if (blocks <= 0) {
      throw new IllegalArgumentException(
          "blocks of domain '" + name + "' must be > 0, got " + blocks);
    }
    if (tokens < blocks) {
      throw new IllegalArgumentException(
          "tokens of domain '" + name + "' must be >= blocks (" + blocks + "), got " + tokens);
    }
  }

  /** A domain of {@code blocks} blocks of {@code blockLength} tokens each. */
  public static Domain ofBlocks(String name, long blocks, int blockLength) {
    if (blockLength <= 0) {
      throw new IllegalArgumentException("blockLength must be > 0, got " + blockLength);
    }
    return new Domain(name, blocks, Math.multiplyExact(blocks, (long) blockLength));
  }

  /**
   * Checks a list of domains for use as one training set: non-empty and with unique names.
   *
   * @return an immutable copy of {@code domains}
   * @throws IllegalArgumentException naming the problem (empty list, duplicate name)
   */
  public static List<Domain> validateSet(List<Domain> domains) {
    if (domains == null || domains.isEmpty()) {
      throw new IllegalArgumentException("domains must not be empty, got " + domains);
    }
    Set<String> seen = new HashSet<>();
    for (Domain d : domains) {
      if (d == null) {
        throw new IllegalArgumentException("domains must not contain null, got " + domains);
      }
      if (!seen.add(d.name())) {
        throw new IllegalArgumentException("duplicate domain name '" + d.name() + "'");
      }
    }
    return List.copyOf(domains);
  }

  /** The names of {@code domains}, in order. */
  public static List<String> names(List<Domain> domains) {
    return domains.stream().map(Domain::name).toList();
  }
}
