package dev.datamix.sim;

import java.util.LinkedHashMap;
import java.util.Map;

/** Builds a {@link SimulatedLearner}; every parameter is checked in {@link #build()}. */
public final class SimulatedLearnerBuilder {
  final Map<String, DomainSpec> specs = new LinkedHashMap<>();
  final Map<String, Map<String, Double>> transfers = new LinkedHashMap<>();
  TargetSpec target;
  int blockLength = 128;
  double tokenScale = 10_000;
  double noise;
  double alignmentNoise;
  double difficultySpread;
  double memorisation = 1.0;
  RateEffect rate = RateEffect.none();
  long seed;

  SimulatedLearnerBuilder() {}

  record DomainSpec(String name, long blocks, double irreducible, double amplitude,
      double exponent) {}

  record TargetSpec(double irreducible, double amplitude, double exponent,
      Map<String, Double> transfer) {}

  /**
   * Adds a domain.
   *
   * @param blocks number of blocks, {@code > 0}
   * @param irreducible {@code E >= 0}, the loss floor
   * @param amplitude {@code B > 0}, the reducible loss at zero tokens
   * @param exponent {@code β > 0}, how fast the domain is learned
   */
  public SimulatedLearnerBuilder domain(String name, long blocks, double irreducible,
      double amplitude, double exponent) {
    if (specs.containsKey(name)) {
      throw new IllegalArgumentException("duplicate domain name '" + name + "'");
    }
    checkNonNegative("irreducible of '" + name + "'", irreducible);
    checkPositive("amplitude of '" + name + "'", amplitude);
    checkPositive("exponent of '" + name + "'", exponent);
    specs.put(name, new DomainSpec(name, blocks, irreducible, amplitude, exponent));
    return this;
  }

  /** Tokens of domain {@code from} count {@code amount} times toward domain {@code to}. */
  public SimulatedLearnerBuilder transfer(String from, String to, double amount) {
    checkNonNegative("transfer " + from + " -> " + to, amount);
    if (from.equals(to)) {
      throw new IllegalArgumentException("transfer of a domain to itself is fixed at 1, got '"
          + from + "' -> '" + to + "'");
    }
    transfers.computeIfAbsent(to, x -> new LinkedHashMap<>()).put(from, amount);
    return this;
  }

  /** A target task; {@code transfer} maps domains to how much their tokens count for it. */
  public SimulatedLearnerBuilder target(double irreducible, double amplitude, double exponent,
      Map<String, Double> transfer) {
    checkNonNegative("target irreducible", irreducible);
    checkPositive("target amplitude", amplitude);
    checkPositive("target exponent", exponent);
    transfer.forEach((k, v) -> checkNonNegative("target transfer from '" + k + "'", v));
    target = new TargetSpec(irreducible, amplitude, exponent, Map.copyOf(transfer));
    return this;
  }

  /** Tokens per block, {@code > 0}. */
  public SimulatedLearnerBuilder blockLength(int tokens) {
    checkPositive("blockLength", tokens);
    blockLength = tokens;
    return this;
  }

  /** The token scale {@code S} of the loss curves, {@code > 0}. */
  public SimulatedLearnerBuilder tokenScale(double tokens) {
    checkPositive("tokenScale", tokens);
    tokenScale = tokens;
    return this;
  }

  /** Standard deviation of Gaussian noise on every loss, {@code >= 0}. */
  public SimulatedLearnerBuilder noise(double sd) {
    checkNonNegative("noise", sd);
    noise = sd;
    return this;
  }

  /** Relative standard deviation of noise on alignment scores, {@code >= 0}. */
  public SimulatedLearnerBuilder alignmentNoise(double relativeSd) {
    checkNonNegative("alignmentNoise", relativeSd);
    alignmentNoise = relativeSd;
    return this;
  }

  /** Log-normal spread {@code σ >= 0} of per-block difficulty. */
  public SimulatedLearnerBuilder difficultySpread(double sigma) {
    checkNonNegative("difficultySpread", sigma);
    difficultySpread = sigma;
    return this;
  }

  /** Per-visit memorisation factor {@code ρ} in {@code (0, 1]}; 1 = no memorisation. */
  public SimulatedLearnerBuilder memorisation(double rho) {
    if (!(rho > 0 && rho <= 1)) {
      throw new IllegalArgumentException("memorisation must be in (0, 1], got " + rho);
    }
    memorisation = rho;
    return this;
  }

  /**
   * A learning-rate schedule the learner trains under ({@link RateEffect}): a token at step
   * {@code t} makes {@code schedule(t)/peak} tokens of progress, and the reducible loss is scaled
   * by {@code 1 − annealGain·(1 − η_t/η_max)}. Without it the rate is constant.
   *
   * @param schedule the rate per step
   * @param peak the rate at which a token counts as one, {@code > 0}
   * @param annealGain share of the reducible loss a full anneal removes, in {@code [0, 1)}
   */
  public SimulatedLearnerBuilder learningRate(dev.datamix.schedule.LearningRateSchedule schedule,
      double peak, double annealGain) {
    checkPositive("peak", peak);
    if (!(annealGain >= 0 && annealGain < 1)) {
      throw new IllegalArgumentException("annealGain must be in [0, 1), got " + annealGain);
    }
    rate = new RateEffect(java.util.Objects.requireNonNull(schedule, "schedule"), peak,
        annealGain);
    return this;
  }

  /** Seed of the noise and of block difficulties. */
  public SimulatedLearnerBuilder seed(long seed) {
    this.seed = seed;
    return this;
  }

  /**
   * The learner.
   *
   * @throws IllegalArgumentException if no domain was added or a transfer names an unknown one
   */
  public SimulatedLearner build() {
    if (specs.isEmpty()) {
      throw new IllegalArgumentException("a simulated learner needs at least one domain");
    }
    return new SimulatedLearner(this);
  }

  private static void checkPositive(String what, double v) {
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(what + " must be finite and > 0, got " + v);
    }
  }

  private static void checkNonNegative(String what, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(what + " must be finite and >= 0, got " + v);
    }
  }
}
