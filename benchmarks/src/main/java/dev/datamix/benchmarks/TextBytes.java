package dev.datamix.benchmarks;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A JMH counter of UTF-8 text bytes processed, which JMH reports per second beside the primary
 * score (the {@code :bytes} rows of the ingestion and tokenizer tables).
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class TextBytes {
  /** UTF-8 bytes processed in the current iteration. */
  public long bytes;

  /** Starts each iteration's count from zero. */
  @Setup(Level.Iteration)
  public void reset() {
    bytes = 0;
  }
}
