package dev.datamix.tokenizer;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns text into token ids and back. Implementations never fetch anything at run time.
 * Thread-safe.
 */
public interface Tokenizer {

  /** Short name, for example {@code "byte"} or {@code "bpe:gpt2-k1792"}. */
  String name();

  /** Number of token ids, specials included. */
  int vocabSize();

  /** The end-of-text token that separates documents. */
  int eotToken();

  /** The ids of {@code text}; special-token strings in the text are encoded as ordinary text. */
  int[] encode(String text);

  /** The text of tokens {@code [from, to)}; the end-of-text token decodes to {@code <|endoftext|>}. */
  String decode(int[] tokens, int from, int to);

  /** What a corpus manifest records to identify and reload this tokenizer. */
  ObjectNode spec();
}
