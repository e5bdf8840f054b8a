package dev.datamix.sim;

import dev.datamix.schedule.LearningRateSchedule;

/**
 * How the learning rate moves the simulated learner, after the two terms of Tissue et al.'s
 * scaling law with rate annealing ({@code L = L0 + A·S1^(−α) − C·S2}, 2024): training progress
 * grows with the area under the rate (a token trained at rate {@code η} counts {@code η/η_peak}
 * tokens), and annealing lowers the loss — here the reducible part is scaled by {@code 1 − g·(1 −
 * η_t/η_max)}, with {@code η_max} the highest rate seen so far, so warm-up costs nothing and a
 * run whose rate decays to 10% of its peak ends {@code 0.9·g} of its reducible loss lower than a
 * constant-rate run with the same progress. Without a schedule every factor is 1.
 */
final class RateEffect {
  private final LearningRateSchedule schedule;
  private final double peak;
  private final double gain;
  private double current;
  private double highest;

  /** No rate effect. */
  static RateEffect none() {
    return new RateEffect(null, 1, 0);
  }

  RateEffect(LearningRateSchedule schedule, double peak, double gain) {
    this.schedule = schedule;
    this.peak = peak;
    this.gain = gain;
  }

  RateEffect copy() {
    RateEffect c = new RateEffect(schedule, peak, gain);
    c.current = current;
    c.highest = highest;
    return c;
  }

  /** Records that {@code step} trains and returns the progress one of its tokens makes. */
  double train(long step) {
    if (schedule == null) {
      return 1;
    }
    current = schedule.at(step);
    highest = Math.max(highest, current);
    return current / peak;
  }

  /** The factor on the reducible loss at the rate of the last trained step. */
  double annealFactor() {
    return highest > 0 ? 1 - gain * (1 - current / highest) : 1;
  }
}
