package dev.datamix.state;

/**
 * A saved state (snapshot or checkpoint) cannot be restored: it is corrupt, of a newer format, or
 * was written for other domains, another policy or another configuration. The message states what
 * was expected and what was found.
 */
public class IncompatibleStateException extends RuntimeException {
  /** An exception with a message stating expected vs found. */
  public IncompatibleStateException(String message) {
    super(message);
  }

  /** An exception with a message and the underlying cause. */
  public IncompatibleStateException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Throws unless {@code expected} equals {@code found}, naming {@code what} and both values. JSON
   * trees are compared by their text, so {@code 5} read back from a file equals a written
   * {@code 5L}.
   */
  public static void check(String what, Object expected, Object found) {
    boolean same = expected instanceof com.fasterxml.jackson.databind.JsonNode
        && found instanceof com.fasterxml.jackson.databind.JsonNode
        ? expected.toString().equals(found.toString())
        : java.util.Objects.equals(expected, found);
    if (!same) {
      throw new IncompatibleStateException(
          "incompatible state: " + what + " expected " + expected + " but found " + found);
    }
  }
}
