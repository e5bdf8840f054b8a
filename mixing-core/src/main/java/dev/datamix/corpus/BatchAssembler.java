package dev.datamix.corpus;

import dev.datamix.sampler.BlockBatch;
import java.nio.IntBuffer;

/**
 * Fills one reusable {@code int[]} with the tokens of a batch of {@code (domain, block)}
 * references: row {@code r} holds block {@code r}'s {@code blockLength + 1} tokens (inputs are
 * {@code [0, L)}, targets {@code [1, L]}). No allocation per block or per batch.
 */
public final class BatchAssembler {
  private final Corpus corpus;
  private final Split split;
  private final int rowLength;
  private final int capacity;
  private final int[] tokens;
  private final IntBuffer view;

  /**
   * @param corpus the corpus to read
   * @param split the split the references point into
   * @param capacity the most blocks per batch, {@code > 0}
   */
  public BatchAssembler(Corpus corpus, Split split, int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be > 0, got " + capacity);
    }
    this.corpus = corpus;
    this.split = split;
    this.rowLength = corpus.blockLength() + 1;
    this.capacity = capacity;
    this.tokens = new int[Math.multiplyExact(capacity, rowLength)];
    this.view = IntBuffer.wrap(tokens);
  }

  /** Tokens per row: {@code blockLength + 1}. */
  public int rowLength() {
    return rowLength;
  }

  /** The buffer: {@code capacity × rowLength} tokens, rows filled by the last call first. */
  public int[] tokens() {
    return tokens;
  }

  /** The buffer as an {@link IntBuffer} over the rows the last call filled. */
  public IntBuffer buffer() {
    return view;
  }

  /** Fills rows {@code 0..batch.size()-1} from a sampler batch; returns the number of rows. */
  public int assemble(BlockBatch batch) {
    int n = batch.size();
    checkSize(n);
    for (int i = 0; i < n; i++) {
      corpus.readBlock(batch.domain(i), split, batch.block(i), tokens, i * rowLength);
    }
    view.clear().limit(n * rowLength);
    return n;
  }

  /** Fills rows {@code 0..n-1} from parallel arrays; returns {@code n}. */
  public int assemble(int[] domains, long[] blocks, int n) {
    checkSize(n);
    for (int i = 0; i < n; i++) {
      corpus.readBlock(domains[i], split, blocks[i], tokens, i * rowLength);
    }
    view.clear().limit(n * rowLength);
    return n;
  }

  private void checkSize(int n) {
    if (n > capacity) {
      throw new IllegalArgumentException(
          "batch of " + n + " blocks exceeds the assembler's capacity " + capacity);
    }
  }
}
