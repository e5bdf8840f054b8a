package dev.datamix.benchmarks.evidence;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.state.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

  /** {@code --seeds} (default {@code 1,2,3}). */
  List<Long> seeds() {
    return longs("--seeds", "1,2,3");
  }

  /** A comma-separated list of integers, {@code name}'s or {@code fallback}. */
  List<Long> longs(String name, String fallback) {
    List<Long> out = new ArrayList<>();
    for (String s : get(name, fallback).split(",")) {
      out.add(Long.parseLong(s.strip()));
    }
    return out;
  }

  /**
   * The trainer settings of the peers' and the mixing laws' real-text runs: {@code steps} × 16
   * blocks, warm-up {@code min(30, steps/2)}, peak learning rate 0.002 decaying to 0.0002, 16
   * held-out blocks per domain, over {@code --domains} (five generic domains by default).
   */
  ObjectNode realTextTrainer(long steps) {
    ObjectNode trainer = (ObjectNode) Json.parse("{\"batchSize\": 16, \"steps\": " + steps
        + ", \"warmupSteps\": " + Math.min(30, steps / 2) + ", \"peakLr\": 0.002, "
        + "\"minLr\": 0.0002, \"evalBlocksPerDomain\": 16}");
    ArrayNode train = trainer.putArray("trainDomains");
    for (String d : get("--domains", "prose,code_python,email,techdocs,dictionary").split(",")) {
      train.add(d.strip());
    }
    return trainer;
  }
}
