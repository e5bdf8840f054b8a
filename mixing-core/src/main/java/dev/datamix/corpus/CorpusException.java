package dev.datamix.corpus;

/**
 * A corpus on disk is unusable: a missing or truncated shard, a token id outside the vocabulary, a
 * malformed manifest, a split too small for a batch. The message names the file and, where there is
 * one, the offset.
 */
public class CorpusException extends RuntimeException {
  /** An exception with a message naming file and offset. */
  public CorpusException(String message) {
    super(message);
  }

  /** An exception with a message and a cause. */
  public CorpusException(String message, Throwable cause) {
    super(message, cause);
  }
}
