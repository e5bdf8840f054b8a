package dev.datamix.dga;

import dev.datamix.config.ConfigKey;
import dev.datamix.config.PolicyConfig;
import dev.datamix.mixture.Mixture;
import dev.datamix.mixture.Mixtures;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.policy.MixingPolicyProvider;
import dev.datamix.policy.PolicyContext;
import dev.datamix.staticmix.StaticMixPolicy;
import dev.datamix.mixture.WeightsConfig;
import java.util.List;
import java.util.Map;

/**
 * Importance sampling toward a target: fixed weights {@code w_i ∝ s_i^(1/τ)} from a per-domain
 * score {@code s_i} of how target-like the domain is — the static baseline DGA is compared with.
 * {@link TargetSimilarity} estimates the scores from the data.
 *
 * @see <a href="https://arxiv.org/abs/2410.02498">Fan, Grangier and Ablin, 2024 (importance
 *     sampling baseline)</a>
 */
public final class ImportancePolicy {
  private ImportancePolicy() {}

  /** {@code importance}: the registered provider. */
  public static final class Provider extends MixingPolicyProvider.Defined {
    static final ConfigKey<Map<String, Double>> SCORES = ConfigKey.custom("scores",
        "object of domain -> number >= 0", null,
        "how target-like each domain is (for example TargetSimilarity scores)",
        WeightsConfig::read, WeightsConfig::write);
    static final ConfigKey<Double> TEMPERATURE = ConfigKey.number("temperature", 1.0,
        "τ in w ∝ score^(1/τ)", v -> v > 0, "> 0");

    /** Registered through {@code META-INF/services}. */
    public Provider() {
      super("importance",
          "Importance sampling toward a target: fixed weights ∝ score^(1/τ) (DGA's baseline).",
          List.of(SCORES, TEMPERATURE), Provider::make);
    }

    private static MixingPolicy make(String name, PolicyContext context,
        PolicyConfig config) {
      Mixture raw = WeightsConfig.toMixture("scores", config.get(SCORES),
          context.domainNames());
      return new StaticMixPolicy(name, context, config, Mixtures.temperature(
          context.domainNames(), raw.toArray(), config.get(TEMPERATURE)));
    }
  }
}
