package dev.datamix.sampler;

import dev.datamix.mixture.Mixture;
import java.util.Arrays;

/**
 * A reusable buffer of {@code (domain, block)} references drawn for one step, with the mixture
 * they were drawn from. Refilled in place by {@link MixtureSampler#draw}; not thread-safe.
 */
public final class BlockBatch {
  private int[] domains;
  private long[] blocks;
  private int size;
  private long step = -1;
  private Mixture mixture;

  /** A buffer for up to {@code capacity} references (it grows if needed). */
  public BlockBatch(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must be >= 0, got " + capacity);
    }
    domains = new int[capacity];
    blocks = new long[capacity];
  }

  /**
   * The data-parallel ranks' slices of one step in rank order: the global batch, block for block
   * what one process draws ({@link MixtureSampler#drawSlice}), with the first slice's mixture.
   *
   * @throws IllegalArgumentException if the slices are of different steps, or there is none
   */
  public static BlockBatch concat(java.util.List<BlockBatch> slices) {
    if (slices.isEmpty()) {
      throw new IllegalArgumentException("slices must not be empty");
    }
    int n = 0;
    for (BlockBatch b : slices) {
      if (b.step != slices.get(0).step) {
        throw new IllegalArgumentException("slices must be of one step, got steps "
            + slices.get(0).step + " and " + b.step);
      }
      n += b.size;
    }
    BlockBatch out = new BlockBatch(n);
    out.reset(slices.get(0).step, n);
    for (BlockBatch b : slices) {
      for (int i = 0; i < b.size; i++) {
        out.add(b.domains[i], b.blocks[i]);
      }
    }
    out.mixture(slices.get(0).mixture);
    return out;
  }

  void reset(long step, int count) {
    if (domains.length < count) {
      domains = Arrays.copyOf(domains, count);
      blocks = Arrays.copyOf(blocks, count);
    }
    this.step = step;
    this.size = 0;
  }

  void add(int domain, long block) {
    domains[size] = domain;
    blocks[size] = block;
    size++;
  }

  void mixture(Mixture m) {
    this.mixture = m;
  }

  /** Number of references. */
  public int size() {
    return size;
  }

  /** The step the references were drawn for. */
  public long step() {
    return step;
  }

  /** Domain index of reference {@code i}. */
  public int domain(int i) {
    checkIndex(i);
    return domains[i];
  }

  /** Block index within its domain of reference {@code i}. */
  public long block(int i) {
    checkIndex(i);
    return blocks[i];
  }

  /**
   * The effective mixture the references were drawn from: the policy's mixture with exhausted
   * domains removed. Record it with the batch: it is what the batch actually reflects.
   */
  public Mixture mixture() {
    return mixture;
  }

  /** A copy of the domain indices. */
  public int[] domains() {
    return Arrays.copyOf(domains, size);
  }

  /** A copy of the block indices. */
  public long[] blocks() {
    return Arrays.copyOf(blocks, size);
  }

  private void checkIndex(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException("index " + i + " out of batch of size " + size);
    }
  }
}
