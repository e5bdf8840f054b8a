package dev.datamix.corpus;

/** The three splits of every domain of a corpus. */
public enum Split {
  /** Training data: what the sampler draws from. */
  TRAIN("train"),
  /** Held-out data for signals (held-out loss) and model selection. */
  VALIDATION("val"),
  /** Held-out data for the final report only. */
  TEST("test");

  private final String id;

  Split(String id) {
    this.id = id;
  }

  /** The manifest and file-name spelling: {@code train}, {@code val}, {@code test}. */
  public String id() {
    return id;
  }

  /**
   * Parses a spelling; {@code validation} and {@code valid} are accepted for {@code val}.
   *
   * @throws IllegalArgumentException naming the value
   */
  public static Split fromId(String id) {
    switch (id) {
      case "train":
        return TRAIN;
      case "val":
      case "valid":
      case "validation":
        return VALIDATION;
      case "test":
        return TEST;
      default:
        throw new IllegalArgumentException(
            "split must be one of train, val, test, got '" + id + "'");
    }
  }
}
