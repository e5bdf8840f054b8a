package dev.datamix.sampler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.mixture.Mixture;
import dev.datamix.state.Json;
import java.util.List;
import java.util.function.Supplier;

/**
 * The weights in force under {@link SamplerOptions.Allocation#RANDOM} and {@code EXACT}: the
 * policy's mixture, the effective one (an exhausted domain's weight moved to the others), its
 * flat {@link AliasTable} rebuilt in place on every change (O(K)), and the blocks each domain was
 * asked for ({@link RequestedBlocks}). Part of {@link MixtureSampler}'s state.
 */
final class FlatWeights implements WeightsInForce {
  private final List<String> names;
  private final KnownNames known;
  private final boolean[] exhausted; // the sampler's
  private final Supplier<String> exhaustedDetail;
  private final RequestedBlocks requestedBlocks;
  private Mixture requested;
  private Mixture effective;
  private AliasTable alias;
  private final double[] effectiveWeights; // reused: a weight change allocates nothing

  FlatWeights(List<String> names, boolean[] exhausted, Supplier<String> exhaustedDetail) {
    this.names = names;
    known = new KnownNames(names);
    this.exhausted = exhausted;
    this.exhaustedDetail = exhaustedDetail;
    requestedBlocks = new RequestedBlocks(names.size());
    effectiveWeights = new double[names.size()];
  }

  @Override
  public boolean use(Mixture mixture) {
    if (mixture == requested) {
      return false;
    }
    known.check(mixture.names(), "mixture");
    requestedBlocks.use(mixture);
    boolean same = requested != null && sameWeights(mixture, requested);
    requested = mixture;
    if (!same) {
      rebuild();
    }
    return !same;
  }

  /** Equal weights, for two mixtures whose names are already known to be the sampler's. */
  private static boolean sameWeights(Mixture a, Mixture b) {
    for (int d = a.size() - 1; d >= 0; d--) {
      if (Double.doubleToLongBits(a.weight(d)) != Double.doubleToLongBits(b.weight(d))) {
        return false;
      }
    }
    return true;
  }

  /** Rebuilds the effective weights and the table after a change of mixture or exhaustion. */
  void rebuild() {
    double[] w = effectiveWeights;
    boolean any = false;
    boolean changed = false;
    for (int d = 0; d < w.length; d++) {
      w[d] = requested.weight(d);
      if (exhausted[d] && w[d] > 0) {
        w[d] = 0;
        changed = true;
      }
      any |= w[d] > 0;
    }
    if (!any) {
      throw new IllegalStateException("every domain with positive weight in " + requested
          + " is exhausted " + exhaustedDetail.get());
    }
    effective = changed ? Mixture.normalise(names, w) : requested;
    if (alias == null) {
      alias = new AliasTable(w);
    } else {
      alias.rebuild(w); // in place: a weight change allocates no table
    }
  }

  @Override
  public int sample(long bits) {
    return alias.sample(bits);
  }

  /** The effective weights (not normalised after an exhaustion), for exact apportionment. */
  double[] weights() {
    return effectiveWeights;
  }

  @Override
  public void drew(long n) {
    requestedBlocks.drew(n);
  }

  /** The effective mixture, or null before any mixture was put in force since a restore. */
  @Override
  public Mixture effective() {
    return effective;
  }

  @Override
  public double requestedShare(int d) {
    return requested.weight(d);
  }

  @Override
  public double blocksRequested(int d) {
    return requestedBlocks.blocks(d);
  }

  @Override
  public void exhaust(int d) {
    rebuild();
  }

  @Override
  public void writeTo(ObjectNode snapshot) {
    snapshot.set("requestedUnits", Json.longs(requestedBlocks.units()));
  }

  /** Replaces the counts; no mixture is in force until the next {@link #use}. */
  void restore(long[] units) {
    requestedBlocks.restore(units);
    requested = null;
    effective = null;
  }
}
