package dev.datamix.lfr;

import dev.datamix.policy.Horizon;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.config.PolicyConfig;
import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixture;
import dev.datamix.policy.AbstractMixingPolicy;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.policy.PolicyContext;
import dev.datamix.sampler.BlockSelection;
import dev.datamix.signal.BlockLosses;
import dev.datamix.signal.Observation;
import dev.datamix.signal.SignalKind;
import dev.datamix.signal.SignalRequest;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.StateReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * LFR, Learn–Focus–Review: per-block scheduling by training loss. Inside each domain the blocks
 * go through phases, each measured in epochs over the domain's eligible blocks: Learn ({@code p1}
 * epochs over all blocks, recording each block's loss) → Focus (drop the {@code s1} lowest-loss
 * blocks, {@code p2} epochs on the rest) → Review (all blocks again for {@code p3} epochs,
 * re-recording) → Focus (drop {@code s2}, {@code reps × p4} epochs) (docs/algorithms.md §4). The
 * paper's run ends there; in a longer run the last Review–Focus pair repeats, so the selection
 * keeps following the blocks that are hard now. Losses come from the trainer's per-block loss vector (no extra pass) and
 * are averaged over the visits of a phase; blocks a phase never visited are kept, not dropped.
 *
 * <p>Selection is a top-k by a radix threshold search over the losses' bits ({@code hard}, the
 * v1 paper's rule and the default; {@link LfrSelection}) or
 * {@code soft}: each visited block is kept with probability {@code min(1, max(floor,
 * c·exp(γ·ℓ)))}, {@code c} set so the expected kept fraction is {@code 1 − s}, decided by a hash
 * of {@code (seed, domain, phase, block)}. The domain weights come from another policy ({@code
 * domainPolicy}) or, alone, are proportional to each domain's eligible blocks.
 *
 * @see <a href="https://arxiv.org/abs/2409.06131">Prakriya et al., Learn, Focus, Review: a data
 *     efficient curriculum for LLM pre-training, CoNLL 2025</a>
 */
public final class LfrPolicy extends AbstractMixingPolicy {
  /** The phase kinds. */
  enum Kind {
    LEARN, FOCUS, REVIEW
  }

  /** One phase of the schedule. */
  record PhaseSpec(Kind kind, double epochs, double drop) {}

  /** The phase a domain returns to when its schedule is complete: the Review. */
  private static final int REVIEW_AGAIN = 2;

  private final List<PhaseSpec> schedule;
  private final boolean soft;
  private final double gamma;
  private final double floor;
  private final MixingPolicy inner;
  private final LossShards stores;
  private final int[] phase;
  private final long[] drawn;
  private final long[] generations;
  private final int[][] kept;
  private final BlockSelection[] selections;

  LfrPolicy(PolicyContext context, PolicyConfig config, List<PhaseSpec> schedule,
      MixingPolicy inner, boolean offHeap, boolean sharded) {
    super(LfrProvider.NAME, context, config);
    this.schedule = List.copyOf(schedule);
    this.soft = config.get(LfrProvider.SELECTION).equals("soft");
    this.gamma = config.get(LfrProvider.GAMMA);
    this.floor = config.get(LfrProvider.FLOOR);
    this.inner = inner;
    int k = context.size();
    stores = new LossShards(context.domains(), offHeap, context.collective(), sharded);
    phase = new int[k];
    drawn = new long[k];
    generations = new long[k];
    kept = new int[k][];
    selections = new BlockSelection[k];
  }

  /** A Learn phase longer than the run (see {@link LfrPlan}), and the domain policy's own. */
  @Override
  public List<String> planNotices() {
    List<String> out = new ArrayList<>(LfrPlan.notices(context(), schedule.get(0).epochs(),
        inner == null));
    if (inner != null) {
      out.addAll(inner.planNotices());
    }
    return out;
  }

  @Override
  public List<String> stepNotices(long step) {
    return inner == null ? List.of() : inner.stepNotices(step);
  }

  @Override
  public Set<SignalKind> possibleSignals() {
    Set<SignalKind> s = EnumSet.of(SignalKind.BLOCK_LOSSES);
    if (inner != null) {
      s.addAll(inner.possibleSignals());
    }
    return s;
  }

