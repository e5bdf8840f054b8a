package dev.datamix.lfr;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.config.ConfigKey;
import dev.datamix.config.PolicyConfig;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.policy.MixingPolicyProvider;
import dev.datamix.policy.PolicyContext;
import dev.datamix.policy.PolicyRegistry;
import dev.datamix.state.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code lfr}: the registered provider of {@link LfrPolicy}, with its config keys.
 *
 * @see <a href="https://arxiv.org/abs/2409.06131">Prakriya et al., Learn, Focus, Review: a data
 *     efficient curriculum for LLM pre-training, CoNLL 2025</a>
 */
public final class LfrProvider extends MixingPolicyProvider.Defined {
  static final String NAME = "lfr";
  static final ConfigKey<Double> P1 = ConfigKey.number("learnEpochs", 1.0,
      "p1: epochs of Learn over all blocks", v -> v > 0, "> 0");
  static final ConfigKey<Double> S1 = ConfigKey.number("focus1Drop", 0.5,
      "s1: fraction of lowest-loss blocks dropped for the first Focus", v -> v >= 0 && v < 1,
      "in [0, 1)");
  static final ConfigKey<Double> P2 = ConfigKey.number("focus1Epochs", 1.0,
      "p2: epochs of the first Focus over the kept blocks", v -> v > 0, "> 0");
  static final ConfigKey<Double> P3 = ConfigKey.number("reviewEpochs", 1.0,
      "p3: epochs of Review over all blocks", v -> v > 0, "> 0");
  static final ConfigKey<Double> S2 = ConfigKey.number("focus2Drop", 0.7,
      "s2: fraction dropped for the second Focus", v -> v >= 0 && v < 1, "in [0, 1)");
  static final ConfigKey<Double> P4 = ConfigKey.number("focus2Epochs", 1.0,
      "p4: epochs per repetition of the second Focus", v -> v > 0, "> 0");
  static final ConfigKey<Long> REPS = ConfigKey.integer("focus2Reps", 5L,
      "reps of the second Focus (third-party code uses 5)", v -> v > 0, "> 0");
  static final ConfigKey<String> SELECTION = ConfigKey.choice("selection", "hard",
      "hard top-k (the v1 paper) or soft (keep ∝ perplexity^γ with a floor)", "hard", "soft");
  static final ConfigKey<Double> GAMMA = ConfigKey.number("softGamma", 1.0,
      "γ of the soft variant: keep probability ∝ exp(γ·loss) = perplexity^γ", v -> v > 0,
      "> 0");
  static final ConfigKey<Double> FLOOR = ConfigKey.number("softFloor", 0.05,
      "smallest keep probability of a visited block in the soft variant", v -> v >= 0 && v < 1,
      "in [0, 1)");
  static final ConfigKey<String> STORAGE = ConfigKey.choice("storage", "heap",
      "where the per-block store lives: heap or offheap (a direct buffer)", "heap", "offheap");
  static final ConfigKey<String> SHARDING = ConfigKey.choice("storeSharding", "replicated",
      "the per-block store on data-parallel ranks: replicated (whole on every rank; resumes at "
          + "any world size) or ranks (split by block across them: 1/W of the memory each; "
          + "resumes at the same world size)", "replicated", "ranks");
  static final ConfigKey<JsonNode> DOMAIN_POLICY = ConfigKey.custom("domainPolicy",
      "{\"policy\": name, \"config\": {...}} or {}", Json.object(),
      "the policy that sets the domain weights; {} = weights ∝ eligible blocks", n -> {
        if (!n.isObject()) {
          throw new IllegalArgumentException("must be an object");
        }
        return n.deepCopy();
      }, n -> n);

  /** Registered through {@code META-INF/services}. */
  public LfrProvider() {
    super(NAME, "LFR (Prakriya et al., CoNLL 2025): Learn, Focus on the hardest blocks, Review; "
        + "per-block losses inside each domain, composable with a domain-level policy.",
        List.of(P1, S1, P2, P3, S2, P4, REPS, SELECTION, GAMMA, FLOOR, STORAGE, SHARDING,
            DOMAIN_POLICY), LfrProvider::make);
  }

  private static MixingPolicy make(String name, PolicyContext context,
      PolicyConfig config) {
    List<LfrPolicy.PhaseSpec> schedule = new ArrayList<>();
    schedule.add(new LfrPolicy.PhaseSpec(LfrPolicy.Kind.LEARN, config.get(P1), 0));
    schedule.add(new LfrPolicy.PhaseSpec(LfrPolicy.Kind.FOCUS, config.get(P2), config.get(S1)));
    schedule.add(new LfrPolicy.PhaseSpec(LfrPolicy.Kind.REVIEW, config.get(P3), 0));
    schedule.add(new LfrPolicy.PhaseSpec(LfrPolicy.Kind.FOCUS, config.get(P4) * config.get(REPS), config.get(S2)));
    JsonNode spec = config.get(DOMAIN_POLICY);
    MixingPolicy inner = null;
    if (!spec.isEmpty()) {
      if (NAME.equals(spec.path("policy").asText())) {
        throw new IllegalArgumentException(
            "config key 'domainPolicy' must not be lfr itself, got " + spec);
      }
      inner = PolicyRegistry.load().create(context, spec);
    }
    return new LfrPolicy(context, config, schedule, inner,
        config.get(STORAGE).equals("offheap"), config.get(SHARDING).equals("ranks"));
  }
}
