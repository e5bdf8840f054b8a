package dev.datamix.mixture;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Weights over named domains: finite, non-negative, summing to one. Immutable.
 *
 * <p>Every mixing policy answers a {@code Mixture} per training step; the sampler draws each
 * batch's domains from it. Domain order is significant and matches the policy's domain list.
 */
public final class Mixture {
  /** Largest deviation of the weight sum from 1 that {@link #of(List, double[])} accepts. */
  public static final double SUM_TOLERANCE = 1e-9;

  private final List<String> names;
  private final double[] weights;
  private final Map<String, Integer> index;

  private Mixture(List<String> names, double[] weights) {
    this.names = names;
    this.weights = weights;
    Map<String, Integer> idx = new HashMap<>(names.size() * 2);
    for (int i = 0; i < names.size(); i++) {
      if (idx.put(names.get(i), i) != null) {
        throw new IllegalArgumentException("duplicate domain name '" + names.get(i) + "'");
      }
    }
    this.index = idx;
  }

  /**
   * Normalises non-negative raw weights (for example sizes, scores or counts) to a mixture.
   *
   * @throws IllegalArgumentException if a weight is NaN, infinite or negative, if all weights are
   *     zero, or if the lengths differ; the message names the domain and the value
   */
  public static Mixture normalise(List<String> names, double[] raw) {
    List<String> copy = List.copyOf(names);
    checkRaw(copy, raw);
    double sum = 0;
    for (double w : raw) {
      sum += w;
    }
    if (!(sum > 0) || Double.isInfinite(sum)) {
      throw new IllegalArgumentException(
          "weights must have a positive finite sum, got " + sum + " for " + copy);
    }
    double[] w = new double[raw.length];
    for (int i = 0; i < raw.length; i++) {
      w[i] = raw[i] / sum;
    }
    return new Mixture(copy, w);
  }

  /** Normalises the values of an ordered map of raw weights; see {@link #normalise(List, double[])}. */
  public static Mixture normalise(Map<String, Double> raw) {
    List<String> names = List.copyOf(raw.keySet());
    double[] w = new double[names.size()];
    for (int i = 0; i < w.length; i++) {
      Double v = raw.get(names.get(i));
      w[i] = v == null ? Double.NaN : v;
    }
    return normalise(names, w);
  }

  /**
   * A mixture from weights that must already sum to one (within {@link #SUM_TOLERANCE}).
   *
   * @throws IllegalArgumentException if any weight is invalid or the sum is not 1
   */
  public static Mixture of(List<String> names, double[] weights) {
    List<String> copy = List.copyOf(names);
    checkRaw(copy, weights);
    double sum = 0;
    for (double w : weights) {
      sum += w;
    }
    if (Math.abs(sum - 1.0) > SUM_TOLERANCE) {
      throw new IllegalArgumentException("weights must sum to 1, got " + sum + " for " + copy);
    }
    return normalise(copy, weights);
  }

  /** The uniform ("stratified") mixture over {@code names}. */
  public static Mixture uniform(List<String> names) {
    double[] w = new double[names.size()];
    Arrays.fill(w, 1.0);
    return normalise(names, w);
  }

  /** The mixture that puts all weight on domain {@code name}. */
  public static Mixture oneHot(List<String> names, String name) {
    double[] w = new double[names.size()];
    int i = names.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException("unknown domain '" + name + "', known: " + names);
    }
    w[i] = 1.0;
    return normalise(names, w);
  }

  private static void checkRaw(List<String> names, double[] raw) {
    if (names.isEmpty()) {
      throw new IllegalArgumentException("a mixture needs at least one domain, got none");
    }
    if (raw == null || raw.length != names.size()) {
      throw new IllegalArgumentException(
          "weights length must equal the number of domains (" + names.size() + "), got "
              + (raw == null ? "null" : String.valueOf(raw.length)));
    }
    for (int i = 0; i < raw.length; i++) {
      double w = raw[i];
      if (!(w >= 0) || Double.isInfinite(w)) {
        throw new IllegalArgumentException(
            "weight for domain '" + names.get(i) + "' must be finite and >= 0, got " + w);
      }
    }
  }

  /** Number of domains. */
  public int size() {
    return weights.length;
  }

  /** Domain names, in order. */
  public List<String> names() {
    return names;
  }

  /** Weight of the domain at {@code i}. */
  public double weight(int i) {
    return weights[i];
  }

  /**
   * Weight of the named domain.
   *
   * @throws IllegalArgumentException if the mixture has no such domain
   */
  public double weight(String name) {
    return weights[indexOf(name)];
  }

  /** Position of the named domain, or an exception naming it and the known names. */
  public int indexOf(String name) {
    Integer i = index.get(name);
    if (i == null) {
      throw new IllegalArgumentException("unknown domain '" + name + "', known: " + names);
    }
    return i;
  }

  /** A copy of the weights, in domain order. */
  public double[] toArray() {
    return weights.clone();
  }

  /** The weights as an insertion-ordered map. */
  public Map<String, Double> asMap() {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < weights.length; i++) {
      m.put(names.get(i), weights[i]);
    }
    return m;
  }

  /** Largest absolute weight difference to {@code other} (same domains required). */
  public double maxAbsDifference(Mixture other) {
    if (!names.equals(other.names)) {
      throw new IllegalArgumentException(
          "mixtures over different domains: " + names + " vs " + other.names);
    }
    double d = 0;
    for (int i = 0; i < weights.length; i++) {
      d = Math.max(d, Math.abs(weights[i] - other.weights[i]));
    }
    return d;
  }

  @Override
  public boolean equals(Object o) {
    return this == o
        || (o instanceof Mixture m && names.equals(m.names) && Arrays.equals(weights, m.weights));
  }

  @Override
  public int hashCode() {
    return 31 * names.hashCode() + Arrays.hashCode(weights);
  }

  /** For example {@code Mixture{code=0.2500, prose=0.7500}}; long mixtures are abbreviated. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Mixture{");
    int shown = Math.min(weights.length, 16);
    for (int i = 0; i < shown; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(names.get(i)).append('=').append(String.format(Locale.ROOT, "%.4f", weights[i]));
    }
    if (shown < weights.length) {
      sb.append(", ... (").append(weights.length - shown).append(" more)");
    }
    return sb.append('}').toString();
  }
}
