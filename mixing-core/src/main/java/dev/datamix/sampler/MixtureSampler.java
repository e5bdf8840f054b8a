package dev.datamix.sampler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixture;
import dev.datamix.random.Seeds;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.StateReader;
import java.lang.System.Logger.Level;
import java.util.List;

/**
 * Draws {@code (domain, block)} references for training batches from a mixture that may change at
 * any step, exactly reproducibly and resumably.
 *
 * <ul>
 *   <li><b>Domain</b> of draw {@code j} of step {@code t}: an alias-method draw (O(1)) keyed by
 *       {@code (seed, t, j)}. It depends on no earlier draw, so a weight change never shifts the
 *       random stream (the resume bug of Megatron-LM issue 457 and of {@code interleave_datasets}).
 *       With {@link SamplerOptions.Allocation#EXACT}, each draw call's counts follow the mixture
 *       exactly instead (floors, then the remainders' seats by keyed systematic sampling, keyed by
 *       {@code (seed, t, first draw of the call)}). With {@link SamplerOptions.Allocation#GROUPED},
 *       keyed draws from a table over groups of domains that a change of few weights ({@link
 *       LiveWeights}) rebuilds only where they changed.
 *   <li><b>Block</b> inside the domain: without replacement within a domain-epoch, following a
 *       keyed permutation of the domain's {@link BlockSelection} derived from {@code (seed,
 *       domain, epoch)}; O(1) memory per domain whatever its size.
 *   <li><b>Counters</b> per domain: blocks and tokens served, epochs started and wrapped, and an
 *       optional repetition cap that exhausts a domain and redistributes its weight (logged).
 *   <li><b>State</b>: {@link #snapshot()} after any draw call and {@link #restore} into a new
 *       sampler reproduce every later draw of an uninterrupted run, whatever the mixtures.
 * </ul>
 *
 * <p>Steps must not decrease; several {@link #draw} calls for one step (micro-batches, devices)
 * continue that step's draw index. Not thread-safe.
 */
public final class MixtureSampler {
  /** Version of the layout {@link #snapshot()} writes. */
  public static final int STATE_VERSION = 1;

  private static final System.Logger LOG = System.getLogger(MixtureSampler.class.getName());
  private static final long STREAM_DOMAIN = 0x646f6d61696eL; // "domain"
  private static final long STREAM_EXACT = 0x6578616374L; // "exact"

  private final List<Domain> domains;
  private final List<String> names;
  private final SamplerOptions options;
  private final double[] tokensPerBlock;
  private final long[] capBlocks;

  // The resumable state: per-domain orders and counters, with step / drawsInStep.
  private final DomainOrders orders;
  private final boolean[] exhausted;
  private int exhaustedCount;
  private final WeightsInForce weights; // flat or grouped
  private final FlatWeights flat; // RANDOM and EXACT
  private final GroupedWeights grouped; // GROUPED
  private long step = -1;
  private long drawsInStep;

  // Derived caches, rebuilt on demand.
  private ExactAllocation exact;
  private int weightsVersion; // advanced whenever the effective weights change
  private final int[] chunkDomains = new int[256]; // a RANDOM call's domains, a chunk at a time
  private long touched; // keeps DomainOrders#touch's reads

