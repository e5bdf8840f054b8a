package dev.datamix.sampler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.mixture.Domain;
import dev.datamix.random.Seeds;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.Json;
import dev.datamix.state.StateReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The order in which each domain serves its blocks, and its counters: without replacement
 * within a domain-epoch, following a keyed permutation of the domain's {@link BlockSelection}
 * derived from {@code (seed, domain name, epoch, generation)} ({@link BlockPermutation}'s
 * rounds), O(1) memory per domain whatever its size. Part of {@link MixtureSampler}; its state is
 * part of the sampler's snapshot.
 *
 * <p><b>Layout.</b> What a draw touches is packed into one record of 8 longs, 64 bytes, per
 * domain: its cursor, epoch size, blocks left before its cap, flags with the stamp of the last
 * call that asked for its selection, and the current epoch's four permutation rounds' keys, 32
 * bits each (a multiplication or addition mod {@code 2^k}, {@code k <= 32}, needs only the low
 * 32 bits of its key, so the permutation is {@link BlockPermutation}'s exactly; an epoch of more
 * than 2^32 positions keeps whole keys apart). Records start 64-byte aligned when the array does
 * (a large array on G1 starts a region), so a draw reads one cache line, where separate arrays
 * and permutation objects cost a dozen misses a draw at 65,536 domains. Epochs, wraps, block
 * counts, caps, generations, custom selections and segments live in arrays of their own, read
 * once per call or epoch.
 *
 * <p><b>Blocks appended mid-epoch.</b> When a run resumes on a corpus whose domain has grown
 * ({@link #restoreRemapped}), the epoch in progress is extended rather than restarted: its
 * positions are the original permutation's, then a keyed permutation of the appended blocks (a
 * second <em>segment</em>). Blocks already served stay served, and no block repeats before the
 * epoch ends; the next epoch permutes every block. An unchanged run never has a second segment,
 * so its draws are those of a sampler that knows nothing of segments.
 */
final class DomainOrders {
  private static final long STREAM_BLOCK = 0x626c6f636bL; // "block"
  private static final int STRIDE = 8;
  private static final int PAD = 6; // 16-byte array header + 6 longs = 64: records line up
  private static final int CURSOR = 0;
  private static final int SIZE = 1;
  private static final int LEFT = 2; // blocks left before the cap: cap - served
  private static final int FLAGS = 3; // bits below, shift << 8, bits << 16, call stamp << 32
  private static final int KEYS = 4; // round r: multiplier's low 32 bits | addend's << 32
  private static final long KEYED = 1; // the permutation keys are the current epoch's
  private static final long SEGMENTED = 2;
  private static final long CUSTOM = 4; // the current call's selection is not "every block"
  private static final long WIDE = 8; // more than 2^32 positions: the keys are in wideKeys
  private static final long NO_STAMP = 0xFFFFFFFFL << 32;
  private static final int ROUNDS = 4;

  private final long seed;
  private final List<String> names;
  private final long[] nameKeys;
  private final long[] hot;
  private final long[] caps;
  private final long[] generations;
  final long[] blocks;
  final long[] epoch;
  final long[] wraps;
  /** Boundaries of the current epoch's segments, or null for one segment. */
  private final long[][] segments;
  private final BlockPermutation[] segmentPermutations;
  private final int[] permutationSegment;
  private final BlockSelection[] custom;
  private final long[][] wideKeys;
  long stamp; // the current call's, in [0, 2^32 - 1); package-private for the wrap test

  DomainOrders(List<Domain> domains, List<String> names, long seed, long[] caps) {
    this.seed = seed;
    this.names = names;
    int k = domains.size();
    nameKeys = new long[k];
    hot = new long[PAD + k * STRIDE];
    this.caps = caps.clone();
    generations = new long[k];
    blocks = new long[k];
    epoch = new long[k];
    wraps = new long[k];
    segments = new long[k][];
    segmentPermutations = new BlockPermutation[k];
    permutationSegment = new int[k];
    custom = new BlockSelection[k];
    wideKeys = new long[k][];
    for (int d = 0; d < k; d++) {
      nameKeys[d] = Seeds.fingerprint(domains.get(d).name());
      blocks[d] = domains.get(d).blocks();
      int at = PAD + d * STRIDE;
      hot[at + SIZE] = blocks[d];
      hot[at + LEFT] = caps[d];
      hot[at + FLAGS] = NO_STAMP;
    }
  }

  /**
   * Starts a draw call: each domain's selection is asked again at its first draw of the call.
   * After 2^32 − 1 calls the stamps start over, every domain's forgotten first.
   */
  void beginCall() {
    if (++stamp == 0xFFFFFFFFL) {
      clearSelections();
      stamp = 0;
    }
  }

  /**
   * Reads the records of the domains {@code ds[0, n)} once, each load independent of the others,
   * so that the cache misses of a call's draws overlap instead of following one another; the
   * draws that follow then find their records in the cache. Returns a value only to keep the
   * reads.
   */
  long touch(int[] ds, int n) {
    long sum = 0;
    for (int i = 0; i < n; i++) {
      sum += hot[PAD + ds[i] * STRIDE];
    }
    return sum;
  }

  /** The first {@code limit} domains' served blocks, for messages: {@code [a=3, b=0]}. */
  String servedSummary(List<String> names, int limit) {
    List<String> parts = new ArrayList<>();
    for (int d = 0; d < names.size() && d < limit; d++) {
      parts.add(names.get(d) + "=" + served(d));
    }
    return parts.toString();
  }

  /** Blocks served by domain {@code d}. */
  long served(int d) {
    return caps[d] - hot[PAD + d * STRIDE + LEFT];
  }

  /** Whether domain {@code d} has served its cap. */
  boolean overCap(int d) {
    return hot[PAD + d * STRIDE + LEFT] <= 0;
  }

  /**
   * Draws domain {@code d}'s next position in the current call ({@link #beginCall}), whose
   * eligible blocks {@code selector} gives (asked once per call and domain; null or a null
   * answer: every block), and returns its block if {@code emit}, else -1: the draws of other
   * ranks' slices advance the counters only.
   */
  long next(int d, BlockSelector selector, boolean emit) {
    int at = PAD + d * STRIDE;
    if (hot[at + FLAGS] >>> 32 != stamp) {
      select(d, at, selector);
    }
    if (hot[at + CURSOR] == hot[at + SIZE]) {
      wraps[d]++;
      startEpoch(d, at);
    }
    hot[at + LEFT]--;
    long position = hot[at + CURSOR]++;
    if (!emit) {
      return -1;
    }
    long flags = hot[at + FLAGS];
    long rank = (flags & SEGMENTED) == 0 ? permute(d, at, position) : segmented(d, position);
    return (flags & CUSTOM) != 0 ? custom[d].blockAt(rank) : rank;
  }

  /**
   * The first draw of domain {@code d} in a call: its selection for the call, and a new epoch
   * if the selection's generation changed.
   */
  private void select(int d, int at, BlockSelector selector) {
    BlockSelection sel = selector == null ? null : selector.blockSelection(d);
    boolean isCustom = sel != null && !(sel instanceof BlockSelection.All a
        && a.size() == blocks[d]);
    if (isCustom && sel.maxBlockExclusive() > blocks[d]) {
      throw new IllegalStateException("block selection of domain '" + names.get(d)
          + "' refers to block " + (sel.maxBlockExclusive() - 1) + " but the domain has "
          + blocks[d] + " blocks");
    }
    custom[d] = isCustom ? sel : null;
    long flags = hot[at + FLAGS] & 0xFFFFFFFFL & ~CUSTOM;
    hot[at + FLAGS] = flags | (isCustom ? CUSTOM : 0) | stamp << 32;
    long generation = isCustom ? sel.generation() : 0;
    long size = isCustom ? sel.size() : blocks[d];
    if (generation != generations[d]) {
      generations[d] = generation;
      hot[at + SIZE] = size;
      startEpoch(d, at);
    } else if (size != hot[at + SIZE]) {
      throw new IllegalStateException("block selection of domain '" + names.get(d)
          + "' changed size from " + hot[at + SIZE] + " to " + size
          + " without a new generation (" + generation + ")");
    }
  }

  private void startEpoch(int d, int at) {
    epoch[d]++;
    hot[at + CURSOR] = 0;
    hot[at + FLAGS] &= ~(KEYED | SEGMENTED | WIDE);
    segments[d] = null;
    segmentPermutations[d] = null;
    wideKeys[d] = null;
  }

  /** The epoch's permutation of position {@code x} (one segment), its keys made on first use. */
  private long permute(int d, int at, long x) {
    long n = hot[at + SIZE];
    long flags = hot[at + FLAGS];
    if ((flags & KEYED) == 0) {
      flags = makeKeys(d, at, n);
    }
    int bits = (int) (flags >>> 16) & 0xFF;
    long mask = bits == 64 ? -1L : (1L << bits) - 1;
    int shift = (int) (flags >>> 8) & 0xFF;
    if ((flags & WIDE) != 0) {
      return permuteWide(wideKeys[d], n, mask, shift, x);
    }
    do { // the rounds of BlockPermutation, the keys' low 32 bits read from the record
      for (int r = 0; r < ROUNDS; r++) {
        long key = hot[at + KEYS + r];
        x = (x * (key & 0xFFFFFFFFL)) & mask;
        x ^= x >>> shift;
        x = (x + (key >>> 32)) & mask;
      }
    } while (Long.compareUnsigned(x, n) >= 0);
    return x;
  }

  private long makeKeys(int d, int at, long n) {
    long key = Seeds.hash(seed, STREAM_BLOCK, nameKeys[d], epoch[d], generations[d]);
    int bits = n == 1 ? 1 : 64 - Long.numberOfLeadingZeros(n - 1);
    long[] wide = new long[2 * ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
      wide[r] = Seeds.hash(key, 2L * r) | 1L;
      wide[ROUNDS + r] = Seeds.hash(key, 2L * r + 1);
      hot[at + KEYS + r] = (wide[r] & 0xFFFFFFFFL) | wide[ROUNDS + r] << 32;
    }
    wideKeys[d] = bits > 32 ? wide : null;
    long shift = Math.max(1, (bits + 1) / 2);
    long flags = (hot[at + FLAGS] & ~0xFFFF00L) | KEYED | (bits > 32 ? WIDE : 0) | shift << 8
        | (long) bits << 16;
    hot[at + FLAGS] = flags;
    return flags;
  }

  private static long permuteWide(long[] keys, long n, long mask, int shift, long x) {
    do {
      for (int r = 0; r < ROUNDS; r++) {
        x = (x * keys[r]) & mask;
        x ^= x >>> shift;
        x = (x + keys[ROUNDS + r]) & mask;
      }
    } while (Long.compareUnsigned(x, n) >= 0);
    return x;
  }

  /** Position {@code position} of an epoch extended by appended blocks. */
  private long segmented(int d, long position) {
    long[] b = segments[d];
    int s = 0;
    while (position >= b[s + 1]) {
      s++;
    }
    BlockPermutation p = segmentPermutations[d];
    if (p == null || permutationSegment[d] != s) {
      long key = Seeds.hash(seed, STREAM_BLOCK, nameKeys[d], epoch[d], generations[d]);
      p = new BlockPermutation(b[s + 1] - b[s], s == 0 ? key : Seeds.hash(key, s));
      segmentPermutations[d] = p;
      permutationSegment[d] = s;
    }
    return b[s] + p.apply(position - b[s]);
  }

  /** Forgets the selections of the last call (after a restore). */
  void clearSelections() {
    for (int d = 0; d < blocks.length; d++) {
      hot[PAD + d * STRIDE + FLAGS] |= NO_STAMP;
    }
  }

  /** Writes the counters into {@code o}. */
  void writeTo(ObjectNode o) {
    int k = blocks.length;
    long[] cursor = new long[k];
    long[] generation = new long[k];
    long[] size = new long[k];
    long[] served = new long[k];
    for (int d = 0; d < k; d++) {
      int at = PAD + d * STRIDE;
      cursor[d] = hot[at + CURSOR];
      generation[d] = generations[d];
      size[d] = hot[at + SIZE];
      served[d] = served(d);
    }
    o.set("blocks", Json.longs(blocks));
    o.set("epoch", Json.longs(epoch));
    o.set("wraps", Json.longs(wraps));
    o.set("cursor", Json.longs(cursor));
    o.set("generation", Json.longs(generation));
    o.set("epochSize", Json.longs(size));
    o.set("served", Json.longs(served));
    ObjectNode seg = null;
    for (int d = 0; d < k; d++) {
      if (segments[d] != null) {
        seg = seg != null ? seg : o.putObject("segments"); // absent in an unchanged run
        seg.set(names.get(d), Json.longs(segments[d]));
      }
    }
  }

  /**
   * Replaces the counters with a snapshot's for the same domains in the same order.
   *
   * @throws IncompatibleStateException naming the domain on any malformation, or a domain whose
   *     block count changed
   */
  void restore(StateReader r) {
    SavedOrder[] saved = SavedOrder.read(r, names);
    for (int d = 0; d < saved.length; d++) {
      if (saved[d].blocks() >= 0 && saved[d].blocks() != blocks[d]) {
        throw new IncompatibleStateException("incompatible state: domain '" + names.get(d)
            + "' had " + saved[d].blocks() + " blocks and now has " + blocks[d] + " (a corpus "
            + "that only grew can be resumed as such: MixtureSampler.restoreOnGrownCorpus)");
      }
    }
    for (int d = 0; d < saved.length; d++) {
      set(d, saved[d]);
    }
  }

  /**
   * Replaces the counters with a snapshot's taken over other domains: matched by name, a domain
   * the snapshot lacks starts afresh, and a domain that has grown keeps its epoch in progress
   * with the appended blocks as a new segment (see the class comment).
   *
   * @param current for each saved domain, its index among this sampler's domains, or -1
   * @throws IncompatibleStateException naming the domain if the snapshot has a domain that is
   *     gone, or one that now has fewer blocks
   */
  void restoreRemapped(StateReader r, List<String> savedNames, int[] current) {
    SavedOrder[] saved = SavedOrder.read(r, savedNames);
    for (int i = 0; i < saved.length; i++) {
      int d = current[i];
      if (d < 0) {
        throw new IncompatibleStateException("the run's domain '" + savedNames.get(i)
            + "' is not in the corpus any more; domains: " + names + " (a resumed run may gain "
            + "domains and blocks, never lose them)");
      }
      SavedOrder s = saved[i];
      long before = s.blocks() >= 0 ? s.blocks() : blocks[d];
      if (blocks[d] < before) {
        throw new IncompatibleStateException("domain '" + names.get(d) + "' had " + before
            + " blocks and now has " + blocks[d] + ": blocks already served could be gone");
      }
      set(d, s);
      int at = PAD + d * STRIDE;
      if (blocks[d] > before && generations[d] == 0 && hot[at + SIZE] == before) {
        long[] b = s.segments() != null ? s.segments() : new long[] {0, before};
        long[] grown = Arrays.copyOf(b, b.length + 1);
        grown[b.length] = blocks[d];
        segments[d] = grown;
        hot[at + SIZE] = blocks[d];
        hot[at + FLAGS] |= SEGMENTED;
      }
    }
  }

  private void set(int d, SavedOrder s) {
    int at = PAD + d * STRIDE;
    epoch[d] = s.epoch();
    wraps[d] = s.wraps();
    hot[at + CURSOR] = s.cursor();
    generations[d] = s.generation();
    hot[at + SIZE] = s.epochSize();
    hot[at + LEFT] = caps[d] - s.served();
    hot[at + FLAGS] = (s.segments() != null ? SEGMENTED : 0) | NO_STAMP;
    segments[d] = s.segments();
    segmentPermutations[d] = null;
    custom[d] = null;
    wideKeys[d] = null;
  }
}
