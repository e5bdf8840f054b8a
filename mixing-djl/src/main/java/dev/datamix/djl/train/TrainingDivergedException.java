package dev.datamix.djl.train;

/** Training stopped: too many non-finite losses in a row. The message says how many and where. */
public class TrainingDivergedException extends RuntimeException {
  /** An exception with a message naming the steps and the setting to change. */
  public TrainingDivergedException(String message) {
    super(message);
  }
}
