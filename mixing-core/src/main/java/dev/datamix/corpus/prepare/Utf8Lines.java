package dev.datamix.corpus.prepare;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
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
  private final Utf8Decoder decoder = new Utf8Decoder();
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
    String text = decoder.decode(line, 0, length);
    lineInvalid = decoder.invalid();
    return text;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
