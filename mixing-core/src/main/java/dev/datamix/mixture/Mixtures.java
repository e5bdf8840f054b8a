package dev.datamix.mixture;

import java.util.List;

/**
 * Mixtures every policy may start from: the natural mix and temperature-scaled sizes. Policies
 * share these instead of reaching into one another's packages.
 */
public final class Mixtures {
  private Mixtures() {}

  /** Each domain's size: its training {@code tokens} or its {@code blocks}. */
  public static double[] sizes(List<Domain> domains, String unit) {
    if (!unit.equals("tokens") && !unit.equals("blocks")) {
      throw new IllegalArgumentException("unit must be tokens or blocks, got " + unit);
    }
    double[] s = new double[domains.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = unit.equals("blocks") ? domains.get(i).blocks() : domains.get(i).tokens();
    }
    return s;
  }

  /** The natural mix: weights proportional to each domain's training tokens. */
  public static Mixture proportionalToTokens(List<Domain> domains) {
    return temperature(Domain.names(domains), sizes(domains, "tokens"), 1.0);
  }

  /**
   * Temperature weights {@code w_i ∝ size_i^(1/τ)}, computed in log space so that huge sizes and
   * large {@code τ} stay exact; {@code τ = ∞} is uniform.
   */
  public static Mixture temperature(List<String> names, double[] sizes, double tau) {
    double[] logs = new double[sizes.length];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < sizes.length; i++) {
      logs[i] = Double.isInfinite(tau) ? 0 : Math.log(sizes[i]) / tau;
      max = Math.max(max, logs[i]);
    }
    double[] w = new double[sizes.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = Math.exp(logs[i] - max);
    }
    return Mixture.normalise(names, w);
  }

  /**
   * Weights {@code w} (non-negative, not all zero) normalised so that every weight is at least
   * {@code floor} and the rest keep their proportions: the weights below the floor are raised to
   * it and the others share what is left, repeated until none is below.
   *
   * @throws IllegalArgumentException if {@code floor × K > 1}
   */
  public static double[] withFloor(double[] w, double floor) {
    int k = w.length;
    if (floor < 0 || floor * k > 1 + 1e-12) {
      throw new IllegalArgumentException("a floor of " + floor + " on " + k + " domains is "
          + "impossible: it must be in [0, 1/" + k + "]");
    }
    boolean[] fixed = new boolean[k];
    double[] out = new double[k];
    while (true) {
      double free = 0;
      int fixedCount = 0;
      for (int i = 0; i < k; i++) {
        if (fixed[i]) {
          fixedCount++;
        } else {
          free += w[i];
        }
      }
      double share = 1 - fixedCount * floor;
      boolean changed = false;
      for (int i = 0; i < k; i++) {
        out[i] = fixed[i] ? floor : free > 0 ? share * w[i] / free : share / (k - fixedCount);
        if (!fixed[i] && out[i] < floor) {
          fixed[i] = true;
          changed = true;
        }
      }
      if (!changed) {
        return out;
      }
    }
  }
}
