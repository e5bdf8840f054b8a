package dev.datamix.corpus.prepare;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes UTF-8 bytes and counts what is not UTF-8: each malformed byte sequence becomes one
 * U+FFFD, exactly as Java's replacing decoder does, and is counted, so the text is the same as a
 * replacing reader's and the count says how much of it was invented. For sources whose text
 * arrives as byte strings (text lines, Arrow and Parquet string columns). Not thread-safe: one
 * decoder per reading thread.
 */
public final class Utf8Decoder {
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);
  private long invalid;

  /** The text of {@code bytes[offset, offset + length)}. */
  public String decode(byte[] bytes, int offset, int length) {
    invalid = 0;
    boolean ascii = true;
    for (int i = offset; i < offset + length && ascii; i++) {
      ascii = bytes[i] >= 0;
    }
    if (ascii) {
      return new String(bytes, offset, length, StandardCharsets.US_ASCII);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
    CharBuffer chars = CharBuffer.allocate(length); // never more chars than bytes
    decoder.reset();
    while (true) {
      CoderResult r = decoder.decode(in, chars, true);
      if (r.isError()) {
        invalid++;
        chars.put('\uFFFD');
        in.position(in.position() + r.length());
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

  /** Malformed UTF-8 sequences in the text last decoded (each became one U+FFFD). */
  public long invalid() {
    return invalid;
  }
}
