package dev.datamix.corpus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One token file, or one byte range of a file (a Megatron {@code .bin} read in place),
 * memory-mapped read-only in windows (so files larger than 2 GiB work), read without copying
 * until a caller asks for tokens. Thread-safe for reads.
 */
public final class TokenShard implements AutoCloseable {
  /** Default window: 1 GiB of the file per mapping. */
  static final int DEFAULT_WINDOW_BITS = 30;

  private final Path file;
  private final TokenDtype dtype;
  private final long tokens;
  private final long byteOffset;
  private final int windowBits;
  private final FileChannel channel;
  private final MappedByteBuffer[] windows;

  /**
   * Opens {@code file}, checking that its size is a whole number of tokens and equals {@code
   * expectedTokens} (a truncated file is an error, never silently shortened).
   *
   * @throws CorpusException naming the file for a missing, unreadable or truncated shard
   */
  public static TokenShard open(Path file, TokenDtype dtype, long expectedTokens) {
    return open(file, dtype, expectedTokens, DEFAULT_WINDOW_BITS);
  }

  static TokenShard open(Path file, TokenDtype dtype, long expectedTokens, int windowBits) {
    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      throw new CorpusException("shard file " + file + " named in the manifest does not exist", e);
    } catch (IOException e) {
      throw new CorpusException("cannot read shard file " + file + ": " + e.getMessage(), e);
    }
    if (size % dtype.bytes() != 0) {
      throw new CorpusException("shard file " + file + " has " + size + " bytes, not a multiple of "
          + dtype.bytes() + " (" + dtype.id() + "): truncated at byte offset "
          + (size - size % dtype.bytes()) + " or written with another dtype");
    }
    long found = size / dtype.bytes();
    if (found != expectedTokens) {
      throw new CorpusException("shard file " + file + " holds " + found + " tokens (" + size
          + " bytes) but the manifest records " + expectedTokens + " tokens ("
          + expectedTokens * dtype.bytes() + " bytes): truncated or replaced");
    }
    return map(file, dtype, 0, found, windowBits);
  }

  /**
   * Opens {@code tokens} tokens of {@code file} starting at byte {@code byteOffset}: a range of a
   * larger file, read in place.
   *
   * @throws CorpusException naming the file if it is missing, unreadable, or shorter than the
   *     range
   */
  public static TokenShard openRange(Path file, TokenDtype dtype, long byteOffset, long tokens) {
    return openRange(file, dtype, byteOffset, tokens, DEFAULT_WINDOW_BITS);
  }

  static TokenShard openRange(Path file, TokenDtype dtype, long byteOffset, long tokens,
      int windowBits) {
    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      throw new CorpusException("token file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new CorpusException("cannot read token file " + file + ": " + e.getMessage(), e);
    }
    long end = byteOffset + tokens * dtype.bytes();
    if (byteOffset < 0 || tokens < 0 || end > size) {
      throw new CorpusException("token file " + file + " has " + size + " bytes but the range "
          + "of " + tokens + " " + dtype.id() + " tokens at byte offset " + byteOffset
          + " ends at byte " + end + ": truncated, or not the file the index describes");
    }
    return map(file, dtype, byteOffset, tokens, windowBits);
  }

  private static TokenShard map(Path file, TokenDtype dtype, long byteOffset, long tokens,
      int windowBits) {
    try {
      return new TokenShard(file, dtype, byteOffset, tokens, windowBits,
          FileChannel.open(file, StandardOpenOption.READ));
    } catch (IOException e) {
      throw new CorpusException("cannot open token file " + file + ": " + e.getMessage(), e);
    }
  }

  private TokenShard(Path file, TokenDtype dtype, long byteOffset, long tokens, int windowBits,
      FileChannel channel) {
    this.file = file;
    this.dtype = dtype;
    this.byteOffset = byteOffset;
    this.tokens = tokens;
    this.windowBits = windowBits;
    this.channel = channel;
    long bytes = tokens * dtype.bytes();
    this.windows = new MappedByteBuffer[(int) ((bytes + (1L << windowBits) - 1) >>> windowBits)];
  }

  /** The file. */
  public Path file() {
    return file;
  }

  /** Number of tokens. */
  public long tokens() {
    return tokens;
  }

  private MappedByteBuffer window(int w) {
    MappedByteBuffer m = windows[w];
    if (m == null) {
      synchronized (this) {
        m = windows[w];
        if (m == null) {
          long start = (long) w << windowBits;
          long length = Math.min(1L << windowBits, tokens * dtype.bytes() - start);
          try {
            m = channel.map(FileChannel.MapMode.READ_ONLY, byteOffset + start, length);
          } catch (IOException e) {
            throw new UncheckedIOException("cannot map " + file + " at byte offset "
                + (byteOffset + start), e);
          }
          m.order(ByteOrder.LITTLE_ENDIAN);
          windows[w] = m;
        }
      }
    }
    return m;
  }

  /**
   * Copies tokens {@code [from, from + count)} into {@code dst[offset..]}.
   *
   * @throws IndexOutOfBoundsException if the range is outside the shard
   */
  public void read(long from, int count, int[] dst, int offset) {
    if (from < 0 || count < 0 || from + count > tokens) {
      throw new IndexOutOfBoundsException("tokens [" + from + ", " + (from + count) + ") outside "
          + file + " of " + tokens + " tokens");
    }
    int bytes = dtype.bytes();
    long at = from * bytes; // relative to the range's first byte
    while (count > 0) {
      int w = (int) (at >>> windowBits);
      MappedByteBuffer m = window(w);
      int pos = (int) (at - ((long) w << windowBits));
      int n = Math.min(count, (m.limit() - pos) / bytes);
      switch (dtype) {
        case UINT16 -> {
          for (int i = 0; i < n; i++) {
            dst[offset + i] = m.getShort(pos + 2 * i) & 0xFFFF;
          }
        }
        case UINT32, INT32 -> {
          for (int i = 0; i < n; i++) {
            dst[offset + i] = m.getInt(pos + 4 * i);
          }
        }
        case INT16 -> {
          for (int i = 0; i < n; i++) {
            dst[offset + i] = m.getShort(pos + 2 * i);
          }
        }
        case UINT8 -> {
          for (int i = 0; i < n; i++) {
            dst[offset + i] = m.get(pos + i) & 0xFF;
          }
        }
        case INT8 -> {
          for (int i = 0; i < n; i++) {
            dst[offset + i] = m.get(pos + i);
          }
        }
        case INT64 -> readLongs(m, pos, n, dst, offset, byteOffset + at);
        default -> throw new IllegalStateException("unreadable dtype " + dtype);
      }
      count -= n;
      offset += n;
      at += (long) n * bytes;
    }
  }

  /** INT64 tokens; {@code fileOffset} is the file's byte offset of {@code m.get(pos)}. */
  private void readLongs(MappedByteBuffer m, int pos, int n, int[] dst, int offset,
      long fileOffset) {
    for (int i = 0; i < n; i++) {
      long v = m.getLong(pos + 8 * i);
      if (v != (int) v) {
        throw new CorpusException("token file " + file + " holds int64 value " + v
            + ", not a token id, at byte offset " + (fileOffset + 8L * i));
      }
      dst[offset + i] = (int) v;
    }
  }

  /** The token at {@code index}. */
  public int get(long index) {
    int[] one = new int[1];
    read(index, 1, one, 0);
    return one[0];
  }

  /**
   * Checks that tokens {@code [from, from + count)} are all in {@code [0, vocabSize)}.
   *
   * @throws CorpusException naming the file, the token index and the byte offset of the first bad
   *     token
   */
  public void checkVocabulary(long from, long count, int vocabSize) {
    int[] buf = new int[8192];
    long end = Math.min(tokens, from + count);
    for (long pos = Math.max(0, from); pos < end; pos += buf.length) {
      int n = (int) Math.min(buf.length, end - pos);
      read(pos, n, buf, 0);
      for (int i = 0; i < n; i++) {
        if (buf[i] < 0 || buf[i] >= vocabSize) {
          long index = pos + i;
          throw new CorpusException("shard file " + file + " has token id "
              + Integer.toUnsignedString(buf[i]) + " >= vocabSize " + vocabSize + " at token "
              + index + " (byte offset " + (byteOffset + index * dtype.bytes()) + ")");
        }
      }
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close " + file, e);
    }
  }
}
