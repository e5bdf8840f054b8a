package dev.datamix.tokenizer;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns text into token ids and back. Implementations never fetch anything at run time.
 * Thread-safe. Implementations: {@link ByteTokenizer}, {@link BpeTokenizer} (GPT-2-style BPE
 * through jtokkit), and any Hugging Face {@code tokenizer.json} through a {@link
 * TokenizerProvider} ({@code mixing-djl}).
 */
public interface Tokenizer {

  /** Short name, for example {@code "byte"} or {@code "bpe:gpt2-k1792"}. */
  String name();

  /** Number of token ids, specials included. */
  int vocabSize();

  /** The end-of-text token that separates documents. */
  int eotToken();

  /**
   * The ids of {@code text}, without special tokens added around it. The byte and jtokkit BPE
   * tokenizers encode special-token strings in the text as ordinary text; the Hugging Face
   * tokenizer matches its added tokens in the text, as the {@code tokenizers} library does.
   */
  int[] encode(String text);

  /** The text of tokens {@code [from, to)}; the end-of-text token decodes to {@code <|endoftext|>}. */
  String decode(int[] tokens, int from, int to);

  /**
   * The UTF-8 bytes of the text tokens {@code [from, to)} stand for, end-of-text tokens left out:
   * what a corpus records per split so losses convert to bits per byte. The default decodes each
   * run between end-of-text tokens.
   */
  default long textBytes(int[] tokens, int from, int to) {
    long bytes = 0;
    int start = from;
    for (int i = from; i <= to; i++) {
      if (i == to || tokens[i] == eotToken()) {
        if (i > start) {
          bytes += decode(tokens, start, i).getBytes(java.nio.charset.StandardCharsets.UTF_8)
              .length;
        }
        start = i + 1;
      }
    }
    return bytes;
  }

  /** What a corpus manifest records to identify and reload this tokenizer. */
  ObjectNode spec();

  /**
   * The file this tokenizer was loaded from, which a corpus keeps a copy of (its spec names it),
   * or empty for a tokenizer without one.
   */
  default java.util.Optional<java.nio.file.Path> file() {
    return java.util.Optional.empty();
  }
}