  @Override
  protected SignalRequest requestSignals(long step) {
    SignalRequest.Builder b = SignalRequest.builder().blockLosses();
    if (inner != null) {
      b.addAll(inner.signalsFor(step));
    }
    return b.build();
  }

  @Override
  protected void onObservation(Observation o) {
    if (inner != null && inner.possibleSignals().contains(o.kind())) {
      inner.observe(o);
    }
    if (!(o instanceof BlockLosses b)) {
      return;
    }
    for (int i = 0; i < b.size(); i++) {
      int d = b.domain(i);
      Kind kind = schedule.get(phase[d]).kind();
      float loss = b.loss(i);
      if (kind != Kind.FOCUS && !Float.isNaN(loss)) {
        stores.record(d, b.block(i), loss);
      }
      drawn[d]++;
    }
    for (int d = 0; d < domainCount(); d++) {
      advance(d);
    }
  }

  private long eligible(int d) {
    return kept[d] == null ? domains().get(d).blocks() : kept[d].length;
  }

  private void advance(int d) {
    PhaseSpec current = schedule.get(phase[d]);
    if (drawn[d] < Math.ceil(current.epochs() * eligible(d))) {
      return;
    }
    // past the last phase, the Review–Focus pair repeats: fresh losses, a fresh selection
    phase[d] = phase[d] + 1 < schedule.size() ? phase[d] + 1 : REVIEW_AGAIN;
    drawn[d] = 0;
    PhaseSpec next = schedule.get(phase[d]);
    generations[d]++;
    if (next.kind() == Kind.FOCUS) {
      kept[d] = select(d, next.drop());
    } else {
      kept[d] = null;
      stores.clear(d);
    }
  }

  /** The selection of a Focus boundary on the current store, for the selection benchmark. */
  public int[] selectForBenchmark(int d, double drop) {
    return select(d, drop);
  }

  /**
   * The hard selection over one store of any kind (heap, direct or memory-mapped): the blocks
   * kept when the {@code drop} fraction of the lowest-loss visited blocks goes, unvisited blocks
   * kept. For the selection benchmark at 10^8 blocks.
   *
   * @throws IllegalArgumentException if {@code drop} is not in [0, 1]
   */
  public static int[] hardSelection(BlockLossStore store, double drop) {
    if (!(drop >= 0 && drop <= 1)) {
      throw new IllegalArgumentException("drop must be in [0, 1], got " + drop);
    }
    return LfrSelection.hard(new LossShards(store), 0, drop);
  }

  /** Blocks kept when dropping the {@code drop} fraction of lowest-loss visited blocks. */
  int[] select(int d, double drop) {
    int[] out = soft ? LfrSelection.soft(stores, d, drop, context().seed(), phase[d], gamma,
        floor) : LfrSelection.hard(stores, d, drop);
    return out.length == 0 ? new int[] {0} : out;
  }

  @Override
  public BlockSelection blockSelection(int domain) {
    BlockSelection s = selections[domain];
    if (s == null || s.generation() != (kept[domain] == null ? 0 : generations[domain])) {
      // built once per phase change, not per batch
      if (kept[domain] == null) {
        s = BlockSelection.all(domains().get(domain).blocks());
      } else {
        long[] blocks = new long[kept[domain].length];
        for (int i = 0; i < blocks.length; i++) {
          blocks[i] = kept[domain][i];
        }
        s = BlockSelection.ofBlocks(blocks, generations[domain]);
      }
      selections[domain] = s;
    }
    return s;
  }

  /** The current phase of domain {@code d}: 0 = Learn, 1 = Focus, 2 = Review, 3 = Focus. */
  public int phaseOf(int d) {
    return phase[d];
  }

  /** The kept blocks of domain {@code d} (all blocks outside Focus). */
  public int[] keptBlocks(int d) {
    if (kept[d] == null) {
      int[] all = new int[(int) domains().get(d).blocks()];
      for (int i = 0; i < all.length; i++) {
        all[i] = i;
      }
      return all;
    }
    return kept[d].clone();
  }

