package dev.datamix.sampler;

import java.util.Arrays;

/**
 * Which blocks of a domain are eligible, and how often each appears in one domain-epoch.
 *
 * <p>A selection is a sequence of {@link #size()} block indices; the sampler visits a fresh
 * pseudo-random permutation of that sequence per domain-epoch (without replacement). Restricting
 * is listing a subset; reweighting is listing a block several times ({@link #withRepeats}). LFR's
 * Focus phase (Prakriya et al., arXiv 2409.06131) is the main user.
 *
 * <p>{@link #generation()} identifies the content: a policy gives a new selection a new generation,
 * and the sampler starts a new domain-epoch when the generation it sees changes. Two selections
 * with the same generation for the same domain must be identical.
 */
public interface BlockSelection {

  /** Length of one domain-epoch, {@code >= 1}. */
  long size();

  /** The block at position {@code rank} of the sequence, {@code 0 <= rank < size()}. */
  long blockAt(long rank);

  /** One more than the largest block index in the sequence. */
  long maxBlockExclusive();

  /** Identifies this selection's content; see the type's Javadoc. */
  long generation();

  /** Every block {@code 0..blocks-1} once: the default, generation 0. */
  static BlockSelection all(long blocks) {
    if (blocks <= 0) {
      throw new IllegalArgumentException("blocks must be > 0, got " + blocks);
    }
    return new All(blocks);
  }

  /**
   * The listed blocks, once each.
   *
   * @param blocks strictly increasing, non-negative block indices, non-empty
   * @param generation identifies this selection, must not be 0 (reserved for {@link #all})
   */
  static BlockSelection ofBlocks(long[] blocks, long generation) {
    checkGeneration(generation);
    if (blocks.length == 0) {
      throw new IllegalArgumentException("blocks must not be empty: a domain needs one eligible "
          + "block; give the domain weight 0 instead");
    }
    for (int i = 0; i < blocks.length; i++) {
      if (blocks[i] < 0 || (i > 0 && blocks[i] <= blocks[i - 1])) {
        throw new IllegalArgumentException("blocks must be strictly increasing and >= 0, got "
            + blocks[i] + " at position " + i);
      }
    }
    long max = blocks[blocks.length - 1];
    if (max <= Integer.MAX_VALUE) {
      int[] compact = new int[blocks.length];
      for (int i = 0; i < blocks.length; i++) {
        compact[i] = (int) blocks[i];
      }
      return new IntList(compact, generation);
    }
    return new LongList(blocks.clone(), generation);
  }

  /**
   * Each listed block {@code repeats[i]} times per domain-epoch: a reweighting that keeps
   * without-replacement epochs.
   *
   * @param blocks strictly increasing, non-negative block indices, non-empty
   * @param repeats positive repeat count per block
   * @param generation identifies this selection, must not be 0
   */
  static BlockSelection withRepeats(long[] blocks, int[] repeats, long generation) {
    BlockSelection base = ofBlocks(blocks, generation);
    if (repeats.length != blocks.length) {
      throw new IllegalArgumentException("repeats length must equal blocks length ("
          + blocks.length + "), got " + repeats.length);
    }
    long[] cumulative = new long[repeats.length];
    long total = 0;
    for (int i = 0; i < repeats.length; i++) {
      if (repeats[i] <= 0) {
        throw new IllegalArgumentException(
            "repeats[" + i + "] (block " + blocks[i] + ") must be > 0, got " + repeats[i]);
      }
      total += repeats[i];
      cumulative[i] = total;
    }
    return new Repeated(base, cumulative);
  }

  private static void checkGeneration(long generation) {
    if (generation == 0) {
      throw new IllegalArgumentException(
          "generation 0 is reserved for BlockSelection.all; got 0");
    }
  }

  /** Every block once. */
  record All(long size) implements BlockSelection {
    @Override
    public long blockAt(long rank) {
      return rank;
    }

    @Override
    public long maxBlockExclusive() {
      return size;
    }

    @Override
    public long generation() {
      return 0;
    }
  }

  /** A subset with indices below 2^31, 4 bytes per block. */
  final class IntList implements BlockSelection {
    private final int[] blocks;
    private final long generation;

    IntList(int[] blocks, long generation) {
      this.blocks = blocks;
      this.generation = generation;
    }

    @Override
    public long size() {
      return blocks.length;
    }

    @Override
    public long blockAt(long rank) {
      return blocks[(int) rank];
    }

    @Override
    public long maxBlockExclusive() {
      return blocks[blocks.length - 1] + 1L;
    }

    @Override
    public long generation() {
      return generation;
    }
  }

  /** A subset with large indices, 8 bytes per block. */
  final class LongList implements BlockSelection {
    private final long[] blocks;
    private final long generation;

    LongList(long[] blocks, long generation) {
      this.blocks = blocks;
      this.generation = generation;
    }

    @Override
    public long size() {
      return blocks.length;
    }

    @Override
    public long blockAt(long rank) {
      return blocks[(int) rank];
    }

    @Override
    public long maxBlockExclusive() {
      return blocks[blocks.length - 1] + 1L;
    }

    @Override
    public long generation() {
      return generation;
    }
  }

  /** A subset with repeat counts; position lookup by binary search over cumulative counts. */
  final class Repeated implements BlockSelection {
    private final BlockSelection base;
    private final long[] cumulative;

    Repeated(BlockSelection base, long[] cumulative) {
      this.base = base;
      this.cumulative = cumulative;
    }

    @Override
    public long size() {
      return cumulative[cumulative.length - 1];
    }

    @Override
    public long blockAt(long rank) {
      int i = Arrays.binarySearch(cumulative, rank + 1);
      return base.blockAt(i >= 0 ? i : -i - 1);
    }

    @Override
    public long maxBlockExclusive() {
      return base.maxBlockExclusive();
    }

    @Override
    public long generation() {
      return base.generation();
    }
  }
}
