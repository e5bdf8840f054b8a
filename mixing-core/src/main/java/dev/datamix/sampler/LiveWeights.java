package dev.datamix.sampler;

import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixture;
import java.util.List;

/**
 * Raw domain weights that a policy moves a few at a time, for a {@link MixtureSampler} to draw
 * from without reading all K of them at every step: the weights of a bandit over 10^4–10^5
 * clusters, say, whose multiplicative update touches only the few arms a step drew (the arms of
 * Online Data Mixing, Albalak et al. 2023, are a bandit over domains, though its decaying
 * exploration term moves every arm at every step). The weights need not sum to one; the
 * sampler draws domain {@code d} with probability {@code w_d / Σ w}. Each {@link #set} is logged so that a sampler with {@link
 * SamplerOptions.Allocation#GROUPED} applies only the changes since its last draw, rebuilding
 * the groups they touch ({@code O(m · 16 · levels)} for {@code m} changes, not {@code O(K)});
 * a sampler that falls more than {@code max(1024, K)} changes behind reads all K weights again.
 * Not thread-safe.
 *
 * @see <a href="https://arxiv.org/abs/2312.02406">A. Albalak et al., Efficient Online Data
 *     Mixing For Language Model Pre-Training, 2023</a>
 */
public final class LiveWeights {
  private final List<String> names;
  private final double[] weights;
  private final int[] log; // log[v % log.length]: the domain of change v
  private long version;
  private Mixture cached;
  private long cachedVersion = -1;

  /**
   * Weights over {@code names}, starting at {@code initial} (copied).
   *
   * @throws IllegalArgumentException if the lengths differ or a weight is NaN, infinite or
   *     negative (naming the domain and the value)
   */
  public LiveWeights(List<String> names, double[] initial) {
    this.names = List.copyOf(names);
    if (initial == null || initial.length != this.names.size() || initial.length == 0) {
      throw new IllegalArgumentException("initial weights must have one entry per domain ("
          + this.names.size() + "), got " + (initial == null ? "null" : initial.length));
    }
    weights = new double[initial.length];
    for (int d = 0; d < initial.length; d++) {
      weights[d] = checked(d, initial[d]);
    }
    log = new int[Math.max(1024, initial.length)];
  }

  /** Weights starting at {@code m}'s. */
  public static LiveWeights of(Mixture m) {
    return new LiveWeights(m.names(), m.toArray());
  }

  /** Weights over {@code domains}, all equal. */
  public static LiveWeights uniform(List<Domain> domains) {
    double[] w = new double[domains.size()];
    java.util.Arrays.fill(w, 1.0);
    return new LiveWeights(Domain.names(domains), w);
  }

  /**
   * Sets domain {@code d}'s raw weight.
   *
   * @throws IllegalArgumentException for a domain out of range or a weight that is NaN,
   *     infinite or negative
   */
  public void set(int d, double weight) {
    if (d < 0 || d >= weights.length) {
      throw new IllegalArgumentException("domain index must be in [0, " + weights.length
          + "), got " + d);
    }
    weights[d] = checked(d, weight);
    log[(int) (version % log.length)] = d;
    version++;
  }

  private double checked(int d, double w) {
    if (!(w >= 0) || Double.isInfinite(w)) {
      throw new IllegalArgumentException("weight for domain '" + names.get(d)
          + "' must be finite and >= 0, got " + w);
    }
    return w;
  }

  /** Domain {@code d}'s raw weight. */
  public double get(int d) {
    return weights[d];
  }

  /** Number of domains. */
  public int size() {
    return weights.length;
  }

  /** The domain names, in order. */
  public List<String> names() {
    return names;
  }

  /** Changes made so far. */
  public long version() {
    return version;
  }

  /**
   * The weights normalised to a {@link Mixture}: {@code O(K)}, cached until the next change.
   *
   * @throws IllegalArgumentException if every weight is zero
   */
  public Mixture toMixture() {
    if (cachedVersion != version) {
      cached = Mixture.normalise(names, weights);
      cachedVersion = version;
    }
    return cached;
  }

  /**
   * The domain of change {@code v}, or -1 if it is no longer logged (more than the log's length
   * ago) or not made yet.
   */
  int changed(long v) {
    return v >= version || v < version - log.length || v < 0 ? -1
        : log[(int) (v % log.length)];
  }
}
