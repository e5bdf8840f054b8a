package dev.datamix.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.config.ConfigKey;
import dev.datamix.policy.MixingPolicyProvider;
import dev.datamix.state.Json;
import java.util.List;

/**
 * A working config for every registered policy at any domain count, for the benchmarks and the
 * tests that run every policy: the defaults, plus values for required keys. A new policy with a
 * required key must get a case here, or they fail naming it.
 */
public final class SampleConfigs {
  private SampleConfigs() {}

  /** A config for {@code provider} over {@code domains}, its phases and segments of 500 steps. */
  public static JsonNode forPolicy(MixingPolicyProvider provider, List<String> domains) {
    return forPolicy(provider, domains, 1000);
  }

  /**
   * A config for {@code provider} over {@code domains} for a run of {@code steps} steps: the
   * continual plan's two phases and the piecewise mix's two segments take half of it each.
   */
  public static JsonNode forPolicy(MixingPolicyProvider provider, List<String> domains,
      long steps) {
    ObjectNode c = Json.object();
    if (provider.name().equals("velocitune")) {
      // exactly one of targetLosses / fits is needed; neither is "required" on its own
      ObjectNode t = c.putObject("targetLosses");
      domains.forEach(d -> t.put(d, 1.5));
      c.put("updateEvery", 10);
    }
    if (provider.name().equals("ado")) {
      // one fit early (at step 100), none after: the per-step path; refits are measured apart
      c.put("ignoreInitialSteps", 50).put("startStep", 100).put("refitEvery", 1_000_000_000L)
          .put("subsampling", 5);
    }
    if (provider.name().equals("aioli")) {
      // LearnParams must fit in a round: K one-step segments in rounds of 4·K steps
      c.put("lpSteps", 1).put("updateSteps", 4L * domains.size());
    }
    for (ConfigKey<?> key : provider.configSchema().keys()) {
      if (!key.required()) {
        continue;
      }
      String id = provider.name() + "." + key.name();
      switch (id) {
        case "explicit.weights" -> c.set("weights", weights(domains, 0));
        case "temperature.temperature" -> c.put("temperature", 2.0);
        case "importance.scores" -> c.set("scores", weights(domains, 2));
        case "continual.phases" -> {
          var phases = c.putArray("phases");
          int half = Math.max(1, domains.size() / 2);
          var a = phases.addObject().put("name", "A").put("steps", steps / 2);
          domains.subList(0, half).forEach(a.putArray("domains")::add);
          var b = phases.addObject().put("name", "B").put("steps", steps - steps / 2)
              .put("replay", 0.05);
          (half < domains.size() ? domains.subList(half, domains.size()) : domains)
              .forEach(b.putArray("domains")::add);
        }
        case "piecewise.segments" -> {
          var segments = c.putArray("segments");
          segments.addObject().put("startStep", 0).set("weights", weights(domains, 0));
          segments.addObject().put("startStep", steps / 2).set("weights", weights(domains, 1));
        }
        default -> throw new IllegalStateException("no sample value for required config key '"
            + key.name() + "' of policy '" + provider.name() + "'; add one to SampleConfigs");
      }
    }
    return c;
  }

  private static ObjectNode weights(List<String> domains, int shift) {
    ObjectNode w = Json.object();
    for (int i = 0; i < domains.size(); i++) {
      w.put(domains.get(i), 1 + (i + shift) % 5);
    }
    return w;
  }
}
