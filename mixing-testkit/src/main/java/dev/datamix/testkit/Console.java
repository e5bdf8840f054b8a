package dev.datamix.testkit;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs code with standard output and error captured (for tests of mains and commands). */
public final class Console {
  private Console() {}

  /** Code to run. */
  public interface Action<T> {
    /** Runs. */
    T run() throws Exception;
  }

  /**
   * What an action returned and printed.
   *
   * @param value its result
   * @param out what it wrote to standard output
   * @param err what it wrote to standard error
   */
  public record Captured<T>(T value, String out, String err) {}

  /** Runs {@code action} with {@code System.out} and {@code System.err} captured. */
  public static <T> Captured<T> capture(Action<T> action) throws Exception {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    try {
      T value = action.run();
      return new Captured<>(value, o.toString(StandardCharsets.UTF_8),
          e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }
}
