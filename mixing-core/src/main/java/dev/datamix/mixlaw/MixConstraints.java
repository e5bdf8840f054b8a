package dev.datamix.mixlaw;

import dev.datamix.mixture.Domain;
import java.util.List;
import java.util.Locale;

/**
 * Bounds on a mixture: every weight at least {@code minWeight} and at most {@code maxWeight}, and
 * at most {@code maxEpochs} passes over each domain's tokens within a run of {@code budgetTokens}
 * tokens, that is {@code r_i ≤ maxEpochs·tokens_i / budgetTokens} (RegMix's {@code MAXIMUM_USAGE},
 * Olmix's {@code repetition_factor}). Immutable.
 *
 * @param names the domains
 * @param minWeight the least weight of every domain, in [0, 1/K]
 * @param maxWeight the largest weight of any domain, in (0, 1]
 * @param caps each domain's upper bound, the epoch cap and {@code maxWeight} combined
 */
public record MixConstraints(List<String> names, double minWeight, double maxWeight,
    double[] caps) {
  /** Validates the bounds; they must leave some mixture feasible. */
  public MixConstraints {
    names = List.copyOf(names);
    caps = caps.clone();
    int k = names.size();
    if (!(minWeight >= 0 && minWeight * k <= 1 + 1e-12)) {
      throw new IllegalArgumentException("minWeight must be in [0, 1/K] = [0, " + 1.0 / k
          + "] for K = " + k + " domains, got " + minWeight);
    }
    if (!(maxWeight > 0 && maxWeight <= 1)) {
      throw new IllegalArgumentException("maxWeight must be in (0, 1], got " + maxWeight);
    }
    double room = 0;
    for (int i = 0; i < k; i++) {
      if (caps[i] < minWeight) {
        throw new IllegalArgumentException(String.format(Locale.ROOT, "domain '%s' may take at "
            + "most %.4g of the mix (maxEpochs and budgetTokens, or maxWeight) but minWeight is "
            + "%.4g: no mixture satisfies both", names.get(i), caps[i], minWeight));
      }
      room += caps[i];
    }
    if (room < 1 - 1e-12) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "the upper bounds of all "
          + "domains add up to %.4g < 1: no mixture fits the budget at maxEpochs; raise "
          + "maxEpochs or maxWeight, or lower budgetTokens", room));
    }
  }

  /**
   * The constraints over {@code domains}.
   *
   * @param maxEpochs passes allowed over each domain, {@code > 0}, or infinity for no cap
   * @param budgetTokens the run's tokens the epoch cap applies to, {@code > 0}
   */
  public static MixConstraints of(List<Domain> domains, double minWeight, double maxWeight,
      double maxEpochs, long budgetTokens) {
    if (!(maxEpochs > 0)) {
      throw new IllegalArgumentException("maxEpochs must be > 0, got " + maxEpochs);
    }
    if (budgetTokens <= 0) {
      throw new IllegalArgumentException("budgetTokens must be > 0, got " + budgetTokens);
    }
    double[] caps = epochCaps(domains, maxEpochs, budgetTokens);
    for (int i = 0; i < caps.length; i++) {
      caps[i] = Math.min(maxWeight, caps[i]);
    }
    try {
      return new MixConstraints(Domain.names(domains), minWeight, maxWeight, caps);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("maxEpochs " + maxEpochs + " at budgetTokens "
          + budgetTokens + ": " + e.getMessage(), e);
    }
  }

  /**
   * Each domain's share of a run of {@code budgetTokens} tokens at which it is read {@code
   * maxEpochs} times: {@code maxEpochs·tokens_i / budgetTokens} (may exceed 1). The swarm's
   * rejection bound and the proposer's cap.
   */
  public static double[] epochCaps(List<Domain> domains, double maxEpochs, long budgetTokens) {
    double[] caps = new double[domains.size()];
    for (int i = 0; i < caps.length; i++) {
      caps[i] = maxEpochs * domains.get(i).tokens() / (double) budgetTokens;
    }
    return caps;
  }

  /** Only the weight bounds, no epoch cap (no main-run budget is known). */
  public static MixConstraints ofWeights(List<String> names, double minWeight,
      double maxWeight) {
    double[] caps = new double[names.size()];
    java.util.Arrays.fill(caps, maxWeight);
    return new MixConstraints(names, minWeight, maxWeight, caps);
  }

  /** No bounds beyond the simplex. */
  public static MixConstraints none(List<String> names) {
    return ofWeights(names, 0, 1);
  }

  /** Whether {@code r} (weights summing to 1) satisfies every bound, to {@code 1e-12}. */
  public boolean admits(double[] r) {
    for (int i = 0; i < r.length; i++) {
      if (r[i] < minWeight - 1e-12 || r[i] > caps[i] + 1e-12) {
        return false;
      }
    }
    return true;
  }

  @Override
  public double[] caps() {
    return caps.clone();
  }
}
