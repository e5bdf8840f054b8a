package dev.datamix.mixlaw;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixture;
import dev.datamix.mixture.Mixtures;
import dev.datamix.mixture.WeightsConfig;
import dev.datamix.state.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The mixtures of a swarm of proxy runs, sampled once from {@link SwarmOptions} and the training
 * domains; every run has a name ({@code swarm-0000}, …), its index and its mixture. A plan is a
 * pure function of the domains' token counts and the options, so it is written once and re-read
 * on resume. Immutable.
 *
 * @param prior the tempered token prior the draws centre on
 * @param runs the planned runs, in order
 */
public record SwarmPlan(SwarmOptions options, Mixture prior, List<Run> runs) {
  /**
   * One proxy run of the swarm.
   *
   * @param index its position, from 0
   * @param name its name, {@code swarm-NNNN}
   * @param mixture the static mix it trains on
   */
  public record Run(int index, String name, Mixture mixture) {
    /** The run's {@code explicit} policy spec. */
    public ObjectNode policySpec() {
      ObjectNode spec = Json.object().put("policy", "explicit");
      spec.putObject("config").set("weights", WeightsConfig.write(mixture.asMap()));
      return spec;
    }
  }

  /** Draws are rejected at most this many times per accepted run before giving up. */
  static final int MAX_REJECTIONS_PER_RUN = 10_000;

  /**
   * Samples {@code options.runs()} mixtures over {@code domains}.
   *
   * @throws IllegalArgumentException if the epoch cap rejects nearly every draw, naming it
   */
  public static SwarmPlan sample(List<Domain> domains, SwarmOptions options) {
    List<String> names = Domain.names(domains);
    Mixture tokens = Mixtures.proportionalToTokens(domains);
    double[] prior = tokens.toArray();
    for (int i = 0; i < prior.length; i++) {
      prior[i] = Math.pow(prior[i], options.temperature());
    }
    Mixture tempered = Mixture.normalise(names, prior);
    double[] caps = MixConstraints.epochCaps(domains, options.maxEpochs(),
        options.budgetTokens());
    Dirichlet dirichlet = new Dirichlet(options.seed());
    double[] alpha = new double[prior.length];
    List<Run> runs = new ArrayList<>();
    long rejected = 0;
    while (runs.size() < options.runs()) {
      double strength = dirichlet.logUniform(options.minStrength(), options.maxStrength());
      for (int i = 0; i < alpha.length; i++) {
        alpha[i] = Math.max(strength * tempered.weight(i), 1e-12);
      }
      double[] r = floor(dirichlet.sample(alpha), options.minWeight());
      if (r == null || !withinCaps(r, caps)) {
        if (++rejected > (long) MAX_REJECTIONS_PER_RUN * options.runs()) {
          throw new IllegalArgumentException(String.format(Locale.ROOT, "maxEpochs %s at "
              + "budgetTokens %d rejected %d draws for %d accepted: the cap leaves almost no "
              + "room around the prior; raise maxEpochs or lower budgetTokens",
              options.maxEpochs(), options.budgetTokens(), rejected, runs.size()));
        }
        continue;
      }
      int index = runs.size();
      runs.add(new Run(index, String.format(Locale.ROOT, "swarm-%04d", index),
          Mixture.of(names, r)));
    }
    return new SwarmPlan(options, tempered, runs);
  }

  private static double[] floor(double[] r, double min) {
    double sum = 0;
    for (int i = 0; i < r.length; i++) {
      r[i] = r[i] < min ? 0 : r[i];
      sum += r[i];
    }
    if (!(sum > 0)) {
      return null;
    }
    for (int i = 0; i < r.length; i++) {
      r[i] /= sum;
    }
    return r;
  }

  private static boolean withinCaps(double[] r, double[] caps) {
    for (int i = 0; i < r.length; i++) {
      if (r[i] > caps[i]) {
        return false;
      }
    }
    return true;
  }

  /** The domain names, in the order of every mixture. */
  public List<String> domains() {
    return prior.names();
  }

  /** The plan as JSON: options, prior and every run's mixture. */
  public ObjectNode toJson() {
    ObjectNode o = Json.object();
    ObjectNode opt = o.putObject("options");
    opt.put("runs", options.runs()).put("temperature", options.temperature())
        .put("minWeight", options.minWeight()).put("maxEpochs", options.maxEpochs())
        .put("budgetTokens", options.budgetTokens()).put("minStrength", options.minStrength())
        .put("maxStrength", options.maxStrength()).put("seed", options.seed());
    o.set("prior", WeightsConfig.write(prior.asMap()));
    ArrayNode rs = o.putArray("runs");
    for (Run r : runs) {
      rs.addObject().put("index", r.index()).put("name", r.name())
          .set("weights", WeightsConfig.write(r.mixture().asMap()));
    }
    return o;
  }

  /** Reads what {@link #toJson} wrote. */
  public static SwarmPlan fromJson(JsonNode o) {
    JsonNode opt = o.path("options");
    SwarmOptions options = new SwarmOptions(opt.path("runs").asInt(),
        opt.path("temperature").asDouble(), opt.path("minWeight").asDouble(),
        opt.path("maxEpochs").asDouble(), opt.path("budgetTokens").asLong(),
        opt.path("minStrength").asDouble(), opt.path("maxStrength").asDouble(),
        opt.path("seed").asLong());
    Mixture prior = Mixture.normalise(WeightsConfig.read(o.path("prior")));
    List<Run> runs = new ArrayList<>();
    for (JsonNode r : o.path("runs")) {
      Mixture m = WeightsConfig.toMixture("runs[" + runs.size() + "].weights",
          WeightsConfig.read(r.path("weights")), prior.names());
      runs.add(new Run(r.path("index").asInt(), r.path("name").asText(), m));
    }
    return new SwarmPlan(options, prior, runs);
  }
}
