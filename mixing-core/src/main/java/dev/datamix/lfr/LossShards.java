package dev.datamix.lfr;

import dev.datamix.distributed.Collective;
import dev.datamix.mixture.Domain;
import java.util.List;

/**
 * LFR's per-block loss stores, one per domain, either whole on every rank ({@code replicated},
 * the default) or split by block across the data-parallel ranks ({@code ranks}): rank {@code r}
 * of {@code W} keeps blocks {@code [r·n/W, (r+1)·n/W)} of a domain of {@code n}, so a
 * 10^10-block corpus's 80 GB of store becomes 80/W GB per rank. The losses need no routing of
 * their own: every rank observes the whole batch's {@code (block, loss)} pairs (gathered by
 * {@link dev.datamix.run.DataMixer}) and records the ones it owns.
 */
final class LossShards {
  private final Collective collective;
  private final boolean sharded;
  private final long[] first;
  private final long[] end;
  private final BlockLossStore[] stores;

  LossShards(List<Domain> domains, boolean offHeap, Collective collective, boolean sharded) {
    this.collective = collective;
    this.sharded = sharded;
    int k = domains.size();
    first = new long[k];
    end = new long[k];
    stores = new BlockLossStore[k];
    int w = sharded ? collective.worldSize() : 1;
    int r = sharded ? collective.rank() : 0;
    for (int d = 0; d < k; d++) {
      long n = domains.get(d).blocks();
      first[d] = n * r / w;
      end[d] = n * (r + 1) / w;
      long size = Math.max(1, end[d] - first[d]); // a store holds one block at least
      stores[d] = offHeap ? BlockLossStore.offHeap(size) : BlockLossStore.onHeap(size);
    }
  }

  /** One process's shards over existing stores, one per domain (for the selection benchmark). */
  LossShards(BlockLossStore... stores) {
    this.collective = Collective.single();
    this.sharded = false;
    this.stores = stores.clone();
    first = new long[stores.length];
    end = new long[stores.length];
    for (int d = 0; d < stores.length; d++) {
      end[d] = stores[d].size();
    }
  }

  /** Whether the stores are split over the ranks. */
  boolean sharded() {
    return sharded;
  }

  /** The ranks. */
  Collective collective() {
    return collective;
  }

  /** The first block of domain {@code d} this rank keeps. */
  long first(int d) {
    return first[d];
  }

  /** One past the last block of domain {@code d} this rank keeps. */
  long end(int d) {
    return end[d];
  }

  /** Records one visit's loss of block {@code block} of domain {@code d}, if this rank keeps it. */
  void record(int d, long block, float loss) {
    if (block >= first[d] && block < end[d]) {
      stores[d].record((int) (block - first[d]), loss);
    }
  }

  /** Mean loss of block {@code block} (kept by this rank), or NaN if it was not visited. */
  float mean(int d, long block) {
    return stores[d].mean((int) (block - first[d]));
  }

  /** Forgets domain {@code d}'s visits. */
  void clear(int d) {
    stores[d].clear();
  }

  /** Domain {@code d}'s store (this rank's part). */
  BlockLossStore store(int d) {
    return stores[d];
  }
}
