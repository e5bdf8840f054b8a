package dev.datamix.corpus;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The index ({@code .idx}) of a Megatron-LM indexed dataset, with its data file ({@code .bin}):
 * the layout of {@code megatron/core/datasets/indexed_dataset.py} ({@code _IndexWriter}), all
 * little-endian:
 *
 * <ol>
 *   <li>the 9-byte magic {@code MMIDIDX\x00\x00} and a uint64 version, 1;
 *   <li>a uint8 dtype code (1 uint8, 2 int8, 3 int16, 4 int32, 5 int64, 6 float64, 7 float32,
 *       8 uint16) and two uint64 counts: sequences {@code S} and document indices {@code D}
 *       (documents + 1);
 *   <li>int32 sequence lengths ({@code S}), int64 sequence byte offsets into the {@code .bin}
 *       ({@code S}), int64 document indices ({@code D}: 0, then the sequence index where each
 *       document ends), and for multimodal datasets int8 sequence modes ({@code S}).
 * </ol>
 *
 * <p>{@link #open} checks every header field and the index's size against the counts, and that
 * the {@code .bin} holds exactly the bytes the last sequence ends at, reading only the header and
 * the last entries (O(1), whatever the size). {@link #verify()} scans every entry: lengths
 * non-negative, sequences contiguous from byte 0 (what Megatron's writer and its {@code
 * add_index} merge produce, and what lets a document range be read as one token range), document
 * indices rising from 0 to {@code S}. Float dtypes are refused: they cannot hold token ids. Every
 * error names the file, the field and the value.
 *
 * @see <a href="https://github.com/NVIDIA/Megatron-LM">Megatron-LM, megatron/core/datasets/
 *     indexed_dataset.py</a>
 */
public final class MegatronIndex {
  /** The index file's first 9 bytes. */
  static final byte[] MAGIC = {'M', 'M', 'I', 'D', 'I', 'D', 'X', 0, 0};
  /** The only version Megatron writes. */
  static final long VERSION = 1;
  /** Bytes before the arrays: magic, version, dtype code, two counts. */
  static final int HEADER_BYTES = 9 + 8 + 1 + 8 + 8;
  private static final int SCAN_ENTRIES = 1 << 16;

  private final Path idx;
  private final Path bin;
  private final TokenDtype dtype;
  private final long sequences;
  private final long documentIndices;
  private final boolean multimodal;
  private final long binBytes;

  private MegatronIndex(Path idx, Path bin, TokenDtype dtype, long sequences,
      long documentIndices, boolean multimodal, long binBytes) {
    this.idx = idx;
    this.bin = bin;
    this.dtype = dtype;
    this.sequences = sequences;
    this.documentIndices = documentIndices;
    this.multimodal = multimodal;
    this.binBytes = binBytes;
  }

  /**
   * The header of an index of {@code sequences} sequences and {@code documentIndices} document
   * indices (documents + 1) of {@code dtype} tokens: what a writer puts before the arrays.
   *
   * @throws IllegalArgumentException if Megatron has no code for {@code dtype}
   */
  public static byte[] header(TokenDtype dtype, long sequences, long documentIndices) {
    if (dtype.megatronCode() == 0) {
      throw new IllegalArgumentException("Megatron has no dtype code for " + dtype.id());
    }
    return ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN).put(MAGIC)
        .putLong(VERSION).put((byte) dtype.megatronCode()).putLong(sequences)
        .putLong(documentIndices).array();
  }

  /** The {@code .idx} of dataset {@code prefix} (the path without the extension). */
  public static Path idxFile(Path prefix) {
    return prefix.resolveSibling(prefix.getFileName() + ".idx");
  }

  /** The {@code .bin} of dataset {@code prefix}. */
  public static Path binFile(Path prefix) {
    return prefix.resolveSibling(prefix.getFileName() + ".bin");
  }

  /**
   * Opens the dataset {@code prefix}: {@code prefix.idx} and {@code prefix.bin}.
   *
   * @throws CorpusException naming the file, the field and the value: a missing file, bad magic,
   *     another version, an unknown or float dtype code, an index whose size does not match its
   *     counts, a document index out of range, or a {@code .bin} of another size than the index
   *     describes (truncated, or offsets past its end)
   */
  public static MegatronIndex open(Path prefix) {
    Path idx = idxFile(prefix);
    Path bin = binFile(prefix);
    try (FileChannel ch = channel(idx)) {
      long size = ch.size();
      ByteBuffer h = read(ch, idx, 0, Math.min(HEADER_BYTES, (int) Math.min(size,
          HEADER_BYTES)));
      if (h.remaining() < 9 || !Arrays.equals(bytes(h, 9), MAGIC)) {
        throw new CorpusException("Megatron index " + idx + " does not start with the magic "
            + "MMIDIDX\\x00\\x00 (found " + printable(h) + "): not a Megatron .idx file");
      }
      if (size < HEADER_BYTES) {
        throw new CorpusException("Megatron index " + idx + " has " + size + " bytes, fewer "
            + "than its " + HEADER_BYTES + "-byte header: truncated");
      }
      long version = h.getLong(9);
      if (version != VERSION) {
        throw new CorpusException("Megatron index " + idx + " has version " + version
            + ", expected " + VERSION);
      }
      int code = h.get(17) & 0xFF;
      TokenDtype dtype = dtypeOf(code, idx);
      long s = h.getLong(18);
      long d = h.getLong(26);
      if (s < 0 || d < 1 || s > size || d > size) {
        throw new CorpusException("Megatron index " + idx + " has sequence count "
            + Long.toUnsignedString(s) + " and document index count " + Long.toUnsignedString(d)
            + ", impossible for a file of " + size + " bytes (a document index count is >= 1)");
      }
      long arrays = HEADER_BYTES + 12 * s + 8 * d;
      boolean multimodal;
      if (size == arrays) {
        multimodal = false;
      } else if (size == arrays + s && s > 0) {
        multimodal = true;
      } else {
        throw new CorpusException("Megatron index " + idx + " has " + size + " bytes but its "
            + "counts (" + s + " sequences, " + d + " document indices) need " + arrays
            + " (or " + (arrays + s) + " with sequence modes): truncated or corrupt");
      }
      long binBytes = size(bin);
      MegatronIndex index = new MegatronIndex(idx, bin, dtype, s, d, multimodal, binBytes);
      index.checkEnds(ch);
      return index;
    } catch (IOException e) {
      throw new CorpusException("cannot read Megatron index " + idx + ": " + e.getMessage(), e);
    }
  }

  private static TokenDtype dtypeOf(int code, Path idx) {
    if (code == 6 || code == 7) {
      throw new CorpusException("Megatron index " + idx + " has dtype code " + code + " ("
          + (code == 6 ? "float64" : "float32") + "), which cannot hold token ids");
    }
    for (TokenDtype t : TokenDtype.values()) {
      if (t.megatronCode() == code) {
        return t;
      }
    }
    throw new CorpusException("Megatron index " + idx + " has dtype code " + code
        + ", not one of Megatron's (1 uint8, 2 int8, 3 int16, 4 int32, 5 int64, 8 uint16)");
  }

  /** O(1) checks: the document indices' ends, and the .bin's size against the last sequence. */
  private void checkEnds(FileChannel ch) throws IOException {
    long first = readLong(ch, documentIndexOffset(0));
    long last = readLong(ch, documentIndexOffset(documentIndices - 1));
    if (first != 0 || last != sequences) {
      throw new CorpusException("Megatron index " + idx + " has document indices from " + first
          + " to " + last + ", expected from 0 to the sequence count " + sequences);
    }
    long end = sequences == 0 ? 0 : sequenceEnd(ch, sequences - 1);
    if (end != binBytes) {
      throw new CorpusException("Megatron data " + bin + " has " + binBytes + " bytes but its "
          + "index " + idx + " says the last sequence ends at byte " + end + (end > binBytes
          ? ": truncated, or offsets past the end" : ": another file than the index describes"));
    }
  }

  private long sequenceEnd(FileChannel ch, long seq) throws IOException {
    long pointer = readLong(ch, pointerOffset(seq));
    int length = readInt(ch, lengthOffset(seq));
    if (pointer < 0 || length < 0) {
      throw new CorpusException("Megatron index " + idx + " has sequence " + seq + " at byte "
          + "offset " + pointer + " with length " + length + ": negative");
    }
    return pointer + (long) length * dtype.bytes();
  }

  /**
   * Scans every entry: lengths non-negative, sequences contiguous from byte 0, document indices
   * non-decreasing; O(entries), reading the index in chunks.
   *
   * @throws CorpusException naming the file, the entry and its value
   */
  public void verify() {
    try (FileChannel ch = channel(idx)) {
      long expected = 0;
      for (long from = 0; from < sequences; from += SCAN_ENTRIES) {
        int n = (int) Math.min(SCAN_ENTRIES, sequences - from);
        ByteBuffer len = read(ch, idx, lengthOffset(from), 4 * n);
        ByteBuffer ptr = read(ch, idx, pointerOffset(from), 8 * n);
        for (int i = 0; i < n; i++) {
          long p = ptr.getLong(8 * i);
          int l = len.getInt(4 * i);
          if (p != expected || l < 0) {
            throw new CorpusException("Megatron index " + idx + " has sequence " + (from + i)
                + " at byte offset " + p + " with length " + l + "; expected offset " + expected
                + " and a length >= 0 (sequences must follow one another in the .bin, as "
                + "Megatron's writer lays them out)" + (p > binBytes ? ": offset past the end "
                + "of " + bin + " (" + binBytes + " bytes)" : ""));
          }
          expected = p + (long) l * dtype.bytes();
        }
      }
      long previous = 0;
      for (long from = 0; from < documentIndices; from += SCAN_ENTRIES) {
        int n = (int) Math.min(SCAN_ENTRIES, documentIndices - from);
        ByteBuffer doc = read(ch, idx, documentIndexOffset(from), 8 * n);
        for (int i = 0; i < n; i++) {
          long v = doc.getLong(8 * i);
          if (v < previous || v > sequences) {
            throw new CorpusException("Megatron index " + idx + " has document index "
                + (from + i) + " = " + v + " after " + previous + "; expected non-decreasing "
                + "values up to the sequence count " + sequences);
          }
          previous = v;
        }
      }
    } catch (IOException e) {
      throw new CorpusException("cannot read Megatron index " + idx + ": " + e.getMessage(), e);
    }
  }

  /**
   * The tokens of documents {@code [first, end)}: one range of the {@code .bin}, since sequences
   * are contiguous ({@link #verify()}).
   *
   * @throws CorpusException naming the range if it is outside the dataset's documents
   */
  public TokenRange documentTokens(long first, long end) {
    if (first < 0 || end < first || end > documents()) {
      throw new CorpusException("documents [" + first + ", " + end + ") are outside Megatron "
          + "dataset " + idx + " of " + documents() + " documents");
    }
    try (FileChannel ch = channel(idx)) {
      long startByte = byteAtSequence(ch, readLong(ch, documentIndexOffset(first)));
      long endByte = byteAtSequence(ch, readLong(ch, documentIndexOffset(end)));
      return new TokenRange(startByte, (endByte - startByte) / dtype.bytes());
    } catch (IOException e) {
      throw new CorpusException("cannot read Megatron index " + idx + ": " + e.getMessage(), e);
    }
  }

  /**
   * Passes each document of {@code [first, end)} to {@code visitor} as its first token's index in
   * the {@code .bin} and its token count, in order, reading the index in chunks.
   */
  public void forEachDocument(long first, long end, DocumentVisitor visitor) throws IOException {
    documentTokens(first, end); // checks the range
    try (FileChannel ch = channel(idx)) {
      Chunk docs = new Chunk(ch, documentIndexOffset(0), documentIndices);
      Chunk pointers = new Chunk(ch, pointerOffset(0), sequences);
      long previous = -1;
      for (long d = first; d <= end; d++) {
        long seq = docs.get(d);
        long at = seq == sequences ? binBytes : pointers.get(seq);
        if (previous >= 0) {
          visitor.document(d - 1, previous / dtype.bytes(), (at - previous) / dtype.bytes());
        }
        previous = at;
      }
    }
  }

  /** Receives documents from {@link #forEachDocument}. */
  @FunctionalInterface
  public interface DocumentVisitor {
    /**
     * Takes document {@code document}: tokens {@code [firstToken, firstToken + tokens)} of the
     * {@code .bin}.
     */
    void document(long document, long firstToken, long tokens) throws IOException;
  }

  /** A window of an int64 array of the index, refilled as reads move forward. */
  private final class Chunk {
    private final FileChannel ch;
    private final long base;
    private final long length;
    private long start = -1;
    private ByteBuffer buffer;

    Chunk(FileChannel ch, long base, long length) {
      this.ch = ch;
      this.base = base;
      this.length = length;
    }

    long get(long i) throws IOException {
      if (start < 0 || i < start || i >= start + buffer.limit() / 8) {
        start = i;
        buffer = read(ch, idx, base + 8 * i, (int) (8 * Math.min(SCAN_ENTRIES, length - i)));
      }
      return buffer.getLong((int) (8 * (i - start)));
    }
  }

  private long byteAtSequence(FileChannel ch, long seq) throws IOException {
    return seq == sequences ? binBytes : readLong(ch, pointerOffset(seq));
  }

  /** The token type of the {@code .bin}. */
  public TokenDtype dtype() {
    return dtype;
  }

  /** Number of sequences. */
  public long sequences() {
    return sequences;
  }

  /** Number of documents (the document index count minus one). */
  public long documents() {
    return documentIndices - 1;
  }

  /** Tokens in the {@code .bin}. */
  public long tokens() {
    return binBytes / dtype.bytes();
  }

  /** Whether the index carries per-sequence modes (a multimodal dataset). */
  public boolean multimodal() {
    return multimodal;
  }

  /** The {@code .bin} file. */
  public Path bin() {
    return bin;
  }

  /** The {@code .idx} file. */
  public Path idx() {
    return idx;
  }

  /**
   * A range of a {@code .bin}.
   *
   * @param byteOffset where the first token starts
   * @param tokens how many tokens it holds
   */
  public record TokenRange(long byteOffset, long tokens) {}

  private long lengthOffset(long seq) {
    return HEADER_BYTES + 4 * seq;
  }

  private long pointerOffset(long seq) {
    return HEADER_BYTES + 4 * sequences + 8 * seq;
  }

  private long documentIndexOffset(long i) {
    return HEADER_BYTES + 12 * sequences + 8 * i;
  }

  private long readLong(FileChannel ch, long at) throws IOException {
    return read(ch, idx, at, 8).getLong(0);
  }

  private int readInt(FileChannel ch, long at) throws IOException {
    return read(ch, idx, at, 4).getInt(0);
  }

  private static FileChannel channel(Path file) {
    try {
      return FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new CorpusException("Megatron file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new CorpusException("cannot open Megatron file " + file + ": " + e.getMessage(), e);
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (NoSuchFileException e) {
      throw new CorpusException("Megatron data file " + file + " does not exist (an .idx needs "
          + "its .bin beside it)", e);
    } catch (IOException e) {
      throw new CorpusException("cannot read Megatron file " + file + ": " + e.getMessage(), e);
    }
  }

  private static ByteBuffer read(FileChannel ch, Path file, long at, int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining()) {
      if (ch.read(b, at + b.position()) < 0) {
        throw new CorpusException("Megatron file " + file + " ends at byte " + (at
            + b.position()) + ", reading " + n + " bytes at " + at + ": truncated");
      }
    }
    return b.flip();
  }

  private static byte[] bytes(ByteBuffer b, int n) {
    byte[] out = new byte[n];
    b.get(0, out);
    return out;
  }

  private static String printable(ByteBuffer b) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < Math.min(9, b.limit()); i++) {
      int c = b.get(i) & 0xFF;
      s.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02x", c));
    }
    return s.toString();
  }
}
