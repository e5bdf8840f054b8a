package dev.datamix.lfr;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Per-block training loss, averaged over the visits of one phase: a float mean and an int visit
 * count per block, 8 bytes a block (10^8 blocks in 800 MB), on the heap or off it (a direct
 * buffer, or a memory-mapped file so a huge store need not fit in the heap). Fed from the losses
 * the trainer already computes; no extra passes.
 */
public final class BlockLossStore {
  private static final int MAX_BLOCKS = Integer.MAX_VALUE / 8;

  private final long blocks;
  private final ByteBuffer data;

  private BlockLossStore(long blocks, ByteBuffer data) {
    this.blocks = blocks;
    this.data = data.order(ByteOrder.LITTLE_ENDIAN);
  }

  private static void check(long blocks) {
    if (blocks <= 0 || blocks > MAX_BLOCKS) {
      throw new IllegalArgumentException(
          "blocks must be in [1, " + MAX_BLOCKS + "] per store, got " + blocks);
    }
  }

  /** A store on the heap. */
  public static BlockLossStore onHeap(long blocks) {
    check(blocks);
    return new BlockLossStore(blocks, ByteBuffer.allocate((int) (blocks * 8)));
  }

  /** A store in a direct (off-heap) buffer. */
  public static BlockLossStore offHeap(long blocks) {
    check(blocks);
    return new BlockLossStore(blocks, ByteBuffer.allocateDirect((int) (blocks * 8)));
  }

  /** A store in a memory-mapped file (created or overwritten). */
  public static BlockLossStore mapped(long blocks, Path file) {
    check(blocks);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE,
        StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      return new BlockLossStore(blocks, ch.map(FileChannel.MapMode.READ_WRITE, 0, blocks * 8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot map block loss store " + file, e);
    }
  }

  /** Number of blocks. */
  public long size() {
    return blocks;
  }

  /** Adds one visit's loss to block {@code b}'s running mean. */
  public void record(int b, float loss) {
    int at = b * 8;
    int n = data.getInt(at + 4) + 1;
    float mean = data.getFloat(at);
    data.putFloat(at, mean + (loss - mean) / n);
    data.putInt(at + 4, n);
  }

  /** Mean loss of block {@code b} over its visits, or NaN if it was not visited. */
  public float mean(int b) {
    long entry = data.getLong(b * 8); // little-endian: the mean's bits low, the visits high
    return Float.intBitsToFloat(entry >>> 32 == 0 ? 0x7fc00000 : (int) entry);
  }

  /** Visits of block {@code b}. */
  public int visits(int b) {
    return data.getInt(b * 8 + 4);
  }

  /** Forgets every visit (a new measuring phase). */
  public void clear() {
    for (int i = 0; i < blocks * 8; i += 8) {
      data.putLong(i, 0L);
    }
  }

  /** The raw bytes, for a snapshot. */
  public byte[] toBytes() {
    byte[] out = new byte[(int) (blocks * 8)];
    data.duplicate().position(0).get(out);
    return out;
  }

  /**
   * Replaces the contents with bytes from {@link #toBytes()}.
   *
   * @throws IllegalArgumentException if the length differs
   */
  public void fromBytes(byte[] bytes) {
    if (bytes.length != blocks * 8) {
      throw new IllegalArgumentException("store of " + blocks + " blocks needs " + blocks * 8
          + " bytes, got " + bytes.length);
    }
    data.duplicate().position(0).put(bytes);
  }
}
