package dev.datamix.sampler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.mixture.Mixture;
import dev.datamix.state.Json;
import dev.datamix.state.StateReader;
import java.util.Arrays;
import java.util.List;

/**
 * The weights in force under {@link SamplerOptions.Allocation#GROUPED}, where a weight change
 * costs work in proportion to the weights that changed: the requested raw weights, the {@link
 * GroupedAliasTable} of the effective ones (an exhausted domain's set to zero), and the blocks
 * each domain was asked for. Requested blocks are counted lazily: {@code p} adds up each call's
 * draws over the requested total, and a domain's count moves only when its own weight does
 * ({@code blocks_d += w_d · (p − since_d)}), so a change of {@code m} weights updates {@code m}
 * counts. Nothing is flushed by a snapshot, which saves the counters as they stand: a resumed run
 * counts, bit for bit, what the uninterrupted one counts. Part of {@link MixtureSampler}'s state.
 */
final class GroupedWeights implements WeightsInForce {
  private static final String[] FIELDS = {"requested", "blocks", "since"};

  private final List<String> names;
  private final GroupedAliasTable table;
  private final boolean[] exhausted; // the sampler's
  private final int k;
  // per domain d, side by side (one cache line for a change): [3d] its requested weight,
  // [3d + 1] the blocks requested up to p = [3d + 2]
  private final double[] counters;
  private double p;
  private double requestedTotal;
  private int[] exhaustedSorted = new int[0]; // for a total that does not depend on history
  private Object source; // the Mixture or LiveWeights last applied
  private final KnownNames known;
  private Mixture effective; // effective(), until the weights change
  private long seenVersion;

  GroupedWeights(List<String> names, boolean[] exhausted) {
    this.names = names;
    known = new KnownNames(names);
    this.exhausted = exhausted;
    k = names.size();
    table = new GroupedAliasTable(k);
    counters = new double[3 * k];
  }

  /** Applies a mixture's weights, comparing each (an O(K) read, then the changed groups). */
  @Override
  public boolean use(Mixture m) {
    if (m == source) {
      return false;
    }
    known.check(m.names(), "mixture");
    for (int d = 0; d < k; d++) {
      request(d, m.weight(d));
    }
    source = m;
    return commit();
  }

  /**
   * Applies the changes logged since the last call, or all K weights if they are not logged.
   *
   * @return whether the effective weights changed
   */
  boolean use(LiveWeights w) {
    known.check(w.names(), "live weights'");
    long now = w.version();
    boolean logged = w == source && (now == seenVersion || w.changed(seenVersion) >= 0);
    if (logged) {
      for (long v = seenVersion; v < now; v++) {
        int d = w.changed(v);
        request(d, w.get(d));
      }
    } else {
      for (int d = 0; d < k; d++) {
        request(d, w.get(d));
      }
    }
    source = w;
    seenVersion = now;
    return commit();
  }

  private void request(int d, double w) {
    int at = 3 * d;
    double old = counters[at];
    if (Double.doubleToLongBits(old) == Double.doubleToLongBits(w)) {
      return;
    }
    counters[at + 1] += old * (p - counters[at + 2]);
    counters[at + 2] = p;
    counters[at] = w;
    table.set(d, exhausted[d] ? 0 : w);
  }

  /** Its weight leaves the table; its request stays, and is still counted. */
  @Override
  public void exhaust(int d) {
    table.set(d, 0);
    int at = -Arrays.binarySearch(exhaustedSorted, d) - 1;
    if (at >= 0) {
      int[] grown = new int[exhaustedSorted.length + 1];
      System.arraycopy(exhaustedSorted, 0, grown, 0, at);
      grown[at] = d;
      System.arraycopy(exhaustedSorted, at, grown, at + 1, exhaustedSorted.length - at);
      exhaustedSorted = grown;
    }
    effective = null; // a mixture given whole no longer stands for the weights in force
    commit();
  }

