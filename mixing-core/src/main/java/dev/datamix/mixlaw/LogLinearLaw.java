package dev.datamix.mixlaw;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.state.Json;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.util.Pair;

/**
 * Data Mixing Laws' law for one metric, {@code L(r) = c + k·exp(Σ_j t_j·r_j)} (Ye et al., 2024,
 * arXiv 2403.16952, eq. 1; {@code yegcjs/mixinglaws}). On the simplex {@code k} is redundant,
 * {@code k·exp(t·r) = exp((t + ln k)·r)}, so it is fitted as {@code c + exp(t·r)} with {@code K +
 * 1} parameters, as Olmix does ({@code olmix/fit/utils.py}, {@code mixing_law}, line 347). Least
 * squares by Levenberg–Marquardt from several starts: for {@code c₀} at fixed fractions of the
 * smallest observed loss, {@code t₀} is the exact least-squares solution of {@code ln(y − c₀) =
 * t·r}, so no start is random; the best fit wins (a start counts as a fit when no refinement
 * of it converges). Olmix minimises a Huber loss from 300 random
 * starts instead.
 */
public final class LogLinearLaw implements MixRegressor {
  private static final double[] START_FRACTIONS = {0, 0.5, 0.8, 0.9, 0.95, 0.99};

  @Override
  public String name() {
    return "loglinear";
  }

  @Override
  public String description() {
    return "Data Mixing Laws (Ye et al., 2024): L(r) = c + exp(t·r), Levenberg-Marquardt";
  }

  @Override
  public Fitted fit(double[][] x, double[] y, long seed) {
    MixRegressor.check(x, y, 3);
    int k = x[0].length;
    double min = Double.POSITIVE_INFINITY;
    for (double v : y) {
      min = Math.min(min, v);
    }
    double[] best = null;
    double bestCost = Double.POSITIVE_INFINITY;
    for (double f : START_FRACTIONS) {
      double c0 = min > 0 ? f * min : min - 1 + f;
      double[] start = start(x, y, c0, k);
      if (start == null) {
        continue;
      }
      double startCost = cost(x, y, start);
      if (startCost < bestCost) {
        bestCost = startCost; // a start is a fit too, if no refinement beats it
        best = start;
      }
      try {
        LeastSquaresOptimizer.Optimum o = new LevenbergMarquardtOptimizer().optimize(
            new LeastSquaresBuilder().start(start).target(y).model(p -> model(x, p))
                .maxEvaluations(10_000).maxIterations(10_000).build());
        double cost = o.getCost();
        if (cost < bestCost && isFinite(o.getPoint().toArray())) {
          bestCost = cost;
          best = o.getPoint().toArray();
        }
      } catch (RuntimeException e) {
        // this start diverged or hit the iteration limit: the others decide
      }
    }
    if (best == null) {
      throw new IllegalArgumentException("the log-linear law could not be fitted from any of "
          + START_FRACTIONS.length + " starts on " + y.length + " runs");
    }
    return new Law(best, Math.sqrt(bestCost * bestCost / y.length));
  }

  /**
   * {@code (c₀, t₀)} with {@code t₀} the least-squares solution of {@code ln(y − c₀) = t·r}, with a
   * small ridge term so a domain absent from every run (an all-zero column) gets {@code t = 0}.
   */
  private static double[] start(double[][] x, double[] y, double c0, int k) {
    int n = y.length;
    double[][] a = new double[n + k][k];
    double[] b = new double[n + k];
    for (int i = 0; i < n; i++) {
      if (!(y[i] - c0 > 0)) {
        return null;
      }
      a[i] = x[i];
      b[i] = Math.log(y[i] - c0);
    }
    for (int j = 0; j < k; j++) {
      a[n + j][j] = 1e-4;
    }
    RealVector t = new QRDecomposition(new Array2DRowRealMatrix(a, false)).getSolver()
        .solve(new ArrayRealVector(b, false));
    double[] p = new double[k + 1];
    p[0] = c0;
    for (int j = 0; j < k; j++) {
      p[j + 1] = t.getEntry(j);
    }
    return p;
  }

  private static double cost(double[][] x, double[] y, double[] p) {
    double ss = 0;
    for (int i = 0; i < y.length; i++) {
      double d = p[0] + Math.exp(dot(p, x[i])) - y[i];
      ss += d * d;
    }
    return Double.isFinite(ss) ? Math.sqrt(ss) : Double.POSITIVE_INFINITY;
  }

  private static Pair<RealVector, RealMatrix> model(double[][] x, RealVector point) {
    double[] p = point.toArray();
    int k = p.length - 1;
    double[] value = new double[x.length];
    double[][] jac = new double[x.length][k + 1];
    for (int i = 0; i < x.length; i++) {
      double e = Math.exp(dot(p, x[i]));
      value[i] = p[0] + e;
      jac[i][0] = 1;
      for (int j = 0; j < k; j++) {
        jac[i][j + 1] = e * x[i][j];
      }
    }
    return new Pair<>(new ArrayRealVector(value, false), new Array2DRowRealMatrix(jac, false));
  }

  private static double dot(double[] p, double[] r) {
    double s = 0;
    for (int j = 0; j < r.length; j++) {
      s += p[j + 1] * r[j];
    }
    return s;
  }

  private static boolean isFinite(double[] p) {
    for (double v : p) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  /** A fitted law: {@code c} and {@code t}. */
  static final class Law implements Fitted {
    private final double[] p;
    private final double rmse;

    Law(double[] p, double rmse) {
      this.p = p;
      this.rmse = rmse;
    }

    /** The floor {@code c}. */
    double c() {
      return p[0];
    }

    /** {@code t_j}. */
    double t(int j) {
      return p[j + 1];
    }

    @Override
    public double predict(double[] r) {
      return p[0] + Math.exp(dot(p, r));
    }

    @Override
    public ObjectNode describe() {
      ObjectNode o = Json.object().put("form", "c + exp(sum_j t_j r_j)").put("c", p[0]);
      double[] t = new double[p.length - 1];
      System.arraycopy(p, 1, t, 0, t.length);
      o.set("t", Json.doubles(t));
      o.put("trainRmse", rmse);
      return o;
    }
  }
}
