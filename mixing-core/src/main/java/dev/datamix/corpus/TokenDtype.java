package dev.datamix.corpus;

import java.util.Locale;

/** The integer type of tokens in a shard: flat little-endian arrays, the layout nanoGPT writes. */
public enum TokenDtype {
  /** Unsigned 16-bit: vocabularies up to 65,536 tokens (GPT-2's 50,257 fits). */
  UINT16(2, 1L << 16),
  /** Unsigned 32-bit, read as non-negative {@code int}: vocabularies up to 2^31 tokens. */
  UINT32(4, 1L << 31);

  private final int bytes;
  private final long maxVocab;

  TokenDtype(int bytes, long maxVocab) {
    this.bytes = bytes;
    this.maxVocab = maxVocab;
  }

  /** Bytes per token. */
  public int bytes() {
    return bytes;
  }

  /** The largest vocabulary this type can hold. */
  public long maxVocab() {
    return maxVocab;
  }

  /** The smallest type that holds {@code vocabSize} token ids. */
  public static TokenDtype forVocab(int vocabSize) {
    return vocabSize <= UINT16.maxVocab ? UINT16 : UINT32;
  }

  /** The manifest spelling, {@code "uint16"} or {@code "uint32"}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses the manifest spelling.
   *
   * @throws IllegalArgumentException naming the value and the known ones
   */
  public static TokenDtype fromId(String id) {
    for (TokenDtype t : values()) {
      if (t.id().equals(id)) {
        return t;
      }
    }
    throw new IllegalArgumentException("dtype must be uint16 or uint32, got '" + id + "'");
  }
}
