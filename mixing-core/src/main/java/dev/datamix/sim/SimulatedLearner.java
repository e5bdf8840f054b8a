package dev.datamix.sim;

import dev.datamix.mixture.Domain;
import dev.datamix.mixture.LossWeights;
import dev.datamix.mixture.Mixture;
import dev.datamix.random.Seeds;
import dev.datamix.sampler.BlockBatch;
import dev.datamix.signal.BlockLosses;
import dev.datamix.signal.DoubleVector;
import dev.datamix.signal.Observation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * An analytic stand-in for a language model in training: per-domain loss curves that react to the
 * mixture, and every signal a real trainer would emit. Policies are tested on it in milliseconds,
 * and users can try a policy on it before spending GPU hours.
 *
 * <h2>Model</h2>
 *
 * <ul>
 *   <li>Each domain {@code i} has an irreducible loss {@code E_i}, an amplitude {@code B_i} and an
 *       exponent {@code β_i}. Its effective tokens {@code D_i = Σ_j T[i][j]·tokens_j} count the
 *       tokens trained on every domain {@code j}, weighted by the transfer matrix {@code T}
 *       ({@code T[i][i] = 1}; off-diagonal entries default to 0).
 *   <li>Held-out loss: {@code L_i = E_i + R_i}, reducible part {@code R_i = B_i·(1 +
 *       D_i/S)^(−β_i)} with token scale {@code S} — the data-scaling law {@code E + B/D^β} of
 *       Hoffmann et al. 2022 shifted to be finite at {@code D = 0}.
 *   <li>Block {@code b} of domain {@code i} has a persistent difficulty {@code h_b} (log-normal,
 *       mean 1, spread {@code σ}) and is memorised per visit by a factor {@code ρ}: its training
 *       loss is {@code E_i + h_b·R_i·ρ^visits}. Per-domain training loss is the mean over the
 *       batch's blocks of that domain.
 *   <li>An optional target task with its own {@code (E, B, β)} and transfer vector {@code t}:
 *       {@code D_target = Σ_j t_j·tokens_j}. Gradient alignment follows the one-step look-ahead of
 *       DGA: {@code <g_i, g_target> = t_i·s_target}, {@code <g_i, g_j> = (T[i][j]·s_i +
 *       T[j][i]·s_j)/2}, where {@code s} is a loss's decrease per token, {@code
 *       B·β/S·(1+D/S)^(−β−1)}.
 *   <li>Gaussian noise of standard deviation {@code noise} on every loss, and relative noise on
 *       alignment scores, keyed by {@code (seed, step, ...)}.
 * </ul>
 *
 * <p>The learner's state is the tokens seen per domain and the visits per block. Not thread-safe.
 */
public final class SimulatedLearner {
  private final List<Domain> domains;
  private final List<String> names;
  private final double[] irreducible;
  private final double[] amplitude;
  private final double[] exponent;
  private final double[][] transfer;
  private final Target target;
  private final int blockLength;
  private final double tokenScale;
  private final double noise;
  private final double alignmentNoise;
  private final double difficultySpread;
  private final double memorisation;
  private final long seed;

  private final double[] tokens;
  private final double[] progress;
  private final RateEffect rate;
  private final int[][] visits;

  SimulatedLearner(SimulatedLearnerBuilder b) {
    int k = b.specs.size();
    domains = new ArrayList<>();
    irreducible = new double[k];
    amplitude = new double[k];
    exponent = new double[k];
    int i = 0;
    for (SimulatedLearnerBuilder.DomainSpec s : b.specs.values()) {
      domains.add(Domain.ofBlocks(s.name(), s.blocks(), b.blockLength));
      irreducible[i] = s.irreducible();
      amplitude[i] = s.amplitude();
      exponent[i] = s.exponent();
      i++;
    }
    names = Domain.names(domains);
    transfer = new double[k][k];
    for (int d = 0; d < k; d++) {
      transfer[d][d] = 1.0;
    }
    for (Map.Entry<String, Map<String, Double>> e : b.transfers.entrySet()) {
      int to = index(e.getKey());
      e.getValue().forEach((from, amount) -> transfer[to][index(from)] = amount);
    }
    if (b.target != null) {
      double[] t = new double[k];
      b.target.transfer().forEach((from, amount) -> t[index(from)] = amount);
      target = new Target(b.target.irreducible(), b.target.amplitude(), b.target.exponent(), t);
    } else {
      target = null;
    }
    blockLength = b.blockLength;
    tokenScale = b.tokenScale;
    noise = b.noise;
    alignmentNoise = b.alignmentNoise;
    difficultySpread = b.difficultySpread;
    memorisation = b.memorisation;
    seed = b.seed;
    tokens = new double[k];
    progress = new double[k];
    rate = b.rate;
    visits = new int[k][];
    for (int d = 0; d < k; d++) {
      long blocks = domains.get(d).blocks();
      if (memorisation < 1.0 && blocks > (1 << 26)) {
        throw new IllegalArgumentException("domain '" + names.get(d) + "' has " + blocks
            + " blocks; the simulated learner tracks visits for at most 2^26 blocks per domain "
            + "(set memorisation 1 to disable visit tracking)");
      }
      visits[d] = memorisation < 1.0 ? new int[(int) blocks] : null;
    }
  }

