package dev.datamix.benchmarks;

import dev.datamix.mixture.Domain;
import java.util.ArrayList;
import java.util.List;

/**
 * The sampler benchmarks' K domains: {@code d0 .. d(K-1)}, 10^6 blocks of 1,024 tokens each, and
 * their uneven weights {@code 1 + i mod 7} (an alias table with small and large columns).
 */
final class SyntheticDomains {
  private SyntheticDomains() {}

  /** K domains of 10^6 blocks of 1,024 tokens. */
  static List<Domain> of(int k) {
    List<Domain> d = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      d.add(new Domain("d" + i, 1_000_000, 1_000_000L * 1024));
    }
    return d;
  }

  /** Weights {@code 1 + i mod period} for the K domains. */
  static double[] weights(int k, int period) {
    double[] w = new double[k];
    for (int i = 0; i < k; i++) {
      w[i] = 1.0 + (i % period);
    }
    return w;
  }
}
