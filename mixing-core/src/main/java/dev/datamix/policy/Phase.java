package dev.datamix.policy;

/**
 * A training phase (continual pre-training): a stretch of steps on one data set, after which the
 * trainer may rewarm the learning rate and reset the optimizer.
 *
 * @param index 0 for the first phase
 * @param name the phase's name
 * @param startStep first step of the phase
 * @param resetOptimizer whether the trainer should reset optimizer state when the phase starts
 * @see <a href="https://arxiv.org/abs/2403.08763">Ibrahim et al., Simple and Scalable Strategies
 *     to Continually Pre-train Large Language Models, TMLR 2024</a>
 */
public record Phase(int index, String name, long startStep, boolean resetOptimizer) {
  /** The one phase of a policy that has no phases. */
  public static final Phase SINGLE = new Phase(0, "main", 0, false);

  /** Validates the fields. */
  public Phase {
    if (index < 0) {
      throw new IllegalArgumentException("phase index must be >= 0, got " + index);
    }
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("phase name must be non-blank, got '" + name + "'");
    }
    if (startStep < 0) {
      throw new IllegalArgumentException("phase startStep must be >= 0, got " + startStep);
    }
  }
}
