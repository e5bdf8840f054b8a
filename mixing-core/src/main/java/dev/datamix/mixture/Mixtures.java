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
}
