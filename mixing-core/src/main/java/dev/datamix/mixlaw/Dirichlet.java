package dev.datamix.mixlaw;

import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * Draws from Dirichlet distributions as normalised Gamma variates, from one seeded generator: the
 * same seed gives the same draws in the same order.
 */
final class Dirichlet {
  private final RandomGenerator random;

  Dirichlet(long seed) {
    this.random = new Well19937c(seed);
  }

  /** A uniform draw in [0, 1). */
  double uniform() {
    return random.nextDouble();
  }

  /** A log-uniform draw in [lo, hi]. */
  double logUniform(double lo, double hi) {
    return Math.exp(Math.log(lo) + uniform() * (Math.log(hi) - Math.log(lo)));
  }

  /**
   * One draw from {@code Dirichlet(alpha)}, every {@code alpha_i > 0}. A draw whose Gamma variates
   * all underflow to 0 (tiny concentrations) puts all its mass on the largest {@code alpha_i}.
   */
  double[] sample(double[] alpha) {
    double[] x = new double[alpha.length];
    double sum = 0;
    for (int i = 0; i < alpha.length; i++) {
      x[i] = new GammaDistribution(random, alpha[i], 1.0).sample();
      sum += x[i];
    }
    if (!(sum > 0)) {
      int top = 0;
      for (int i = 1; i < alpha.length; i++) {
        top = alpha[i] > alpha[top] ? i : top;
      }
      java.util.Arrays.fill(x, 0);
      x[top] = 1;
      return x;
    }
    for (int i = 0; i < x.length; i++) {
      x[i] /= sum;
    }
    return x;
  }
}
