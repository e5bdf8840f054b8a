package dev.datamix.corpus;

import java.util.Locale;

/**
 * The integer type of tokens in a token file: flat little-endian arrays. A datamix corpus writes
 * {@link #UINT16} or {@link #UINT32} (the layout nanoGPT writes); the other types are read from
 * Megatron indexed datasets, whose {@code .idx} names one of them by a numeric code ({@link
 * #megatronCode()}, from {@code megatron/core/datasets/indexed_dataset.py}).
 */
public enum TokenDtype {
  /** Unsigned 8-bit (Megatron code 1). */
  UINT8(1, 1L << 8, 1),
  /** Signed 8-bit; negative values are not token ids (Megatron code 2). */
  INT8(1, 1L << 7, 2),
  /** Signed 16-bit; negative values are not token ids (Megatron code 3). */
  INT16(2, 1L << 15, 3),
  /** Unsigned 16-bit: vocabularies up to 65,536 tokens (GPT-2's 50,257 fits; Megatron code 8). */
  UINT16(2, 1L << 16, 8),
  /** Signed 32-bit: Megatron's choice for vocabularies of 65,500 tokens or more (code 4). */
  INT32(4, 1L << 31, 4),
  /** Unsigned 32-bit, read as non-negative {@code int}: vocabularies up to 2^31 tokens. */
  UINT32(4, 1L << 31, 0),
  /** Signed 64-bit; a value that does not fit an {@code int} is an error when read (code 5). */
  INT64(8, 1L << 31, 5);

  private final int bytes;
  private final long maxVocab;
  private final int megatronCode;

  TokenDtype(int bytes, long maxVocab, int megatronCode) {
    this.bytes = bytes;
    this.maxVocab = maxVocab;
    this.megatronCode = megatronCode;
  }

  /** Bytes per token. */
  public int bytes() {
    return bytes;
  }

  /** The largest vocabulary this type can hold. */
  public long maxVocab() {
    return maxVocab;
  }

  /** The code a Megatron {@code .idx} file gives this type, or 0 if Megatron has none. */
  public int megatronCode() {
    return megatronCode;
  }

  /** The smallest type a datamix corpus writes that holds {@code vocabSize} token ids. */
  public static TokenDtype forVocab(int vocabSize) {
    return vocabSize <= UINT16.maxVocab ? UINT16 : UINT32;
  }

  /** The manifest spelling, for example {@code "uint16"}. */
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
    throw new IllegalArgumentException("dtype must be one of uint8, int8, int16, uint16, int32, "
        + "uint32, int64, got '" + id + "'");
  }
}
