package dev.datamix.cli;

import dev.datamix.testkit.Console;

/** Runs the command line in-process and captures its exit code, standard output and error. */
record CliRun(int code, String out, String err) {

  static CliRun of(String... args) {
    Console.Captured<Integer> c;
    try {
      c = Console.capture(() -> Datamix.run(args));
    } catch (Exception e) {
      throw new AssertionError("Datamix.run handles every exception itself", e);
    }
    return new CliRun(c.value(), c.out(), c.err());
  }
}