  private SimulatedLearner(SimulatedLearner o) {
    domains = o.domains;
    names = o.names;
    irreducible = o.irreducible;
    amplitude = o.amplitude;
    exponent = o.exponent;
    transfer = o.transfer;
    target = o.target;
    blockLength = o.blockLength;
    tokenScale = o.tokenScale;
    noise = o.noise;
    alignmentNoise = o.alignmentNoise;
    difficultySpread = o.difficultySpread;
    memorisation = o.memorisation;
    seed = o.seed;
    tokens = o.tokens.clone();
    progress = o.progress.clone();
    rate = o.rate.copy();
    visits = new int[o.visits.length][];
    for (int d = 0; d < visits.length; d++) {
      visits[d] = o.visits[d] == null ? null : o.visits[d].clone();
    }
  }

  private int index(String name) {
    for (int d = 0; d < domains.size(); d++) {
      if (domains.get(d).name().equals(name)) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "unknown domain '" + name + "'; domains: " + Domain.names(domains));
  }

  /** A builder. */
  public static SimulatedLearnerBuilder builder() {
    return new SimulatedLearnerBuilder();
  }

  /**
   * A five-domain learner whose domains differ the way mixing policies care about, with a target:
   * {@code easy} (low floor, learned fast), {@code hard} (learned slowly), {@code noisy} (high
   * irreducible floor, little to gain), {@code small} (few blocks), {@code related} (transfers to
   * the target). The target is learned from {@code related} and, less, from {@code hard}.
   */
  public static SimulatedLearner demo(long seed) {
    return builder().seed(seed).blockLength(128).tokenScale(20_000)
        .domain("easy", 2_000, 1.0, 2.0, 0.60)
        .domain("hard", 2_000, 1.5, 3.0, 0.25)
        .domain("noisy", 2_000, 3.5, 0.8, 0.40)
        .domain("small", 100, 1.2, 2.5, 0.45)
        .domain("related", 1_000, 1.3, 2.2, 0.40)
        .transfer("related", "hard", 0.3)
        .transfer("hard", "related", 0.2)
        .target(1.4, 2.5, 0.35, Map.of("related", 0.8, "hard", 0.3, "easy", 0.05))
        .noise(0.01).alignmentNoise(0.05).difficultySpread(0.5).memorisation(0.9)
        .build();
  }

  /** The domains (block counts as configured, tokens = blocks × block length). */
  public List<Domain> domains() {
    return List.copyOf(domains);
  }

  /** Tokens per block. */
  public int blockLength() {
    return blockLength;
  }

  /** Whether a target task is configured. */
  public boolean hasTarget() {
    return target != null;
  }

  /** A deep copy: same parameters, same state. */
  public SimulatedLearner copy() {
    return new SimulatedLearner(this);
  }

  /** Tokens trained so far per domain. */
  public double[] tokensSeen() {
    return tokens.clone();
  }

  private double effectiveTokens(int i) {
    double e = 0;
    for (int j = 0; j < tokens.length; j++) {
      e += transfer[i][j] * progress[j];
    }
    return e;
  }

  private double reducible(int i) {
    return rate.annealFactor() * amplitude[i]
        * Math.pow(1 + effectiveTokens(i) / tokenScale, -exponent[i]);
  }

  private double slope(int i) {
    return amplitude[i] * exponent[i] / tokenScale
        * Math.pow(1 + effectiveTokens(i) / tokenScale, -exponent[i] - 1);
  }

  /** Held-out loss per domain without noise: {@code E_i + R_i}. */
  public double[] expectedHeldOutLoss() {
    double[] l = new double[tokens.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = irreducible[i] + reducible(i);
    }
    return l;
  }

  /**
   * The held-out loss per domain, without noise, of a fresh learner after {@code tokens_j} tokens
   * of each domain: with {@code tokens = r·N}, the final loss of the static mix {@code r} over
   * {@code N} tokens, so a budget's optimal static mix is computable (the mixing-law tests). It
   * ignores a learning-rate schedule ({@link SimulatedLearnerBuilder#learningRate}): a constant
   * rate.
   */
  public double[] heldOutLossAfter(double[] tokensPerDomain) {
    if (tokensPerDomain.length != tokens.length || !(Arrays.stream(tokensPerDomain).min()
        .orElse(0) >= 0)) {
      throw new IllegalArgumentException("tokensPerDomain must be " + tokens.length
          + " counts >= 0, got " + Arrays.toString(tokensPerDomain));
    }
    double[] l = new double[tokens.length];
    for (int i = 0; i < l.length; i++) {
      double e = 0;
      for (int j = 0; j < l.length; j++) {
        e += transfer[i][j] * tokensPerDomain[j];
      }
      l[i] = irreducible[i] + amplitude[i] * Math.pow(1 + e / tokenScale, -exponent[i]);
    }
    return l;
  }

