package dev.datamix.state;

import java.nio.file.Path;

/**
 * An output directory already holds work, and the caller did not say to resume or overwrite it;
 * or it holds something that is not datamix's, which is never deleted. Nothing was changed.
 */
public class OutputExistsException extends IllegalStateException {
  private final String situation;
  private final Path directory;
  private final boolean resumable;
  private final boolean ours;

  /**
   * @param situation states the directory and what it holds
   * @param remedy what the caller can do
   * @param directory the directory
   * @param resumable whether the work there can be resumed
   * @param ours whether the directory holds datamix's work (so overwriting may delete it)
   */
  public OutputExistsException(String situation, String remedy, Path directory,
      boolean resumable, boolean ours) {
    super(situation + "; " + remedy);
    this.situation = situation;
    this.directory = directory;
    this.resumable = resumable;
    this.ours = ours;
  }

  /** The directory and what it holds, without the remedy (for callers that name their own). */
  public String situation() {
    return situation;
  }

  /** The directory. */
  public Path directory() {
    return directory;
  }

  /** Whether the work found can be resumed. */
  public boolean resumable() {
    return resumable;
  }

  /** Whether the directory holds datamix's work (overwriting would delete it). */
  public boolean ours() {
    return ours;
  }
}
