package dev.datamix.benchmarks.evidence;

import dev.datamix.shootout.Shootout;
import dev.datamix.shootout.ShootoutReport;
import dev.datamix.shootout.ShootoutSpec;

import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code --name value} options of the evidence harnesses. */
final class EvidenceArgs {
  private final Map<String, String> values = new LinkedHashMap<>();

  EvidenceArgs(String[] args) {
    if (args.length % 2 != 0) {
      throw new IllegalArgumentException(
          "options come as --name value pairs, got an odd count: " + String.join(" ", args));
    }
    for (int i = 0; i < args.length; i += 2) {
      values.put(args[i], args[i + 1]);
    }
  }

  /** The value of {@code name}, or an error naming it. */
  String require(String name) {
    String v = values.get(name);
    if (v == null) {
      throw new IllegalArgumentException(name + " is required");
    }
    return v;
  }

  /** Whether {@code name} was given. */
  boolean has(String name) {
    return values.containsKey(name);
  }

  /** The value of {@code name}, or {@code fallback}. */
  String get(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }
}