  /** Irreducible loss per domain: the floor no mixture can go below. */
  public double[] irreducibleLoss() {
    return irreducible.clone();
  }

  /** Held-out loss per domain at {@code step}, with noise. */
  public Observation.HeldOutLoss heldOutLoss(long step) {
    double[] l = expectedHeldOutLoss();
    for (int i = 0; i < l.length; i++) {
      l[i] = Math.max(0, l[i] + noise * gaussian(1, step, i));
    }
    return new Observation.HeldOutLoss(step, DoubleVector.of(l));
  }

  /**
   * Target-task loss without noise.
   *
   * @throws IllegalStateException if no target is configured
   */
  public double targetLoss() {
    Target t = requireTarget();
    return t.irreducible + rate.annealFactor() * t.amplitude
        * Math.pow(1 + targetTokens(t) / tokenScale, -t.exponent);
  }

  private double targetTokens(Target t) {
    double e = 0;
    for (int j = 0; j < tokens.length; j++) {
      e += t.transfer[j] * progress[j];
    }
    return e;
  }

  private Target requireTarget() {
    if (target == null) {
      throw new IllegalStateException("this simulated learner has no target task; configure one "
          + "with Builder.target(...) to measure target loss or gradient alignment");
    }
    return target;
  }

  /**
   * Gradient alignment of each probe distribution with the target gradient, measured at the
   * current state (before step {@code step}'s update).
   *
   * @throws IllegalStateException if no target is configured
   */
  public Observation.GradientAlignment alignment(long step, List<Mixture> probes, boolean gram) {
    Target t = requireTarget();
    double sTarget = t.amplitude * t.exponent / tokenScale
        * Math.pow(1 + targetTokens(t) / tokenScale, -t.exponent - 1);
    double[] s = new double[tokens.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = slope(i);
    }
    return SimulatedAlignment.measure(step, probes, gram, names, s, transfer, t.transfer,
        sTarget, p -> 1 + alignmentNoise * gaussian(2, step, p));
  }


  /**
   * Trains one step on {@code batch}: returns each block's loss on the parameters before the
   * update (as a real forward pass would), then adds the batch's tokens and visits.
   */
  public StepResult train(BlockBatch batch) {
    return train(batch, LossWeights.none());
  }

  /**
   * Trains one step on {@code batch} under per-domain loss weights: a block's tokens count {@code
   * u_b} times toward its domain, with {@code u} scaled to sum to the batch size ({@link
   * LossWeights#perBlock}), as a weighted loss scales each block's share of the gradient.
   */
  public StepResult train(BlockBatch batch, LossWeights weights) {
    int n = batch.size();
    int k = tokens.length;
    float[] blockLoss = losses(batch, 4);
    int[] doms = new int[n];
    long[] blocks = new long[n];
    for (int j = 0; j < n; j++) {
      doms[j] = batch.domain(j);
      blocks[j] = batch.block(j);
    }
    float[] u = new float[n];
    weights.perBlock(doms, n, u);
    double perToken = rate.train(batch.step());
    for (int j = 0; j < n; j++) {
      tokens[doms[j]] += (double) blockLength * u[j];
      progress[doms[j]] += (double) blockLength * u[j] * perToken;
      if (visits[doms[j]] != null) {
        visits[doms[j]][(int) blocks[j]]++;
      }
    }
    BlockLosses losses = BlockLosses.of(batch.step(), doms, blocks, blockLoss, n);
    return new StepResult(losses.trainingLoss(k), losses);
  }

  /**
   * Each block's loss on the current parameters, without training: this learner as a frozen
   * reference model (DoReMi's), evaluated on another run's batch.
   */
  public float[] frozenLosses(BlockBatch batch) {
    return losses(batch, 5);
  }

  private float[] losses(BlockBatch batch, long noiseStream) {
    int n = batch.size();
    int k = tokens.length;
    float[] blockLoss = new float[n];
    double[] reducible = new double[k];
    for (int i = 0; i < k; i++) {
      reducible[i] = reducible(i);
    }
    for (int j = 0; j < n; j++) {
      int d = batch.domain(j);
      long b = batch.block(j);
      double h = Math.exp(difficultySpread * gaussian(3, d, b)
          - 0.5 * difficultySpread * difficultySpread);
      double mem = visits[d] == null ? 1.0 : Math.pow(memorisation, visits[d][(int) b]);
      double l = irreducible[d] + h * reducible[d] * mem
          + noise * gaussian(noiseStream, batch.step(), j);
      blockLoss[j] = (float) Math.max(0, l);
    }
    return blockLoss;
  }

  private double gaussian(long stream, long a, long b) {
    return Seeds.toGaussian(Seeds.hash(seed, stream, a, b, 0), Seeds.hash(seed, stream, a, b, 1));
  }

  /**
   * What one training step emits.
   *
   * @param trainingLoss per-domain mean loss of the batch
   * @param blockLosses per-block losses, tagged with domain and block
   */
  public record StepResult(Observation.TrainingLoss trainingLoss, BlockLosses blockLosses) {}

  private record Target(double irreducible, double amplitude, double exponent, double[] transfer) {}

}
