package dev.datamix.sampler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixture;
import dev.datamix.random.Seeds;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.Json;
import dev.datamix.state.StateReader;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
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
 *       {@code (seed, t, first draw of the call)}).
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
  private final RequestedBlocks requestedBlocks;
  private long step = -1;
  private long drawsInStep;

  // Derived caches, rebuilt on demand.
  private final BlockSelection[] selections;
  private final long[] selectionStamp;
  private long callStamp;
  private Mixture requested;
  private Mixture effective;
  private AliasTable alias;
  private ExactAllocation exact;
  private double[] effectiveWeights;

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
    orders = new DomainOrders(this.domains, names, options.seed());
    exhausted = new boolean[k];
    requestedBlocks = new RequestedBlocks(k);
    selections = new BlockSelection[k];
    selectionStamp = new long[k];
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
    useMixture(mixture);
    if (step != this.step) {
      this.step = step;
      drawsInStep = 0;
    }
    callStamp++;
    requestedBlocks.drew(count);
    out.reset(step, to - from);
    if (options.allocation() == SamplerOptions.Allocation.EXACT) {
      drawExact(step, selector, count, from, to, out);
    } else {
      long stepKey = Seeds.hash(options.seed(), STREAM_DOMAIN, step);
      for (int i = 0; i < count; i++) {
        long j = drawsInStep++;
        int d = alias.sample(Seeds.mix64(stepKey + j * 0x9E3779B97F4A7C15L));
        emit(d, selector, step, i >= from && i < to, out);
      }
    }
    out.mixture(effective);
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
      double[] weights = effectiveWeights;
      int[] seq = exact.domains(weights, n, key);
      // a cap reached mid-call rebuilds the weights (a new array): apportion the rest again
      for (int i = 0; i < n && effectiveWeights == weights; i++) {
        drawsInStep++;
        emit(seq[i], selector, step, done >= from && done < to, out);
        done++;
      }
    }
  }

  private void useMixture(Mixture mixture) {
    if (mixture == requested) {
      return;
    }
    if (!mixture.names().equals(names)) {
      throw new IllegalArgumentException(
          "mixture domains must equal the sampler's: expected " + names + ", got "
              + mixture.names());
    }
    requestedBlocks.use(mixture);
    if (requested == null || !mixture.equals(requested)) {
      requested = mixture;
      rebuildAlias();
    } else {
      requested = mixture;
    }
  }

  private void rebuildAlias() {
    double[] w = requested.toArray();
    boolean any = false;
    boolean changed = false;
    for (int d = 0; d < w.length; d++) {
      if (exhausted[d] && w[d] > 0) {
        w[d] = 0;
        changed = true;
      }
      any |= w[d] > 0;
    }
    if (!any) {
      throw new IllegalStateException("every domain with positive weight in " + requested
          + " is exhausted (maxRepetitionRatio " + options.maxRepetitionRatio()
          + "); served blocks: " + servedSummary());
    }
    effective = changed ? Mixture.normalise(names, w) : requested;
    effectiveWeights = w;
    alias = new AliasTable(w);
  }

  /** Draws domain {@code d}'s next block, into {@code out} if the draw is this slice's. */
  private void emit(int d, BlockSelector selector, long step, boolean mine, BlockBatch out) {
    BlockSelection sel = selection(d, selector);
    long position = orders.advance(d, sel);
    if (mine) {
      out.add(d, orders.blockAt(d, sel, position));
    }
    checkCap(d, step);
  }

  private void checkCap(int d, long step) {
    if (orders.served[d] >= capBlocks[d] && !exhausted[d]) {
      exhausted[d] = true;
      exhaustedCount++;
      LOG.log(Level.WARNING, () -> String.format(java.util.Locale.ROOT,
          "domain '%s' reached its repetition cap (%.3g epochs of %d blocks = %d served) at "
              + "step %d; its weight %.4f goes to the other domains", names.get(d),
          options.capOf(names.get(d)), domains.get(d).blocks(), orders.served[d], step,
          requested.weight(d)));
      rebuildAlias();
    }
  }

  private BlockSelection selection(int d, BlockSelector selector) {
    if (selectionStamp[d] == callStamp && selections[d] != null) {
      return selections[d];
    }
    BlockSelection sel = selector == null ? null : selector.blockSelection(d);
    if (sel == null) {
      sel = selections[d] instanceof BlockSelection.All a && a.size() == domains.get(d).blocks()
          ? a : BlockSelection.all(domains.get(d).blocks());
    } else if (sel.maxBlockExclusive() > domains.get(d).blocks()) {
      throw new IllegalStateException("block selection of domain '" + names.get(d)
          + "' refers to block " + (sel.maxBlockExclusive() - 1) + " but the domain has "
          + domains.get(d).blocks() + " blocks");
    }
    selections[d] = sel;
    selectionStamp[d] = callStamp;
    return sel;
  }

  /** The mixture the last draw used after removing exhausted domains, or null before any draw. */
  public Mixture effectiveMixture() {
    return effective;
  }

  /** Blocks served so far by domain {@code d}. */
  public long blocksServed(int d) {
    return orders.served[d];
  }

  /** Tokens served so far by domain {@code d} (blocks served × the domain's tokens per block). */
  public long tokensServed(int d) {
    return Math.round(orders.served[d] * tokensPerBlock[d]);
  }

  /**
   * Blocks the policy's mixtures asked of domain {@code d} so far: the sum over draws of its
   * requested weight (before an exhausted domain's weight is moved), to set against {@link
   * #blocksServed}.
   */
  public double blocksRequested(int d) {
    return requestedBlocks.blocks(d);
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

  private String servedSummary() {
    List<String> parts = new ArrayList<>();
    for (int d = 0; d < names.size() && d < 16; d++) {
      parts.add(names.get(d) + "=" + orders.served[d]);
    }
    return parts.toString();
  }

  /** The complete state as JSON; see the class Javadoc. */
  public ObjectNode snapshot() {
    ObjectNode o = Json.object();
    o.put("stateVersion", STATE_VERSION);
    o.put("seed", options.seed());
    o.put("maxRepetitionRatio", options.maxRepetitionRatio());
    if (!options.maxEpochs().isEmpty()) {
      o.set("maxEpochs", Json.mapper().valueToTree(options.maxEpochs()));
    }
    if (options.allocation() != SamplerOptions.Allocation.RANDOM) {
      o.put("allocation", options.allocation().name()); // absent: RANDOM, as before the field
    }
    ArrayNode n = o.putArray("domains");
    names.forEach(n::add);
    o.put("step", step);
    o.put("drawsInStep", drawsInStep);
    orders.writeTo(o);
    o.set("requestedUnits", Json.longs(requestedBlocks.units()));
    ArrayNode ex = o.putArray("exhausted");
    for (int d = 0; d < exhausted.length; d++) {
      if (exhausted[d]) {
        ex.add(names.get(d));
      }
    }
    return o;
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
    StateReader r = StateReader.of(state, "sampler");
    int version = r.getInt("stateVersion");
    if (version > STATE_VERSION) {
      throw new IncompatibleStateException("incompatible state: sampler stateVersion expected <= "
          + STATE_VERSION + " but found " + version + " (written by a newer datamix)");
    }
    List<String> savedNames = new ArrayList<>();
    r.field("domains").forEach(e -> savedNames.add(e.asText()));
    if (!grown) {
      IncompatibleStateException.check("sampler domain names", names, savedNames);
    }
    IncompatibleStateException.check("sampler seed", options.seed(), r.getLong("seed"));
    IncompatibleStateException.check("sampler allocation", options.allocation().name(),
        state.path("allocation").asText("RANDOM"));
    if (!grown) {
      IncompatibleStateException.check("sampler maxRepetitionRatio",
          options.maxRepetitionRatio(), r.getDouble("maxRepetitionRatio"));
      IncompatibleStateException.check("sampler maxEpochs",
          Json.mapper().valueToTree(options.maxEpochs()), state.has("maxEpochs")
              ? state.get("maxEpochs") : Json.object());
    }
    long[] units = state.has("requestedUnits") ? r.getLongs("requestedUnits", savedNames.size())
        : new long[savedNames.size()]; // written before requests were counted
    boolean[] newExhausted = new boolean[names.size()];
    for (JsonNode e : r.field("exhausted")) {
      int d = names.indexOf(e.asText());
      if (d < 0 && !grown) {
        throw new IncompatibleStateException(
            "state field 'sampler.exhausted' names unknown domain " + e);
      }
      if (d >= 0) {
        newExhausted[d] = true;
      }
    }
    DomainOrders scratch = new DomainOrders(domains, names, options.seed());
    if (grown) {
      scratch.restoreRemapped(r, savedNames);
    } else {
      scratch.restore(r);
    }
    // everything read and checked: now change this sampler
    if (grown) {
      orders.restoreRemapped(r, savedNames);
    } else {
      orders.restore(r);
    }
    long[] mapped = new long[names.size()];
    for (int i = 0; i < savedNames.size(); i++) {
      mapped[names.indexOf(savedNames.get(i))] = units[i];
    }
    requestedBlocks.restore(mapped);
    exhaustedCount = 0;
    for (int d = 0; d < names.size(); d++) {
      exhausted[d] = newExhausted[d] && (!grown || orders.served[d] >= capBlocks[d]);
      exhaustedCount += exhausted[d] ? 1 : 0;
    }
    step = r.getLong("step");
    drawsInStep = r.getLong("drawsInStep");
    java.util.Arrays.fill(selections, null);
    requested = null;
    effective = null;
    alias = null;
  }
}
