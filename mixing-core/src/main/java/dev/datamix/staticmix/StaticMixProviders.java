package dev.datamix.staticmix;

import dev.datamix.config.ConfigKey;
import dev.datamix.config.PolicyConfig;
import dev.datamix.mixture.Mixture;
import dev.datamix.mixture.WeightsConfig;
import dev.datamix.mixture.Mixtures;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.policy.MixingPolicyProvider;
import dev.datamix.policy.PolicyContext;
import java.util.List;
import java.util.Map;

/**
 * Providers of the static mixes (docs/algorithms.md §1): {@code explicit}, {@code proportional},
 * {@code temperature} and {@code uniform}.
 */
public final class StaticMixProviders {
  private StaticMixProviders() {}

  static final ConfigKey<String> UNIT = ConfigKey.choice("unit", "tokens",
      "size measure of a domain: its training tokens or its blocks", "tokens", "blocks");

  /** {@code explicit}: user-given weights, normalised. */
  public static final class Explicit extends MixingPolicyProvider.Defined {
    static final ConfigKey<Map<String, Double>> WEIGHTS = ConfigKey.custom("weights",
        "object of domain -> number >= 0", null,
        "raw weight of every domain (normalised to sum 1; 0 excludes a domain)",
        WeightsConfig::read, WeightsConfig::write);

    /** Registered through {@code META-INF/services}. */
    public Explicit() {
      super("explicit", "Fixed user-given weights, normalised (static baseline).",
          List.of(WEIGHTS), Explicit::make);
    }

    private static MixingPolicy make(String name, PolicyContext context,
        PolicyConfig config) {
      Mixture m = WeightsConfig.toMixture("weights", config.get(WEIGHTS), context.domainNames());
      return new StaticMixPolicy(name, context, config, m);
    }
  }

  /** {@code proportional}: {@code w_i ∝ size_i}, the natural mix. */
  public static final class Proportional extends MixingPolicyProvider.Defined {

    /** Registered through {@code META-INF/services}. */
    public Proportional() {
      super("proportional",
          "Weights proportional to domain size: the natural mix (static baseline).",
          List.of(UNIT), Proportional::make);
    }

    private static MixingPolicy make(String name, PolicyContext context,
        PolicyConfig config) {
      Mixture m = Mixtures.temperature(context.domainNames(),
          Mixtures.sizes(context.domains(), config.get(UNIT)), 1.0);
      return new StaticMixPolicy(name, context, config, m);
    }
  }

  /** {@code temperature}: {@code w_i ∝ size_i^(1/τ)}. */
  public static final class Temperature extends MixingPolicyProvider.Defined {
    static final ConfigKey<Double> TEMPERATURE = ConfigKey.number("temperature", null,
        "τ in w ∝ size^(1/τ): 1 = proportional, larger flattens toward uniform",
        t -> t > 0, "> 0");

    /** Registered through {@code META-INF/services}. */
    public Temperature() {
      super("temperature",
          "Temperature-scaled sizes w ∝ size^(1/τ) (as in multilingual sampling; static).",
          List.of(TEMPERATURE, UNIT), Temperature::make);
    }

    private static MixingPolicy make(String name, PolicyContext context,
        PolicyConfig config) {
      Mixture m = Mixtures.temperature(context.domainNames(),
          Mixtures.sizes(context.domains(), config.get(UNIT)), config.get(TEMPERATURE));
      return new StaticMixPolicy(name, context, config, m);
    }
  }

  /** {@code uniform}: equal weights, the stratified baseline (τ → ∞). */
  public static final class Uniform extends MixingPolicyProvider.Defined {

    /** Registered through {@code META-INF/services}. */
    public Uniform() {
      super("uniform",
          "Equal weight per domain: stratified sampling, the baseline Aioli (2024) finds "
          + "most online methods fail to beat.",
          List.of(), Uniform::make);
    }

    private static MixingPolicy make(String name, PolicyContext context,
        PolicyConfig config) {
      return new StaticMixPolicy(name, context, config, Mixture.uniform(context.domainNames()));
    }
  }
}
