package dev.datamix.corpus.megatron;

import dev.datamix.corpus.MegatronIndex;
import dev.datamix.corpus.TokenDtype;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a Megatron-LM indexed dataset ({@code prefix.bin} and {@code prefix.idx}) as Megatron's
 * {@code IndexedDatasetBuilder} does: one sequence per document ({@code add_document} with a
 * single sequence, the layout {@code tools/preprocess_data.py} writes without sentence
 * splitting), sequences back to back in the {@code .bin}, document indices {@code 0, 1, ..., N}.
 * The token type is Megatron's {@code DType.optimal_dtype}: uint16 below a vocabulary of 65,500,
 * int32 from there on.
 *
 * <p>Memory stays O(1) in the number of documents: the lengths go to a temporary file beside the
 * output and the index is composed from it at {@link #close()}. Both files are written under
 * temporary names and renamed into place only when complete.
 *
 * @see <a href="https://github.com/NVIDIA/Megatron-LM">Megatron-LM, megatron/core/datasets/
 *     indexed_dataset.py</a>
 */
public final class MegatronWriter implements AutoCloseable {
  private final Path prefix;
  private final TokenDtype dtype;
  private final int vocabSize;
  private final Path binTemp;
  private final Path lengthsTemp;
  private final OutputStream bin;
  private final OutputStream lengths;
  private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
  private long documents;
  private long tokens;
  private boolean closed;

  /**
   * A writer of dataset {@code prefix} for token ids below {@code vocabSize}. Existing files at
   * the prefix are replaced only at {@link #close()}; the caller decides whether that is allowed.
   */
  public MegatronWriter(Path prefix, int vocabSize) throws IOException {
    if (vocabSize <= 0) {
      throw new IllegalArgumentException("vocabSize must be > 0, got " + vocabSize);
    }
    this.prefix = prefix;
    this.vocabSize = vocabSize;
    this.dtype = dtypeFor(vocabSize);
    Path dir = prefix.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    String name = prefix.getFileName().toString();
    binTemp = Files.createTempFile(dir, name + ".bin.", ".tmp");
    lengthsTemp = Files.createTempFile(dir, name + ".lengths.", ".tmp");
    bin = new BufferedOutputStream(Files.newOutputStream(binTemp), 1 << 16);
    lengths = new BufferedOutputStream(Files.newOutputStream(lengthsTemp), 1 << 16);
  }

  /** Megatron's choice of token type for a vocabulary ({@code DType.optimal_dtype}). */
  public static TokenDtype dtypeFor(int vocabSize) {
    return vocabSize < 65_500 ? TokenDtype.UINT16 : TokenDtype.INT32;
  }

  /** The token type written. */
  public TokenDtype dtype() {
    return dtype;
  }

  /**
   * Appends one document: tokens {@code [from, to)} of {@code tokens}.
   *
   * @throws IllegalArgumentException naming the document and the id outside the vocabulary, or
   *     a document longer than Megatron's int32 sequence length
   */
  public void addDocument(int[] tokens, int from, int to) throws IOException {
    if (closed) {
      throw new IllegalStateException("writer of " + prefix + " is closed");
    }
    for (int i = from; i < to; i++) {
      int t = tokens[i];
      if (t < 0 || t >= vocabSize) {
        throw new IllegalArgumentException("document " + documents + " has token id " + t
            + " outside the vocabulary of " + vocabSize);
      }
      if (buffer.remaining() < 4) {
        flush();
      }
      if (dtype == TokenDtype.UINT16) {
        buffer.putShort((short) t);
      } else {
        buffer.putInt(t);
      }
    }
    int n = to - from;
    lengths.write(new byte[] {(byte) n, (byte) (n >>> 8), (byte) (n >>> 16), (byte) (n >>> 24)});
    documents++;
    this.tokens += n;
  }

  private void flush() throws IOException {
    bin.write(buffer.array(), 0, buffer.position());
    buffer.clear();
  }

  /** Documents written so far. */
  public long documents() {
    return documents;
  }

  /** Tokens written so far. */
  public long tokens() {
    return tokens;
  }

  /** Writes the index and renames both files into place. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    Path idxTemp = null;
    try {
      flush();
      bin.close();
      lengths.close();
      idxTemp = Files.createTempFile(prefix.toAbsolutePath().getParent(),
          prefix.getFileName() + ".idx.", ".tmp");
      writeIndex(idxTemp);
      Files.move(binTemp, MegatronIndex.binFile(prefix),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      Files.move(idxTemp, MegatronIndex.idxFile(prefix),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(lengthsTemp);
      Files.deleteIfExists(binTemp);
      if (idxTemp != null) {
        Files.deleteIfExists(idxTemp);
      }
    }
  }

  /** Removes the temporary files without writing the dataset. */
  public void abandon() throws IOException {
    closed = true;
    bin.close();
    lengths.close();
    Files.deleteIfExists(lengthsTemp);
    Files.deleteIfExists(binTemp);
  }

  private void writeIndex(Path file) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      out.write(MegatronIndex.header(dtype, documents, documents + 1));
      Files.copy(lengthsTemp, out);
      ByteBuffer eight = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      try (DataInputStream in = new DataInputStream(new BufferedInputStream(
          Files.newInputStream(lengthsTemp), 1 << 16))) {
        long pointer = 0;
        for (long i = 0; i < documents; i++) {
          out.write(eight.putLong(0, pointer).array());
          pointer += (long) Integer.reverseBytes(in.readInt()) * dtype.bytes();
        }
      }
      for (long i = 0; i <= documents; i++) {
        out.write(eight.putLong(0, i).array());
      }
    }
  }
}
