package dev.datamix.mixlaw;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A regressor from a mixture (weights summing to 1) to one metric of the run trained on it: the
 * middle stage of the offline mixing-law family. Implementations are found by name through
 * {@link MixRegressors}; others can be added with {@link java.util.ServiceLoader} under this
 * interface's name. Fitting is deterministic given the data and the seed.
 */
public interface MixRegressor {
  /** The registered name, for example {@code "loglinear"}. */
  String name();

  /** One line: the model and where it comes from. */
  String description();

  /**
   * Fits the model.
   *
   * @param x one mixture per run, each of the same length
   * @param y the metric of each run, finite
   * @param seed for any random choice the fit makes
   * @throws IllegalArgumentException if the data cannot identify the model, naming the count
   */
  Fitted fit(double[][] x, double[] y, long seed);

  /** A fitted model. */
  interface Fitted {
    /** The predicted metric of mixture {@code r}. */
    double predict(double[] r);

    /** The predicted metric of each mixture; implementations may batch. */
    default double[] predictAll(double[][] r) {
      double[] out = new double[r.length];
      for (int i = 0; i < r.length; i++) {
        out[i] = predict(r[i]);
      }
      return out;
    }

    /** The fitted parameters (or a summary of the model) as JSON. */
    ObjectNode describe();
  }

  /** Checks the data's shape and values, naming what is wrong. */
  static void check(double[][] x, double[] y, int minimumRuns) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("x has " + x.length + " rows but y has " + y.length);
    }
    if (x.length < minimumRuns) {
      throw new IllegalArgumentException("the fit needs at least " + minimumRuns + " runs, got "
          + x.length);
    }
    for (int i = 0; i < y.length; i++) {
      if (!Double.isFinite(y[i])) {
        throw new IllegalArgumentException("y[" + i + "] must be finite, got " + y[i]);
      }
      if (x[i].length != x[0].length) {
        throw new IllegalArgumentException("x[" + i + "] has " + x[i].length + " weights, x[0] "
            + x[0].length);
      }
    }
  }
}
