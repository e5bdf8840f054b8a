package dev.datamix.djl.train;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where one step's time goes: each phase is charged the time since the previous lap, so a
 * policy's overhead is visible in {@code metrics.jsonl}'s {@code timeMs}.
 */
final class StepTimer {
  /** The phases of a step, with their {@code timeMs} keys. */
  enum Phase {
    /** Drawing the batch and assembling its tokens. */
    DATA("data"),
    /** The forward and backward passes. */
    FORWARD_BACKWARD("forwardBackward"),
    /** Gradient norm, clipping and the AdamW update. */
    OPTIMIZER("optimizer"),
    /** The policy's own decisions and observations. */
    POLICY("policy"),
    /** Gradient-alignment probes. */
    PROBES("probes"),
    /** Held-out evaluations. */
    EVAL("eval"),
    /** The reference model's forward pass, or its table lookups (DoReMi). */
    REFERENCE("reference");

    final String key;

    Phase(String key) {
      this.key = key;
    }
  }

  private final long start = System.nanoTime();
  private final long[] nanos = new long[Phase.values().length];
  private long mark = start;

  /** Charges the time since the last lap to {@code phase}. */
  void lap(Phase phase) {
    long now = System.nanoTime();
    nanos[phase.ordinal()] += now - mark;
    mark = now;
  }

  /** Writes {@code timeMs} (every phase and the total) into {@code line}; returns the total. */
  double writeTo(ObjectNode line) {
    ObjectNode tm = line.putObject("timeMs");
    for (Phase p : Phase.values()) {
      tm.put(p.key, nanos[p.ordinal()] / 1e6);
    }
    double total = (System.nanoTime() - start) / 1e6;
    tm.put("total", total);
    return total;
  }
}
