package dev.datamix.sampler;

/**
 * Settings of a {@link MixtureSampler}.
 *
 * @param seed root of every random choice the sampler makes
 * @param maxRepetitionRatio the most blocks a domain may serve, as a multiple of its block count
 *     (like OLMo-core's {@code max_repetition_ratio}); {@code 0} means no cap. When a domain
 *     reaches it, the domain is exhausted and its weight goes to the other domains.
 * @param allocation how a draw call's blocks are shared among the domains
 * @param maxEpochs per-domain repetition caps by domain name, overriding {@code
 *     maxRepetitionRatio} for those domains (the {@code maxEpochs} of Megatron-LM's and
 *     MosaicML Streaming's users); {@code 0} means no cap for that domain
 */
public record SamplerOptions(long seed, double maxRepetitionRatio, Allocation allocation,
    java.util.Map<String, Double> maxEpochs) {
  /**
   * How the domains of a draw call are chosen.
   */
  public enum Allocation {
    /**
     * Each draw's domain is an independent alias-method draw keyed by {@code (seed, step,
     * draw)}: a batch's composition is multinomial, the mixture holds in expectation.
     */
    RANDOM,
    /**
     * Each draw call gets the mixture's counts exactly, within one block per domain: {@code
     * floor(w_d·n)} blocks each, the seats left over by systematic sampling of the remainders
     * (a keyed offset, the domains in a keyed order), so each domain gets the floor or the
     * ceiling of its quota and, over the steps, exactly its share in expectation; the positions
     * are then shuffled by a keyed permutation (OLMo-core and Megatron's blended datasets also
     * give per-batch counts; largest-remainder seating, Hamilton's rule, would starve a domain
     * whose quota is always below the others' remainders). A step drawn in several calls is exact
     * per call.
     */
    EXACT,
    /**
     * As {@link #RANDOM}, each draw's domain an independent keyed draw, but from a table over
     * groups of 16 domains ({@link GroupedAliasTable}: one lookup per level, four at K =
     * 65,536) that a change of {@code m} weights rebuilds in {@code O(m · 16 · levels)} instead
     * of {@code O(K)}: for many domains whose weights move a few at a time ({@link LiveWeights}).
     * A mixture handed in whole is still read whole (O(K)), and only its changed weights rebuild
     * groups. Its random stream differs from {@code RANDOM}'s.
     */
    GROUPED
  }

  /** Validates the caps. */
  public SamplerOptions {
    if (!(maxRepetitionRatio >= 0) || Double.isInfinite(maxRepetitionRatio)) {
      throw new IllegalArgumentException(
          "maxRepetitionRatio must be finite and >= 0 (0 = no cap), got " + maxRepetitionRatio);
    }
    if (allocation == null) {
      throw new IllegalArgumentException("allocation must be RANDOM, EXACT or GROUPED, got null");
    }
    maxEpochs = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(maxEpochs));
    for (java.util.Map.Entry<String, Double> e : maxEpochs.entrySet()) {
      if (!(e.getValue() >= 0) || Double.isInfinite(e.getValue())) {
        throw new IllegalArgumentException("maxEpochs of domain '" + e.getKey()
            + "' must be finite and >= 0 (0 = no cap), got " + e.getValue());
      }
    }
  }

  /** Options without per-domain caps. */
  public SamplerOptions(long seed, double maxRepetitionRatio, Allocation allocation) {
    this(seed, maxRepetitionRatio, allocation, java.util.Map.of());
  }

  /** Options with {@link Allocation#RANDOM} draws. */
  public SamplerOptions(long seed, double maxRepetitionRatio) {
    this(seed, maxRepetitionRatio, Allocation.RANDOM);
  }

  /** The repetition cap of domain {@code name}: its {@code maxEpochs}, else the global ratio. */
  public double capOf(String name) {
    Double own = maxEpochs.get(name);
    return own != null ? own : maxRepetitionRatio;
  }

  /** These options with per-domain caps. */
  public SamplerOptions withMaxEpochs(java.util.Map<String, Double> caps) {
    return new SamplerOptions(seed, maxRepetitionRatio, allocation, caps);
  }

  /** Options with {@code seed}, no repetition cap and random draws. */
  public static SamplerOptions seed(long seed) {
    return new SamplerOptions(seed, 0);
  }

  /** These options with a repetition cap. */
  public SamplerOptions withMaxRepetitionRatio(double ratio) {
    return new SamplerOptions(seed, ratio, allocation, maxEpochs);
  }

  /** These options with another allocation. */
  public SamplerOptions withAllocation(Allocation a) {
    return new SamplerOptions(seed, maxRepetitionRatio, a, maxEpochs);
  }
}
