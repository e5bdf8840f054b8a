package dev.datamix.corpus.prepare;

import dev.datamix.corpus.Split;
import java.io.IOException;
import java.util.Optional;

/** A source of documents for one domain: a text file, a JSONL file, or documents in memory. */
public interface DocumentSource {

  /** Names the source in progress lines and error messages (usually a path). */
  String name();

  /** The split every document of this source belongs to, if the source is already split. */
  Optional<Split> fixedSplit();

  /** Approximate size in bytes, for progress reporting. */
  long sizeBytes();

  /**
   * Passes every document, in order, to {@code sink}.
   *
   * @throws IOException if reading fails
   * @throws IllegalArgumentException naming the source and line for malformed input
   */
  void forEach(DocumentSink sink) throws IOException;

  /** Receives documents. */
  @FunctionalInterface
  interface DocumentSink {
    /** Takes one document's text. */
    void accept(String document) throws IOException;

    /**
     * Takes one document's text read from bytes, of which {@code invalidUtf8} malformed UTF-8
     * sequences were replaced by U+FFFD, the first on line {@code firstInvalidLine} of the source
     * (0 if none). The default ignores the count.
     */
    default void accept(String document, long invalidUtf8, long firstInvalidLine)
        throws IOException {
      accept(document);
    }
  }
}