  /** The store of domain {@code d} (this rank's part of it, with {@code storeSharding ranks}). */
  public BlockLossStore store(int d) {
    return stores.store(d);
  }

  @Override
  protected Mixture currentMixture(long step) {
    if (inner != null) {
      return inner.mixture(step);
    }
    double[] w = new double[domainCount()];
    for (int d = 0; d < w.length; d++) {
      Domain dom = domains().get(d);
      w[d] = eligible(d) * ((double) dom.tokens() / dom.blocks());
    }
    return Mixture.normalise(domainNames(), w);
  }

  @Override
  protected void writeState(ObjectNode state) {
    if (inner != null) {
      state.set("inner", inner.snapshot());
    }
    ArrayNode ds = state.putArray("domains");
    for (int d = 0; d < domainCount(); d++) {
      ObjectNode o = ds.addObject();
      o.put("phase", phase[d]).put("drawn", drawn[d]).put("generation", generations[d]);
      o.put("store", stores.store(d).toBytes());
      if (stores.sharded()) { // this rank's part: it resumes at the same world size only
        o.putArray("shard").add(stores.first(d)).add(stores.end(d));
      }
      if (kept[d] != null) {
        ByteBuffer bb = ByteBuffer.allocate(kept[d].length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bb.asIntBuffer().put(kept[d]);
        o.put("kept", bb.array());
      }
    }
  }

  @Override
  protected void readState(StateReader state) {
    JsonNode ds = state.field("domains");
    if (!ds.isArray() || ds.size() != domainCount()) {
      throw new IncompatibleStateException("state field 'lfr.domains' expected "
          + domainCount() + " entries but found " + ds.size());
    }
    int k = domainCount();
    int[] p = new int[k];
    long[] dr = new long[k];
    long[] g = new long[k];
    byte[][] st = new byte[k][];
    int[][] kp = new int[k][];
    try {
      for (int d = 0; d < k; d++) {
        StateReader r = StateReader.of(ds.get(d), "lfr.domains[" + d + "]");
        p[d] = r.getInt("phase");
        if (p[d] < 0 || p[d] >= schedule.size()) {
          throw new IncompatibleStateException("lfr phase " + p[d] + " outside the schedule");
        }
        dr[d] = r.getLong("drawn");
        g[d] = r.getLong("generation");
        st[d] = r.field("store").binaryValue();
        if (stores.sharded()) {
          long[] shard = r.getLongs("shard", 2);
          if (shard[0] != stores.first(d) || shard[1] != stores.end(d)) {
            throw new IncompatibleStateException("lfr store of domain " + d + " holds blocks ["
                + shard[0] + ", " + shard[1] + ") but this rank keeps [" + stores.first(d)
                + ", " + stores.end(d) + "): with storeSharding ranks a run resumes at the same "
                + "world size, each rank from its own state");
          }
        }
        if (st[d] == null || st[d].length != stores.store(d).size() * 8) {
          throw new IncompatibleStateException("lfr store of domain " + d + " expected "
              + stores.store(d).size() * 8 + " bytes");
        }
        if (r.node().has("kept")) {
          byte[] raw = r.field("kept").binaryValue();
          int[] ints = new int[raw.length / 4];
          ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(ints);
          kp[d] = ints;
        }
      }
    } catch (java.io.IOException e) {
      throw new IncompatibleStateException("lfr state is not valid base64: " + e.getMessage(), e);
    }
    if (inner != null) {
      inner.restore(state.field("inner"));
    }
    for (int d = 0; d < k; d++) {
      phase[d] = p[d];
      drawn[d] = dr[d];
      generations[d] = g[d];
      stores.store(d).fromBytes(st[d]);
      kept[d] = kp[d];
    }
  }


  /**
   * LFR's phase plan is counted in epochs of each domain, not in steps, so it is independent of
   * the planned number of steps; with a {@code domainPolicy}, extendable only if that policy is.
   */
  @Override
  public Horizon horizon() {
    return inner == null ? Horizon.independent()
        : Horizon.of(Horizon.independent(), java.util.List.of(inner.horizon()));
  }
}
