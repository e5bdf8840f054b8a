package dev.datamix.mixture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.datamix.config.ConfigKey;
import java.util.List;

/**
 * A config key whose value is a mixture: {@code "uniform"}, {@code "proportional"} (to tokens) or
 * an object of domain → weight (normalised). Used for a policy's starting, reference or prior
 * weights.
 */
public final class MixtureChoice {
  private MixtureChoice() {}

  /**
   * A key named {@code name}, defaulting to {@code defaultChoice} ({@code "uniform"} or {@code
   * "proportional"}).
   */
  public static ConfigKey<JsonNode> key(String name, String defaultChoice, String description) {
    return ConfigKey.custom(name, "\"uniform\", \"proportional\" or object of domain -> weight",
        TextNode.valueOf(defaultChoice), description, MixtureChoice::read, n -> n);
  }

  /**
   * Checks a value of such a key and returns a copy.
   *
   * @throws IllegalArgumentException saying what was expected
   */
  public static JsonNode read(JsonNode n) {
    if (n.isTextual() && (n.asText().equals("uniform") || n.asText().equals("proportional"))) {
      return n;
    }
    if (n.isObject()) {
      WeightsConfig.read(n);
      return n.deepCopy();
    }
    throw new IllegalArgumentException("must be \"uniform\", \"proportional\" or an object of "
        + "domain -> weight");
  }

  /** The mixture a value of such a key names over {@code domains}. */
  public static Mixture resolve(String key, JsonNode value, List<Domain> domains) {
    List<String> names = Domain.names(domains);
    if (value.isTextual()) {
      return value.asText().equals("uniform") ? Mixture.uniform(names)
          : Mixtures.proportionalToTokens(domains);
    }
    return WeightsConfig.toMixture(key, WeightsConfig.read(value), names);
  }
}
