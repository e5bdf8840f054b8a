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
 * One token file, memory-mapped read-only in windows (so files larger than 2 GiB work), read
 * without copying until a caller asks for tokens. Thread-safe for reads.
 */
public final class TokenShard implements AutoCloseable {
  /** Default window: 1 GiB of the file per mapping. */
  static final int DEFAULT_WINDOW_BITS = 30;

  private final Path file;
  private final TokenDtype dtype;
  private final long tokens;
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
    try {
      return new TokenShard(file, dtype, found, windowBits,
          FileChannel.open(file, StandardOpenOption.READ));
    } catch (IOException e) {
      throw new CorpusException("cannot open shard file " + file + ": " + e.getMessage(), e);
    }
  }

  private TokenShard(Path file, TokenDtype dtype, long tokens, int windowBits,
      FileChannel channel) {
    this.file = file;
    this.dtype = dtype;
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
            m = channel.map(FileChannel.MapMode.READ_ONLY, start, length);
          } catch (IOException e) {
            throw new UncheckedIOException("cannot map " + file + " at byte offset " + start, e);
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
    long byteOffset = from * bytes;
    while (count > 0) {
      int w = (int) (byteOffset >>> windowBits);
      MappedByteBuffer m = window(w);
      int pos = (int) (byteOffset - ((long) w << windowBits));
      int n = Math.min(count, (m.limit() - pos) / bytes);
      if (bytes == 2) {
        for (int i = 0; i < n; i++) {
          dst[offset + i] = m.getShort(pos + 2 * i) & 0xFFFF;
        }
      } else {
        for (int i = 0; i < n; i++) {
          dst[offset + i] = m.getInt(pos + 4 * i);
        }
      }
      count -= n;
      offset += n;
      byteOffset += (long) n * bytes;
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
              + index + " (byte offset " + index * dtype.bytes() + ")");
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