  private boolean commit() {
    boolean changed = table.commit();
    if (changed) {
      effective = null;
    }
    double effectiveTotal = updateTotals();
    if (!(effectiveTotal > 0)) {
      throw new IllegalStateException(requestedTotal > 0
          ? "every domain with positive weight is exhausted; exhausted domains: "
              + exhaustedSorted.length
          : "every requested domain weight is zero: at least one must be positive");
    }
    return changed;
  }

  /**
   * Sets the requested total, the table's total plus the exhausted domains' requests in index
   * order (a sum that does not depend on the order they were exhausted in).
   *
   * @return the table's total
   */
  private double updateTotals() {
    double effectiveTotal = table.total();
    double total = effectiveTotal;
    for (int d : exhaustedSorted) {
      total += counters[3 * d];
    }
    requestedTotal = total;
    return effectiveTotal;
  }

  @Override
  public void drew(long n) {
    p += n / requestedTotal;
  }

  @Override
  public int sample(long bits) {
    return table.sample(bits);
  }

  /** Level by level over the run, so that the run's table reads overlap. */
  @Override
  public void sampleRun(long stepKey, long first, int n, int[] out) {
    table.sampleRun(stepKey, first, n, out);
  }

  @Override
  public double blocksRequested(int d) {
    int at = 3 * d;
    return counters[at + 1] + counters[at] * (p - counters[at + 2]);
  }

  @Override
  public double requestedShare(int d) {
    return counters[3 * d] / requestedTotal;
  }

  /**
   * The effective weights, normalised: the mixture given, if one was and no domain is exhausted,
   * else made from the K weights (O(K)); kept until the weights change.
   */
  @Override
  public Mixture effective() {
    if (effective == null && table.total() > 0) {
      if (source instanceof Mixture m && exhaustedSorted.length == 0) {
        effective = m;
      } else {
        double[] w = new double[k];
        for (int d = 0; d < w.length; d++) {
          w[d] = table.weight(d);
        }
        effective = Mixture.normalise(names, w);
      }
    }
    return effective;
  }

  /** Writes the counters as they stand, nothing flushed. */
  @Override
  public void writeTo(ObjectNode snapshot) {
    ObjectNode g = snapshot.putObject("grouped");
    g.put("p", p);
    for (int field = 0; field < 3; field++) {
      double[] v = new double[k];
      for (int d = 0; d < k; d++) {
        v[d] = counters[3 * d + field];
      }
      g.set(FIELDS[field], Json.doubles(v));
    }
  }

  /** The saved counters, in saved domain order: requested, blocks, since; then p. */
  static double[][] read(StateReader r, int savedDomains) {
    StateReader g = r.object("grouped");
    return new double[][] {g.getDoubles(FIELDS[0], savedDomains),
        g.getDoubles(FIELDS[1], savedDomains), g.getDoubles(FIELDS[2], savedDomains),
        {g.getDouble("p")}};
  }

  /**
   * Replaces the counters with saved ones ({@link #read}), saved domain {@code i} becoming
   * domain {@code current[i]} (-1: gone); a new domain starts with no request. The sampler's
   * exhaustion is already restored.
   */
  void restore(double[][] saved, int[] current) {
    p = saved[3][0];
    for (int d = 0; d < k; d++) { // a new domain: no request yet
      counters[3 * d] = 0;
      counters[3 * d + 1] = 0;
      counters[3 * d + 2] = p;
    }
    for (int i = 0; i < current.length; i++) {
      for (int field = 0; field < 3 && current[i] >= 0; field++) {
        counters[3 * current[i] + field] = saved[field][i];
      }
    }
    int n = 0;
    int[] ex = new int[k];
    for (int d = 0; d < k; d++) {
      table.set(d, exhausted[d] ? 0 : counters[3 * d]);
      if (exhausted[d]) {
        ex[n++] = d;
      }
    }
    exhaustedSorted = Arrays.copyOf(ex, n);
    source = null;
    effective = null;
    table.commit();
    updateTotals(); // not checked here: the next draw's use() checks them
  }
}
