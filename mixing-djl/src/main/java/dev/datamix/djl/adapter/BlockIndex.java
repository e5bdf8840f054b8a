package dev.datamix.djl.adapter;

import dev.datamix.mixture.Domain;
import dev.datamix.util.SortedLongs;
import java.util.List;

/**
 * Flat dataset indices for {@code (domain, block)} pairs: domain {@code d}'s blocks occupy
 * {@code [offset(d), offset(d) + blocks(d))}, domains in order.
 */
public final class BlockIndex {
  private final long[] offsets;

  /** The index over {@code domains} (blocks of each). */
  public BlockIndex(List<Domain> domains) {
    offsets = new long[domains.size() + 1];
    for (int d = 0; d < domains.size(); d++) {
      offsets[d + 1] = offsets[d] + domains.get(d).blocks();
    }
  }

  /** Total blocks: the dataset size. */
  public long size() {
    return offsets[offsets.length - 1];
  }

  /** The flat index of block {@code block} of domain {@code domain}. */
  public long flat(int domain, long block) {
    return offsets[domain] + block;
  }

  /** The domain of a flat index. */
  public int domainOf(long flat) {
    if (flat < 0 || flat >= size()) {
      throw new IndexOutOfBoundsException("index " + flat + " outside [0, " + size() + ")");
    }
    return SortedLongs.floorIndex(offsets, offsets.length - 1, flat);
  }

  /** The block (within its domain) of a flat index. */
  public long blockOf(long flat) {
    return flat - offsets[domainOf(flat)];
  }
}
