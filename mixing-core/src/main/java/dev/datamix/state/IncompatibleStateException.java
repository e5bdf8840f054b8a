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

  /** Throws unless {@code expected.equals(found)}, naming {@code what} and both values. */
  public static void check(String what, Object expected, Object found) {
    if (!java.util.Objects.equals(expected, found)) {
      throw new IncompatibleStateException(
          "incompatible state: " + what + " expected " + expected + " but found " + found);
    }
  }
}