  /**
   * A sampler over {@code domains}.
   *
   * @throws IllegalArgumentException for an empty domain list or duplicate names
   */
  public MixtureSampler(List<Domain> domains, SamplerOptions options) {
    this.domains = Domain.validateSet(domains);
    this.names = Domain.names(this.domains);
    this.options = options;
    int k = this.domains.size();
    tokensPerBlock = new double[k];
    capBlocks = new long[k];
    for (String capped : options.maxEpochs().keySet()) {
      if (!names.contains(capped)) {
        throw new IllegalArgumentException("maxEpochs names domain '" + capped
            + "', which is not one of " + names);
      }
    }
    for (int d = 0; d < k; d++) {
      Domain dom = this.domains.get(d);
      tokensPerBlock[d] = (double) dom.tokens() / dom.blocks();
      double ratio = options.capOf(dom.name());
      capBlocks[d] = ratio == 0 ? Long.MAX_VALUE
          : (long) Math.max(1, Math.min(Long.MAX_VALUE, Math.floor(ratio * dom.blocks())));
    }
    orders = new DomainOrders(this.domains, names, options.seed(), capBlocks);
    exhausted = new boolean[k];
    boolean isGrouped = options.allocation() == SamplerOptions.Allocation.GROUPED;
    flat = isGrouped ? null : new FlatWeights(names, exhausted, () -> "(maxRepetitionRatio "
        + options.maxRepetitionRatio() + "); served blocks: " + orders.servedSummary(names, 16));
    grouped = isGrouped ? new GroupedWeights(names, exhausted) : null;
    weights = isGrouped ? grouped : flat;
  }

  /** The domains, in order. */
  public List<Domain> domains() {
    return domains;
  }

  /** The options. */
  public SamplerOptions options() {
    return options;
  }

  /**
   * Draws {@code count} references for {@code step} into {@code out}, every block eligible.
   *
   * @see #draw(long, Mixture, BlockSelector, int, BlockBatch)
   */
  public void draw(long step, Mixture mixture, int count, BlockBatch out) {
    draw(step, mixture, null, count, out);
  }

  /**
   * Draws {@code count} references for {@code step} into {@code out} (replacing its content).
   *
   * @param step the training step, never less than the previous call's
   * @param mixture the mixture in force, over exactly this sampler's domains
   * @param selector eligible blocks per domain (usually the policy), or {@code null} for all
   * @param count number of references, {@code >= 0}
   * @throws IllegalArgumentException for a mixture over other domains or a negative count
   * @throws IllegalStateException if {@code step} went backwards, if every domain with positive
   *     weight is exhausted, or a selection is invalid for its domain
   */
  public void draw(long step, Mixture mixture, BlockSelector selector, int count, BlockBatch out) {
    drawSlice(step, mixture, selector, count, 0, count, out);
  }

  /**
   * Draws positions {@code [from, to)} of a draw call of {@code count} references into {@code
   * out}: what one data-parallel rank of a global batch needs. Every rank makes the whole call
   * (the domains of all {@code count} draws, and every domain's counters), and finds the blocks of
   * its own slice only, so the ranks' slices together are block for block the call a single
   * process makes, and every rank's state stays that process's.
   *
   * @throws IllegalArgumentException unless {@code 0 <= from <= to <= count}
   * @see #draw(long, Mixture, BlockSelector, int, BlockBatch)
   */
  public void drawSlice(long step, Mixture mixture, BlockSelector selector, int count, int from,
      int to, BlockBatch out) {
    check(step, count, from, to);
    weightsVersion += weights.use(mixture) ? 1 : 0;
    drawChecked(step, selector, count, from, to, out);
    out.mixture(effectiveMixture());
  }

  /**
   * Draws {@code count} references for {@code step} from live weights: under {@link
   * SamplerOptions.Allocation#GROUPED}, only the weights changed since the last call are read
   * and only their groups rebuilt; under the other allocations the weights are normalised into a
   * {@link Mixture} when they have changed (O(K)). The batch carries no mixture (null) under
   * {@code GROUPED}: copying K weights per step is the cost this path avoids ({@link
   * #effectiveMixture()} makes one on demand).
   *
   * @see #drawSlice(long, Mixture, BlockSelector, int, int, int, BlockBatch)
   */
  public void drawSlice(long step, LiveWeights weights, BlockSelector selector, int count,
      int from, int to, BlockBatch out) {
    if (grouped == null) {
      drawSlice(step, weights.toMixture(), selector, count, from, to, out);
      return;
    }
    check(step, count, from, to);
    weightsVersion += grouped.use(weights) ? 1 : 0;
    drawChecked(step, selector, count, from, to, out);
    out.mixture(null);
  }

