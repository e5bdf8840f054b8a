package dev.datamix.mixlaw;

/**
 * How a swarm's mixtures are sampled, after RegMix ({@code mixture_config/synthesize_mixture.py},
 * {@code generate_weights_dirichlet}, lines 116–186): each from {@code Dirichlet(strength·prior)}
 * with the prior the domains' token shares raised to {@code temperature} and renormalised, and
 * the strength log-uniform in {@code [minStrength, maxStrength]}; a draw that gives a domain more
 * than {@code maxEpochs} passes over its tokens within {@code budgetTokens} is rejected; weights
 * below {@code minWeight} are set to 0 and the rest renormalised.
 *
 * @param runs proxies to plan, {@code >= 2}
 * @param temperature exponent on the token prior, {@code > 0} (RegMix's {@code TEMP}: 0.5
 *     flattens a skewed prior; 1 keeps it)
 * @param minWeight weights below this become 0, in [0, 1)
 * @param maxEpochs passes over a domain's tokens allowed within {@code budgetTokens} (RegMix: 15)
 * @param budgetTokens the tokens the epoch cap applies to: the main run's, usually
 * @param minStrength the least Dirichlet concentration (RegMix: 0.1)
 * @param maxStrength the largest Dirichlet concentration (RegMix: 5)
 * @param seed the sampling seed
 */
public record SwarmOptions(int runs, double temperature, double minWeight, double maxEpochs,
    long budgetTokens, double minStrength, double maxStrength, long seed) {
  /** Validates every field, naming it. */
  public SwarmOptions {
    if (runs < 2) {
      throw new IllegalArgumentException("runs must be >= 2, got " + runs);
    }
    if (!(temperature > 0 && Double.isFinite(temperature))) {
      throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
    }
    if (!(minWeight >= 0 && minWeight < 1)) {
      throw new IllegalArgumentException("minWeight must be in [0, 1), got " + minWeight);
    }
    if (!(maxEpochs > 0)) {
      throw new IllegalArgumentException("maxEpochs must be > 0, got " + maxEpochs);
    }
    if (budgetTokens <= 0) {
      throw new IllegalArgumentException("budgetTokens must be > 0, got " + budgetTokens);
    }
    if (!(minStrength > 0 && maxStrength >= minStrength && Double.isFinite(maxStrength))) {
      throw new IllegalArgumentException("strengths must satisfy 0 < minStrength <= maxStrength,"
          + " got " + minStrength + " and " + maxStrength);
    }
  }

  /** RegMix's constants with {@code runs}, {@code budgetTokens} and {@code seed}. */
  public static SwarmOptions regmix(int runs, long budgetTokens, long seed) {
    return new SwarmOptions(runs, 1.0, 2e-4, 15, budgetTokens, 0.1, 5.0, seed);
  }
}
