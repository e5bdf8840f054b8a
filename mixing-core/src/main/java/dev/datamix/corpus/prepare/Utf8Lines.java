package dev.datamix.corpus.prepare;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads UTF-8 text line by line and counts what is not UTF-8. A line ends at {@code \n}, {@code
 * \r} or {@code \r\n}, as in {@link java.io.BufferedReader#readLine()}. Each malformed byte
 * sequence becomes one U+FFFD, exactly as Java's replacing decoder does, and is counted: the
 * text is the same as a replacing reader's, and the count says how much of it was invented.
 * Neither {@code \n} nor {@code \r} can occur inside a UTF-8 sequence, so splitting bytes into
 * lines first changes nothing.
 */
final class Utf8Lines implements Closeable {
  private final InputStream in;
  private final byte[] buffer = new byte[1 << 16];
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);
  private byte[] line = new byte[256];
  private int length;
  private int position;
  private int limit;
  private boolean skipLineFeed;
  private long lineNumber;
  private long lineInvalid;

  Utf8Lines(InputStream in) {
    this.in = in;
  }

  /** The next line without its terminator, or null at the end. */
  String readLine() throws IOException {
    length = 0;
    boolean any = false;
    while (true) {
      if (position == limit) {
        limit = in.read(buffer, 0, buffer.length);
        position = 0;
        if (limit <= 0) {
          limit = 0;
          if (!any) {
            return null;
          }
          break;
        }
      }
      byte b = buffer[position++];
      if (skipLineFeed) {
        skipLineFeed = false;
        if (b == '\n') {
          continue;
        }
      }
      any = true;
      if (b == '\n') {
        break;
      }
      if (b == '\r') {
        skipLineFeed = true;
        break;
      }
      if (length == line.length) {
        line = Arrays.copyOf(line, line.length * 2);
      }
      line[length++] = b;
    }
    lineNumber++;
    return decode();
  }

  /** Malformed UTF-8 sequences in the line last read (each became one U+FFFD). */
  long lineInvalid() {
    return lineInvalid;
  }

  /** The 1-based number of the line last read. */
  long lineNumber() {
    return lineNumber;
  }

  private String decode() {
    lineInvalid = 0;
    boolean ascii = true;
    for (int i = 0; i < length && ascii; i++) {
      ascii = line[i] >= 0;
    }
    if (ascii) {
      return new String(line, 0, length, StandardCharsets.US_ASCII);
    }
    ByteBuffer bytes = ByteBuffer.wrap(line, 0, length);
    CharBuffer chars = CharBuffer.allocate(length); // never more chars than bytes
    decoder.reset();
    while (true) {
      CoderResult r = decoder.decode(bytes, chars, true);
      if (r.isError()) {
        lineInvalid++;
        chars.put('\uFFFD');
        bytes.position(bytes.position() + r.length());
      } else if (r.isUnderflow()) {
        decoder.flush(chars);
        break;
      } else {
        throw new IllegalStateException("UTF-8 decoding overflowed a buffer of " + length);
      }
    }
    chars.flip();
    return chars.toString();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