  /**
   * Draws a whole call from live weights.
   *
   * @see #drawSlice(long, LiveWeights, BlockSelector, int, int, int, BlockBatch)
   */
  public void draw(long step, LiveWeights weights, BlockSelector selector, int count,
      BlockBatch out) {
    drawSlice(step, weights, selector, count, 0, count, out);
  }

  private void check(long step, int count, int from, int to) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, got " + count);
    }
    if (from < 0 || to < from || to > count) {
      throw new IllegalArgumentException("slice [" + from + ", " + to + ") must lie in the "
          + "call's " + count + " draws");
    }
    if (step < this.step) {
      throw new IllegalStateException("draw for step " + step + " after step " + this.step
          + "; steps must not go backwards (restore a snapshot to rewind)");
    }
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0, got " + step);
    }
  }

  private void drawChecked(long step, BlockSelector selector, int count, int from, int to,
      BlockBatch out) {
    if (step != this.step) {
      this.step = step;
      drawsInStep = 0;
    }
    orders.beginCall();
    weights.drew(count);
    out.reset(step, to - from);
    if (options.allocation() == SamplerOptions.Allocation.EXACT) {
      drawExact(step, selector, count, from, to, out);
    } else {
      drawRandom(step, selector, count, from, to, out);
    }
  }

  /**
   * {@link SamplerOptions.Allocation#RANDOM}: draw {@code j} of the step takes the alias draw of
   * {@code mix64(key(seed, step) + j·φ)}. Done in chunks: the chunk's domains first, their records
   * touched together ({@link DomainOrders#touch}), then the blocks; if a repetition cap rebuilds
   * the table mid-chunk, the chunk's later domains are drawn again from the new one.
   */
  private void drawRandom(long step, BlockSelector selector, int count, int from, int to,
      BlockBatch out) {
    long stepKey = Seeds.hash(options.seed(), STREAM_DOMAIN, step);
    int[] ds = chunkDomains;
    for (int done = 0; done < count; done += ds.length) {
      int n = Math.min(ds.length, count - done);
      long first = drawsInStep;
      weights.sampleRun(stepKey, first, n, ds);
      touched += orders.touch(ds, n);
      int version = weightsVersion;
      for (int i = 0; i < n; i++) {
        long j = drawsInStep++;
        int d = weightsVersion == version ? ds[i]
            : weights.sample(WeightsInForce.drawBits(stepKey, j));
        int at = done + i;
        emit(d, selector, step, at >= from && at < to, out);
      }
    }
  }

  /**
   * {@link SamplerOptions.Allocation#EXACT}: the call's {@code count} blocks apportioned to the
   * effective mixture, keyed by {@code (seed, step, first draw index)}; if a domain reaches its
   * repetition cap during the call, the draws left are apportioned again without it.
   */
  private void drawExact(long step, BlockSelector selector, int count, int from, int to,
      BlockBatch out) {
    if (exact == null) {
      exact = new ExactAllocation();
    }
    int done = 0;
    while (done < count) {
      int n = count - done;
      long key = Seeds.hash(options.seed(), STREAM_EXACT, step, drawsInStep);
      int version = weightsVersion;
      int[] seq = exact.domains(flat.weights(), n, key);
      // a cap reached mid-call rebuilds the weights: apportion the rest again
      for (int i = 0; i < n && weightsVersion == version; i++) {
        drawsInStep++;
        emit(seq[i], selector, step, done >= from && done < to, out);
        done++;
      }
    }
  }

  /** Draws domain {@code d}'s next block, into {@code out} if the draw is this slice's. */
  private void emit(int d, BlockSelector selector, long step, boolean mine, BlockBatch out) {
    long block = orders.next(d, selector, mine);
    if (mine) {
      out.add(d, block);
    }
    if (orders.overCap(d) && !exhausted[d]) {
      exhausted[d] = true;
      exhaustedCount++;
      LOG.log(Level.WARNING, () -> String.format(java.util.Locale.ROOT,
          "domain '%s' reached its repetition cap (%.3g epochs of %d blocks = %d served) at "
              + "step %d; its weight %.4f goes to the other domains", names.get(d),
          options.capOf(names.get(d)), domains.get(d).blocks(), orders.served(d), step,
          weights.requestedShare(d)));
      weights.exhaust(d);
      weightsVersion++;
    }
  }

  /**
   * The mixture the last draw used after removing exhausted domains, or null before any draw.
   * Under {@link SamplerOptions.Allocation#GROUPED} it is made from the K weights when asked for
   * after a change (O(K)).
   */
  public Mixture effectiveMixture() {
    return step < 0 ? null : weights.effective();
  }

  /** Blocks served so far by domain {@code d}. */
  public long blocksServed(int d) {
    return orders.served(d);
  }

  /** Tokens served so far by domain {@code d} (blocks served × the domain's tokens per block). */
  public long tokensServed(int d) {
    return Math.round(orders.served(d) * tokensPerBlock[d]);
  }

  /**
   * Blocks the policy's mixtures asked of domain {@code d} so far: the sum over draws of its
   * requested weight (before an exhausted domain's weight is moved), to set against {@link
   * #blocksServed}.
   */
  public double blocksRequested(int d) {
    return weights.blocksRequested(d);
  }

  /** Complete passes over domain {@code d}'s eligible blocks so far. */
  public long epochsWrapped(int d) {
    return orders.wraps[d];
  }

  /** The repetition cap of domain {@code d} in blocks, or {@code Long.MAX_VALUE} for none. */
  public long capBlocks(int d) {
    return capBlocks[d];
  }

  /** Whether domain {@code d} reached its repetition cap. */
  public boolean isExhausted(int d) {
    return exhausted[d];
  }

  /** How many domains reached their repetition cap. */
  public int exhaustedCount() {
    return exhaustedCount;
  }

  /** The complete state as JSON; see the class Javadoc. */
  public ObjectNode snapshot() {
    return SamplerState.write(names, options, step, drawsInStep, orders, weights, exhausted);
  }

  /**
   * Replaces the state with one from {@link #snapshot()} of a sampler with the same domains and
   * options. Reads everything before changing anything.
   *
   * @throws IncompatibleStateException naming expected vs found on any mismatch or malformation
   */
  public void restore(JsonNode state) {
    restore(state, false);
  }

  /**
   * Replaces the state with one from {@link #snapshot()} of a sampler over a corpus that has
   * since grown: domains are matched by name, a new domain starts afresh, a grown domain keeps
   * its epoch in progress and serves its appended blocks within it ({@link DomainOrders}), and
   * the repetition caps may differ (an exhausted domain stays exhausted only if it is still
   * over its cap). Blocks already served stay served; the draws continue deterministically.
   *
   * @throws IncompatibleStateException naming the domain if one is gone or has fewer blocks, or
   *     another seed or allocation
   */
  public void restoreOnGrownCorpus(JsonNode state) {
    restore(state, true);
  }

  private void restore(JsonNode state, boolean grown) {
    SamplerState saved = SamplerState.read(state, names, options, grown);
    StateReader r = saved.reader();
    double[][] groupedSaved = grouped != null ? GroupedWeights.read(r, saved.names().size())
        : null;
    DomainOrders scratch = new DomainOrders(domains, names, options.seed(), capBlocks);
    if (grown) {
      scratch.restoreRemapped(r, saved.names(), saved.current());
    } else {
      scratch.restore(r);
    }
    // everything read and checked: now change this sampler
    if (grown) {
      orders.restoreRemapped(r, saved.names(), saved.current());
    } else {
      orders.restore(r);
    }
    exhaustedCount = 0;
    for (int d = 0; d < names.size(); d++) {
      exhausted[d] = saved.exhausted()[d] && (!grown || orders.overCap(d));
      exhaustedCount += exhausted[d] ? 1 : 0;
    }
    if (grouped != null) {
      grouped.restore(groupedSaved, saved.current());
    } else {
      flat.restore(saved.requestedUnits());
    }
    weightsVersion++;
    step = saved.step();
    drawsInStep = saved.drawsInStep();
  }
}
