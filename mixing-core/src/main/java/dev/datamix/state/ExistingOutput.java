package dev.datamix.state;

/**
 * What a command may do with an output directory that already holds work (a run, a corpus, a
 * fit, a shoot-out). Nothing is replaced or mixed unless the caller says so.
 */
public enum ExistingOutput {
  /** The default: an output directory that is not empty is an error. */
  REFUSE,
  /** Continue the work found there, after checking it was made with the same settings. */
  RESUME,
  /** Delete the work found there completely, then start again. */
  OVERWRITE
}
