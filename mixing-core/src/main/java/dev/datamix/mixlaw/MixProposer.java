package dev.datamix.mixlaw;

import dev.datamix.mixture.Mixture;
import java.util.Arrays;
import java.util.Comparator;
import java.util.function.Function;

/**
 * Searches the simplex for the mixture with the best predicted objective: the last stage of the
 * offline mixing-law family. Each of {@code iterations} rounds draws {@code candidates} mixtures
 * from {@code Dirichlet(s·q)} around a search prior {@code q} (the natural mix at first), with the
 * strength {@code s} log-uniform in {@code [2(i+1), 200(i+1)]} so later rounds search closer
 * (Olmix's {@code SimulationProposer}, {@code olmix/fit/utils.py}, lines 387–499), maps each into
 * the box {@code r_i ≥ minWeight} and drops those above a cap; scores each by the predicted
 * objective plus {@code klWeight·KL(r ‖ natural)} (Olmix's KL regularisation toward the natural
 * mix, line 582); and averages the {@code topK} best, as RegMix averages its top 128 of 100,000
 * (the regression notebook). The average of feasible mixtures is feasible: every bound is a box.
 * Then {@code q ← (best + q)/2}. Deterministic given the seed.
 */
public final class MixProposer {
  private MixProposer() {}

  /**
   * The search's knobs.
   *
   * @param candidates mixtures drawn per round, {@code >= topK}
   * @param topK how many of the best-scored are averaged (RegMix: 128)
   * @param iterations search rounds, {@code >= 1}
   * @param klWeight λ on {@code KL(r ‖ natural)}, {@code >= 0}
   * @param seed the draws' seed
   */
  public record Options(int candidates, int topK, int iterations, double klWeight, long seed) {
    /** Validates the knobs, naming them. */
    public Options {
      if (topK < 1 || candidates < topK) {
        throw new IllegalArgumentException("need 1 <= topK <= candidates, got topK " + topK
            + ", candidates " + candidates);
      }
      if (iterations < 1) {
        throw new IllegalArgumentException("iterations must be >= 1, got " + iterations);
      }
      if (!(klWeight >= 0 && Double.isFinite(klWeight))) {
        throw new IllegalArgumentException("klWeight must be >= 0, got " + klWeight);
      }
    }

    /** 100,000 candidates, top 128, 5 rounds, no KL term. */
    public static Options defaults(long seed) {
      return new Options(100_000, 128, 5, 0.0, seed);
    }
  }

  /**
   * The proposal.
   *
   * @param mixture the proposed mix
   * @param predicted its predicted objective
   * @param predictedNatural the natural mix's predicted objective
   * @param klToNatural {@code KL(proposal ‖ natural)} in nats
   * @param feasibleShare the share of the last round's candidates inside the bounds
   */
  public record Proposal(Mixture mixture, double predicted, double predictedNatural,
      double klToNatural, double feasibleShare) {}

  /**
   * Proposes the mix minimising {@code objective} within {@code bounds}.
   *
   * @param objective the predicted objective of each mixture (lower is better)
   * @param natural the natural (token) mix: the first search prior and the KL reference
   * @throws IllegalArgumentException if fewer than {@code topK} candidates of a round are feasible
   */
  public static Proposal propose(Function<double[][], double[]> objective, Mixture natural,
      MixConstraints bounds, Options options) {
    int k = natural.size();
    double[] q = natural.toArray();
    double[] nat = natural.toArray();
    double min = bounds.minWeight();
    double[] best = null;
    double share = 0;
    Dirichlet dirichlet = new Dirichlet(options.seed());
    for (int it = 0; it < options.iterations(); it++) {
      double[][] cand = new double[options.candidates()][];
      int feasible = 0;
      double[] alpha = new double[k];
      for (int c = 0; c < options.candidates(); c++) {
        double s = dirichlet.logUniform(2.0 * (it + 1), 200.0 * (it + 1));
        for (int i = 0; i < k; i++) {
          alpha[i] = Math.max(s * q[i], 1e-9);
        }
        double[] d = dirichlet.sample(alpha);
        for (int i = 0; i < k; i++) {
          d[i] = min + (1 - k * min) * d[i];
        }
        if (bounds.admits(d)) {
          cand[feasible++] = d;
        }
      }
      share = feasible / (double) options.candidates();
      if (feasible < options.topK()) {
        throw new IllegalArgumentException("only " + feasible + " of " + options.candidates()
            + " candidates in round " + (it + 1) + " satisfy the bounds (minWeight " + min
            + ", caps " + Arrays.toString(bounds.caps()) + "); fewer than topK "
            + options.topK() + ": loosen maxEpochs or maxWeight, or draw more candidates");
      }
      double[][] ok = Arrays.copyOf(cand, feasible);
      double[] score = objective.apply(ok);
      for (int c = 0; c < feasible; c++) {
        score[c] += options.klWeight() * kl(ok[c], nat);
      }
      Integer[] order = new Integer[feasible];
      for (int c = 0; c < feasible; c++) {
        order[c] = c;
      }
      Arrays.sort(order, Comparator.comparingDouble((Integer c) -> score[c])
          .thenComparingInt(c -> c));
      best = new double[k];
      for (int t = 0; t < options.topK(); t++) {
        for (int i = 0; i < k; i++) {
          best[i] += ok[order[t]][i] / options.topK();
        }
      }
      for (int i = 0; i < k; i++) {
        q[i] = (best[i] + q[i]) / 2;
      }
    }
    Mixture m = Mixture.normalise(natural.names(), best);
    double[] both = objective.apply(new double[][] {m.toArray(), nat});
    return new Proposal(m, both[0], both[1], kl(m.toArray(), nat), share);
  }

  /** {@code KL(r ‖ q) = Σ r_i·ln(r_i/q_i)}, with {@code 0·ln 0 = 0}. */
  public static double kl(double[] r, double[] q) {
    double s = 0;
    for (int i = 0; i < r.length; i++) {
      if (r[i] > 0) {
        s += r[i] * Math.log(r[i] / q[i]);
      }
    }
    return s;
  }
}
