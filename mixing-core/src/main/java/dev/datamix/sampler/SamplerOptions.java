package dev.datamix.sampler;

/**
 * Settings of a {@link MixtureSampler}.
 *
 * @param seed root of every random choice the sampler makes
 * @param maxRepetitionRatio the most blocks a domain may serve, as a multiple of its block count
 *     (like OLMo-core's {@code max_repetition_ratio}); {@code 0} means no cap. When a domain
 *     reaches it, the domain is exhausted and its weight goes to the other domains.
 */
public record SamplerOptions(long seed, double maxRepetitionRatio) {
  /** Validates the cap. */
  public SamplerOptions {
    if (!(maxRepetitionRatio >= 0) || Double.isInfinite(maxRepetitionRatio)) {
      throw new IllegalArgumentException(
          "maxRepetitionRatio must be finite and >= 0 (0 = no cap), got " + maxRepetitionRatio);
    }
  }

  /** Options with {@code seed} and no repetition cap. */
  public static SamplerOptions seed(long seed) {
    return new SamplerOptions(seed, 0);
  }

  /** These options with a repetition cap. */
  public SamplerOptions withMaxRepetitionRatio(double ratio) {
    return new SamplerOptions(seed, ratio);
  }
}
