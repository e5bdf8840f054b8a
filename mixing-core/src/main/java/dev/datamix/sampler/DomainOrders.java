package dev.datamix.sampler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.mixture.Domain;
import dev.datamix.random.Seeds;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.Json;
import dev.datamix.state.StateReader;
import java.util.Arrays;
import java.util.List;

/**
 * The order in which each domain serves its blocks, and its counters: without replacement
 * within a domain-epoch, following a keyed permutation of the domain's {@link BlockSelection}
 * derived from {@code (seed, domain name, epoch, generation)}, O(1) memory per domain whatever
 * its size. Part of {@link MixtureSampler}; its state is part of the sampler's snapshot.
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

  private final long seed;
  private final List<String> names;
  private final long[] nameKeys;
  final long[] blocks;
  final long[] epoch;
  final long[] wraps;
  final long[] cursor;
  final long[] generation;
  final long[] epochSize;
  final long[] served;
  /** Boundaries of the current epoch's segments, or null for one segment. */
  private final long[][] segments;
  private final BlockPermutation[] permutations;
  private final int[] permutationSegment;

  DomainOrders(List<Domain> domains, List<String> names, long seed) {
    this.seed = seed;
    this.names = names;
    int k = domains.size();
    nameKeys = new long[k];
    blocks = new long[k];
    epoch = new long[k];
    wraps = new long[k];
    cursor = new long[k];
    generation = new long[k];
    epochSize = new long[k];
    served = new long[k];
    segments = new long[k][];
    permutations = new BlockPermutation[k];
    permutationSegment = new int[k];
    for (int d = 0; d < k; d++) {
      nameKeys[d] = Seeds.fingerprint(domains.get(d).name());
      blocks[d] = domains.get(d).blocks();
      epochSize[d] = blocks[d];
    }
  }

  /** The next block of domain {@code d} under its eligible blocks {@code sel}. */
  long next(int d, BlockSelection sel) {
    return blockAt(d, sel, advance(d, sel));
  }

  /**
   * Moves domain {@code d} to its next position and returns it: everything {@link #next} does
   * but find the block, for the draws of other ranks' slices.
   */
  long advance(int d, BlockSelection sel) {
    if (sel.generation() != generation[d]) {
      generation[d] = sel.generation();
      epochSize[d] = sel.size();
      startEpoch(d);
    } else if (sel.size() != epochSize[d]) {
      throw new IllegalStateException("block selection of domain '" + names.get(d)
          + "' changed size from " + epochSize[d] + " to " + sel.size()
          + " without a new generation (" + sel.generation() + ")");
    }
    if (cursor[d] == epochSize[d]) {
      wraps[d]++;
      startEpoch(d);
    }
    served[d]++;
    return cursor[d]++;
  }

  /** The block at {@code position} of domain {@code d}'s current epoch. */
  long blockAt(int d, BlockSelection sel, long position) {
    long[] b = segments[d];
    if (b == null) {
      return sel.blockAt(permutation(d, 0, 0, epochSize[d]).apply(position));
    }
    int s = 0;
    while (position >= b[s + 1]) {
      s++;
    }
    return sel.blockAt(b[s] + permutation(d, s, b[s], b[s + 1]).apply(position - b[s]));
  }

  private void startEpoch(int d) {
    epoch[d]++;
    cursor[d] = 0;
    segments[d] = null;
    permutations[d] = null;
  }

  private BlockPermutation permutation(int d, int segment, long from, long to) {
    BlockPermutation p = permutations[d];
    if (p == null || permutationSegment[d] != segment) {
      long key = Seeds.hash(seed, STREAM_BLOCK, nameKeys[d], epoch[d], generation[d]);
      p = new BlockPermutation(to - from, segment == 0 ? key : Seeds.hash(key, segment));
      permutations[d] = p;
      permutationSegment[d] = segment;
    }
    return p;
  }

  /** Writes the counters into {@code o}. */
  void writeTo(ObjectNode o) {
    o.set("blocks", Json.longs(blocks));
    o.set("epoch", Json.longs(epoch));
    o.set("wraps", Json.longs(wraps));
    o.set("cursor", Json.longs(cursor));
    o.set("generation", Json.longs(generation));
    o.set("epochSize", Json.longs(epochSize));
    o.set("served", Json.longs(served));
    ObjectNode seg = null;
    for (int d = 0; d < segments.length; d++) {
      if (segments[d] != null) {
        seg = seg != null ? seg : o.putObject("segments"); // absent in an unchanged run
        seg.set(names.get(d), Json.longs(segments[d]));
      }
    }
  }

  /** The counters of one domain as a snapshot holds them. */
  private record Saved(long blocks, long epoch, long wraps, long cursor, long generation,
      long epochSize, long served, long[] segments) {}

  private static Saved[] read(StateReader r, List<String> savedNames) {
    int k = savedNames.size();
    long[] e = r.getLongs("epoch", k);
    long[] w = r.getLongs("wraps", k);
    long[] c = r.getLongs("cursor", k);
    long[] g = r.getLongs("generation", k);
    long[] size = r.getLongs("epochSize", k);
    long[] s = r.getLongs("served", k);
    long[] b = r.node().has("blocks") ? r.getLongs("blocks", k) : null;
    JsonNode seg = r.node().path("segments");
    Saved[] out = new Saved[k];
    for (int d = 0; d < k; d++) {
      long[] segs = null;
      if (seg.has(savedNames.get(d))) {
        ArrayNode a = (ArrayNode) seg.get(savedNames.get(d));
        segs = new long[a.size()];
        for (int i = 0; i < segs.length; i++) {
          segs[i] = a.get(i).asLong();
        }
        if (segs.length < 3 || segs[0] != 0 || segs[segs.length - 1] != size[d]) {
          throw new IncompatibleStateException("state of domain '" + savedNames.get(d)
              + "': segments " + Arrays.toString(segs) + " do not span its epoch of " + size[d]);
        }
      }
      if (c[d] < 0 || c[d] > size[d] || size[d] < 1 || s[d] < 0) {
        throw new IncompatibleStateException("state of domain '" + savedNames.get(d)
            + "' is inconsistent: cursor " + c[d] + ", epochSize " + size[d] + ", served "
            + s[d]);
      }
      out[d] = new Saved(b != null ? b[d] : -1, e[d], w[d], c[d], g[d], size[d], s[d], segs);
    }
    return out;
  }

  /**
   * Replaces the counters with a snapshot's for the same domains in the same order.
   *
   * @throws IncompatibleStateException naming the domain on any malformation
   */
  void restore(StateReader r) {
    Saved[] saved = read(r, names);
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
   * @throws IncompatibleStateException naming the domain if the snapshot has a domain that is
   *     gone, or one that now has fewer blocks
   */
  void restoreRemapped(StateReader r, List<String> savedNames) {
    Saved[] saved = read(r, savedNames);
    for (int i = 0; i < saved.length; i++) {
      int d = names.indexOf(savedNames.get(i));
      if (d < 0) {
        throw new IncompatibleStateException("the run's domain '" + savedNames.get(i)
            + "' is not in the corpus any more; domains: " + names + " (a resumed run may gain "
            + "domains and blocks, never lose them)");
      }
      Saved s = saved[i];
      long before = s.blocks() >= 0 ? s.blocks() : blocks[d];
      if (blocks[d] < before) {
        throw new IncompatibleStateException("domain '" + names.get(d) + "' had " + before
            + " blocks and now has " + blocks[d] + ": blocks already served could be gone");
      }
      set(d, s);
      if (blocks[d] > before && generation[d] == 0 && epochSize[d] == before) {
        long[] b = s.segments() != null ? s.segments() : new long[] {0, before};
        long[] grown = Arrays.copyOf(b, b.length + 1);
        grown[b.length] = blocks[d];
        segments[d] = grown;
        epochSize[d] = blocks[d];
      }
    }
  }

  private void set(int d, Saved s) {
    epoch[d] = s.epoch();
    wraps[d] = s.wraps();
    cursor[d] = s.cursor();
    generation[d] = s.generation();
    epochSize[d] = s.epochSize();
    served[d] = s.served();
    segments[d] = s.segments();
    permutations[d] = null;
  }
}
