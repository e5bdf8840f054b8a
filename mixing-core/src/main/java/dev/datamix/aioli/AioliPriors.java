package dev.datamix.aioli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.mixture.Mixture;
import dev.datamix.mixture.MixtureChoice;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.policy.PolicyContext;
import dev.datamix.policy.PolicyRegistry;

/** How Aioli's config reads its {@code ema} and its restricted mode's {@code prior}. */
final class AioliPriors {
  private AioliPriors() {}

  static double readEma(JsonNode n) {
    if (n.isTextual() && n.asText().equals("none")) {
      return Double.NaN;
    }
    if (n.isNumber() && n.asDouble() >= 0 && n.asDouble() < 1) {
      return n.asDouble();
    }
    throw new IllegalArgumentException("must be a number in [0, 1) or \"none\"");
  }

  static JsonNode readPrior(JsonNode n) {
    if (n.isObject() && n.has("policy")) {
      if (!n.get("policy").isTextual()) {
        throw new IllegalArgumentException("a prior policy spec needs a \"policy\" name");
      }
      return n.deepCopy();
    }
    try {
      return MixtureChoice.read(n);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + ", or a static policy spec "
          + "{\"policy\": ..., \"config\": ...}", e);
    }
  }

  /**
   * The prior's mixture over the context's domains: a mix choice, or the step-0 mixture of a
   * static policy spec (one that asks for no signal, such as {@code explicit}).
   */
  static Mixture resolvePrior(JsonNode prior, PolicyContext context) {
    if (prior.isObject() && prior.has("policy")) {
      MixingPolicy p;
      try {
        p = PolicyRegistry.load().create(context, prior);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("prior " + prior + ": " + e.getMessage(), e);
      }
      if (!p.possibleSignals().isEmpty()) {
        throw new IllegalArgumentException("prior policy '" + p.name() + "' asks for "
            + p.possibleSignals() + ": the prior must be a static mix, for instance the "
            + "explicit spec another method wrote");
      }
      return p.mixture(0);
    }
    return MixtureChoice.resolve("prior", prior, context.domains());
  }
}
