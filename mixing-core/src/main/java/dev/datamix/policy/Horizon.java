package dev.datamix.policy;

import java.util.List;
import java.util.Objects;

/**
 * How a policy's decisions depend on the run's planned length ({@link PolicyContext#totalSteps()}),
 * which decides whether a resumed run may be given more (or fewer) steps. A run can be extended
 * when no decision already taken would have been different under the new length: a policy
 * {@link #independent() independent} of the horizon can always be extended; one whose config
 * keys derive from it (Velocitune's {@code tokenBudget} when left at 0) cannot, and says why.
 *
 * @param extendable whether the planned length may change on resume
 * @param keys the config keys whose effect depends on the planned length
 * @param reason why the length may not change (empty when extendable)
 */
public record Horizon(boolean extendable, List<String> keys, String reason) {

  /** Validates and copies. */
  public Horizon {
    keys = List.copyOf(keys);
    Objects.requireNonNull(reason, "reason");
    if (!extendable && reason.isBlank()) {
      throw new IllegalArgumentException("a horizon that cannot be extended needs a reason");
    }
  }

  /** No decision depends on the planned length. */
  public static Horizon independent() {
    return new Horizon(true, List.of(), "");
  }

  /**
   * Decisions depend on the planned length through {@code keys}; changing it would change
   * decisions already taken.
   */
  public static Horizon dependsOn(String reason, String... keys) {
    return new Horizon(false, List.of(keys), reason);
  }

  /** The conservative answer of a policy that does not declare its horizon. */
  public static Horizon undeclared(String policyName) {
    return new Horizon(false, List.of(), "policy '" + policyName + "' does not declare whether "
        + "its decisions depend on the planned number of steps (MixingPolicy.horizon())");
  }

  /** The horizon of a policy that runs {@code inner} policies: extendable only if all are. */
  public static Horizon of(Horizon own, List<Horizon> inner) {
    for (Horizon h : inner) {
      if (!h.extendable()) {
        return h;
      }
    }
    return own;
  }
}
