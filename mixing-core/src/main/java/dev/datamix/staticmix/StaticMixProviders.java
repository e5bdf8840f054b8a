package dev.datamix.staticmix;

import dev.datamix.config.ConfigKey;
import dev.datamix.config.ConfigSchema;
import dev.datamix.config.PolicyConfig;
import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixture;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.policy.MixingPolicyProvider;
import dev.datamix.policy.PolicyContext;
import java.util.List;
import java.util.Map;

/**
 * Providers of the static mixes (ALGORITHMS.md §1): {@code explicit}, {@code proportional},
 * {@code temperature} and {@code uniform}.
 */
public final class StaticMixProviders {
  private StaticMixProviders() {}

  static final ConfigKey<String> UNIT = ConfigKey.choice("unit", "tokens",
      "size measure of a domain: its training tokens or its blocks", "tokens", "blocks");

  static double[] sizes(List<Domain> domains, String unit) {
    double[] s = new double[domains.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = unit.equals("blocks") ? domains.get(i).blocks() : domains.get(i).tokens();
    }
    return s;
  }

  /** The natural mix: weights proportional to each domain's training tokens. */
  public static Mixture proportionalToTokens(List<Domain> domains) {
    return temperatureMixture(Domain.names(domains), sizes(domains, "tokens"), 1.0);
  }

  /**
   * Temperature weights {@code w_i ∝ size_i^(1/τ)}, computed in log space so that huge sizes and
   * large {@code τ} stay exact; {@code τ = ∞} is uniform.
   */
  public static Mixture temperatureMixture(List<String> names, double[] sizes, double tau) {
    double[] logs = new double[sizes.length];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < sizes.length; i++) {
      logs[i] = Double.isInfinite(tau) ? 0 : Math.log(sizes[i]) / tau;
      max = Math.max(max, logs[i]);
    }
    double[] w = new double[sizes.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = Math.exp(logs[i] - max);
    }
    return Mixture.normalise(names, w);
  }

  /** {@code explicit}: user-given weights, normalised. */
  public static final class Explicit implements MixingPolicyProvider {
    static final ConfigKey<Map<String, Double>> WEIGHTS = ConfigKey.custom("weights",
        "object of domain -> number >= 0", null,
        "raw weight of every domain (normalised to sum 1; 0 excludes a domain)",
        WeightsConfig::read, WeightsConfig::write);
    private static final ConfigSchema SCHEMA = ConfigSchema.of("explicit", List.of(WEIGHTS));

    @Override
    public String name() {
      return "explicit";
    }

    @Override
    public String description() {
      return "Fixed user-given weights, normalised (static baseline).";
    }

    @Override
    public ConfigSchema configSchema() {
      return SCHEMA;
    }

    @Override
    public MixingPolicy create(PolicyContext context, PolicyConfig config) {
      Mixture m = WeightsConfig.toMixture("weights", config.get(WEIGHTS), context.domainNames());
      return new StaticMixPolicy(name(), context, config, m);
    }
  }

  /** {@code proportional}: {@code w_i ∝ size_i}, the natural mix. */
  public static final class Proportional implements MixingPolicyProvider {
    private static final ConfigSchema SCHEMA = ConfigSchema.of("proportional", List.of(UNIT));

    @Override
    public String name() {
      return "proportional";
    }

    @Override
    public String description() {
      return "Weights proportional to domain size: the natural mix (static baseline).";
    }

    @Override
    public ConfigSchema configSchema() {
      return SCHEMA;
    }

    @Override
    public MixingPolicy create(PolicyContext context, PolicyConfig config) {
      Mixture m = temperatureMixture(context.domainNames(),
          sizes(context.domains(), config.get(UNIT)), 1.0);
      return new StaticMixPolicy(name(), context, config, m);
    }
  }

  /** {@code temperature}: {@code w_i ∝ size_i^(1/τ)}. */
  public static final class Temperature implements MixingPolicyProvider {
    static final ConfigKey<Double> TEMPERATURE = ConfigKey.number("temperature", null,
        "τ in w ∝ size^(1/τ): 1 = proportional, larger flattens toward uniform",
        t -> t > 0, "> 0");
    private static final ConfigSchema SCHEMA =
        ConfigSchema.of("temperature", List.of(TEMPERATURE, UNIT));

    @Override
    public String name() {
      return "temperature";
    }

    @Override
    public String description() {
      return "Temperature-scaled sizes w ∝ size^(1/τ) (as in multilingual sampling; static).";
    }

    @Override
    public ConfigSchema configSchema() {
      return SCHEMA;
    }

    @Override
    public MixingPolicy create(PolicyContext context, PolicyConfig config) {
      Mixture m = temperatureMixture(context.domainNames(),
          sizes(context.domains(), config.get(UNIT)), config.get(TEMPERATURE));
      return new StaticMixPolicy(name(), context, config, m);
    }
  }

  /** {@code uniform}: equal weights, the stratified baseline (τ → ∞). */
  public static final class Uniform implements MixingPolicyProvider {
    private static final ConfigSchema SCHEMA = ConfigSchema.of("uniform", List.of());

    @Override
    public String name() {
      return "uniform";
    }

    @Override
    public String description() {
      return "Equal weight per domain: stratified sampling, the baseline Aioli (2024) finds "
          + "most online methods fail to beat.";
    }

    @Override
    public ConfigSchema configSchema() {
      return SCHEMA;
    }

    @Override
    public MixingPolicy create(PolicyContext context, PolicyConfig config) {
      return new StaticMixPolicy(name(), context, config, Mixture.uniform(context.domainNames()));
    }
  }
}
