package dev.datamix.scaling;

import org.apache.commons.math3.exception.ConvergenceException;
import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.exception.TooManyIterationsException;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.fitting.leastsquares.MultivariateJacobianFunction;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.DiagonalMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.linear.SingularMatrixException;
import org.apache.commons.math3.util.Pair;

/**
 * Fits scaling laws with commons-math3's Levenberg–Marquardt: the data law {@code L(D) = E +
 * B/D^β} per domain, and the Chinchilla law {@code L(N, D) = E + A/N^α + B/D^β} when points come
 * from several model sizes.
 *
 * <p>Bounds are kept by reparametrising ({@code E = e²}, {@code B = exp b}, {@code β = exp c}).
 * The start comes from a grid over the exponents with linear least squares for the linear
 * parameters. The optional Huber loss down-weights outliers by iteratively reweighted least
 * squares. Too few points or non-finite values are an error. Losses that do not decrease, or a
 * fit that does not converge, give a flagged result — never a silent NaN.
 *
 * @see <a href="https://arxiv.org/abs/2411.14318">Luo et al., Velocitune, ACL 2025 (target
 *     losses from a scaling-law fit on a proxy run)</a>
 */
public final class ScalingLawFitter {
  private static final double TOKEN_SCALE = 1e6;

  private final double huberDelta;
  private final int maxIterations;

  private ScalingLawFitter(double huberDelta, int maxIterations) {
    this.huberDelta = huberDelta;
    this.maxIterations = maxIterations;
  }

  /** Huber loss with at most {@code maxIterations} Levenberg–Marquardt iterations (tests). */
  static ScalingLawFitter huber(double delta, int maxIterations) {
    return new ScalingLawFitter(delta, maxIterations);
  }

  /** Plain least squares. */
  public static ScalingLawFitter leastSquares() {
    return new ScalingLawFitter(0, 2000);
  }

  /**
   * Huber loss: residuals beyond {@code delta} (loss units) count linearly.
   *
   * @throws IllegalArgumentException unless {@code delta > 0}
   */
  public static ScalingLawFitter huber(double delta) {
    if (!(delta > 0)) {
      throw new IllegalArgumentException("huber delta must be > 0, got " + delta);
    }
    return new ScalingLawFitter(delta, 2000);
  }

  /**
   * Fits {@code L(D) = E + B/D^β} to {@code (tokens[i], loss[i])}.
   *
   * @throws IllegalArgumentException for fewer than 4 points, mismatched lengths, or a
   *     non-finite, non-positive token count or non-finite loss (naming the point)
   */
  public DataScalingFit fitData(double[] tokens, double[] loss) {
    check(tokens, loss, 4);
    int n = tokens.length;
    // scale tokens so that the parameters are well conditioned; B is scaled back at the end
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = tokens[i] / TOKEN_SCALE;
    }
    String flag = decreasing(tokens, loss) ? null
        : "losses do not decrease with tokens (first " + loss[argMin(tokens)] + ", last "
            + loss[argMax(tokens)] + ")";
    double[] start = gridStart(x, loss);
    MultivariateJacobianFunction model = p -> {
      double e = p.getEntry(0);
      double b = Math.exp(p.getEntry(1));
      double c = Math.exp(p.getEntry(2));
      RealVector value = new ArrayRealVector(n);
      RealMatrix jac = new Array2DRowRealMatrix(n, 3);
      for (int i = 0; i < n; i++) {
        double pw = Math.pow(x[i], -c);
        value.setEntry(i, e * e + b * pw);
        jac.setEntry(i, 0, 2 * e);
        jac.setEntry(i, 1, b * pw);
        jac.setEntry(i, 2, -b * pw * Math.log(x[i]) * c);
      }
      return new Pair<>(value, jac);
    };
    double[] p0 = {Math.sqrt(Math.max(start[0], 0)), Math.log(start[1]), Math.log(start[2])};
    Result r = solve(model, loss, p0);
    if (r.flag != null && flag == null) {
      flag = r.flag;
    }
    double e = r.params[0] * r.params[0];
    double bScaled = Math.exp(r.params[1]);
    double beta = Math.exp(r.params[2]);
    // B/D^β with D in tokens: B_tokens = B_scaled · SCALE^β
    double b = bScaled * Math.pow(TOKEN_SCALE, beta);
    double seE = 2 * Math.abs(r.params[0]) * r.se[0];
    double seB = b * Math.hypot(r.se[1], Math.log(TOKEN_SCALE) * beta * r.se[2]);
    double seBeta = beta * r.se[2];
    return new DataScalingFit(e, b, beta, seE, seB, seBeta, r.rmse, r.r2, n, flag);
  }

  /**
   * Fits the Chinchilla law {@code L(N, D) = E + A/N^α + B/D^β} to points from at least two
   * model sizes.
   *
   * @param params model sizes {@code N} (parameters)
   * @param tokens tokens seen {@code D}
   * @param loss losses
   * @throws IllegalArgumentException for fewer than 6 points, fewer than two distinct sizes, or
   *     invalid values
   */
  public ChinchillaFit fitChinchilla(double[] params, double[] tokens, double[] loss) {
    check(tokens, loss, 6);
    if (params.length != loss.length) {
      throw new IllegalArgumentException("params length must equal loss length (" + loss.length
          + "), got " + params.length);
    }
    long sizes = java.util.Arrays.stream(params).distinct().count();
    if (sizes < 2) {
      throw new IllegalArgumentException(
          "the Chinchilla law needs points from at least 2 model sizes, got " + sizes);
    }
    int n = loss.length;
    double[] xn = new double[n];
    double[] xd = new double[n];
    for (int i = 0; i < n; i++) {
      if (!(params[i] > 0) || Double.isInfinite(params[i])) {
        throw new IllegalArgumentException("params[" + i + "] must be finite and > 0, got "
            + params[i]);
      }
      xn[i] = params[i] / TOKEN_SCALE;
      xd[i] = tokens[i] / TOKEN_SCALE;
    }
    // grid over (α, β) with linear least squares for (E, A, B)
    double best = Double.POSITIVE_INFINITY;
    double[] start = null;
    for (double a = 0.05; a <= 1.5; a += 0.05) {
      for (double bb = 0.05; bb <= 1.5; bb += 0.05) {
        double[][] cols = new double[n][3];
        for (int i = 0; i < n; i++) {
          cols[i][0] = 1;
          cols[i][1] = Math.pow(xn[i], -a);
          cols[i][2] = Math.pow(xd[i], -bb);
        }
        double[] coef = linearLeastSquares(cols, loss);
        if (coef == null || coef[0] < 0 || coef[1] <= 0 || coef[2] <= 0) {
          continue;
        }
        double sse = sse(cols, coef, loss);
        if (sse < best) {
          best = sse;
          start = new double[] {coef[0], coef[1], a, coef[2], bb};
        }
      }
    }
    if (start == null) {
      start = new double[] {min(loss) * 0.5, 1, 0.3, 1, 0.3};
    }
    MultivariateJacobianFunction model = p -> {
      double e = p.getEntry(0);
      double aa = Math.exp(p.getEntry(1));
      double al = Math.exp(p.getEntry(2));
      double b = Math.exp(p.getEntry(3));
      double be = Math.exp(p.getEntry(4));
      RealVector value = new ArrayRealVector(n);
      RealMatrix jac = new Array2DRowRealMatrix(n, 5);
      for (int i = 0; i < n; i++) {
        double pn = Math.pow(xn[i], -al);
        double pd = Math.pow(xd[i], -be);
        value.setEntry(i, e * e + aa * pn + b * pd);
        jac.setEntry(i, 0, 2 * e);
        jac.setEntry(i, 1, aa * pn);
        jac.setEntry(i, 2, -aa * pn * Math.log(xn[i]) * al);
        jac.setEntry(i, 3, b * pd);
        jac.setEntry(i, 4, -b * pd * Math.log(xd[i]) * be);
      }
      return new Pair<>(value, jac);
    };
    double[] p0 = {Math.sqrt(Math.max(start[0], 0)), Math.log(start[1]), Math.log(start[2]),
        Math.log(start[3]), Math.log(start[4])};
    Result r = solve(model, loss, p0);
    double al = Math.exp(r.params[2]);
    double be = Math.exp(r.params[4]);
    return new ChinchillaFit(r.params[0] * r.params[0],
        Math.exp(r.params[1]) * Math.pow(TOKEN_SCALE, al), al,
        Math.exp(r.params[3]) * Math.pow(TOKEN_SCALE, be), be, r.rmse, r.r2, n, r.flag);
  }

  private record Result(double[] params, double[] se, double rmse, double r2, String flag) {}

  private Result solve(MultivariateJacobianFunction model, double[] loss, double[] p0) {
    int n = loss.length;
    double[] weights = new double[n];
    java.util.Arrays.fill(weights, 1.0);
    double[] params = p0.clone();
    String flag = null;
    LeastSquaresOptimizer.Optimum optimum = null;
    int rounds = huberDelta > 0 ? 20 : 1;
    for (int round = 0; round < rounds; round++) {
      try {
        optimum = new LevenbergMarquardtOptimizer().optimize(new LeastSquaresBuilder()
            .start(params).model(model).target(loss).weight(new DiagonalMatrix(weights))
            .maxEvaluations(maxIterations * 10).maxIterations(maxIterations).lazyEvaluation(false)
            .build());
        params = optimum.getPoint().toArray();
      } catch (TooManyEvaluationsException | TooManyIterationsException
          | ConvergenceException e) {
        flag = "the fit did not converge: " + e.getMessage();
        break;
      }
      if (huberDelta > 0) {
        double[] residual = residuals(model, params, loss);
        double change = 0;
        for (int i = 0; i < n; i++) {
          double w = Math.abs(residual[i]) <= huberDelta ? 1.0
              : huberDelta / Math.abs(residual[i]);
          change = Math.max(change, Math.abs(w - weights[i]));
          weights[i] = w;
        }
        if (change < 1e-6) {
          break;
        }
      }
    }
    double[] residual = residuals(model, params, loss);
    double ssr = 0;
    double mean = 0;
    for (double l : loss) {
      mean += l / n;
    }
    double sst = 0;
    for (int i = 0; i < n; i++) {
      ssr += residual[i] * residual[i];
      sst += (loss[i] - mean) * (loss[i] - mean);
    }
    double[] se = new double[params.length];
    java.util.Arrays.fill(se, Double.NaN);
    if (optimum != null && n > params.length) {
      try {
        RealMatrix cov = optimum.getCovariances(1e-14);
        double sigma2 = ssr / (n - params.length);
        for (int k = 0; k < params.length; k++) {
          se[k] = Math.sqrt(Math.max(0, cov.getEntry(k, k) * sigma2));
        }
      } catch (SingularMatrixException e) {
        if (flag == null) {
          flag = "parameters are not identifiable from these points (singular covariance)";
        }
      }
    }
    return new Result(params, se, Math.sqrt(ssr / n), sst > 0 ? 1 - ssr / sst : Double.NaN,
        flag);
  }

  private static double[] residuals(MultivariateJacobianFunction model, double[] params,
      double[] loss) {
    RealVector v = model.value(new ArrayRealVector(params)).getFirst();
    double[] r = new double[loss.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = loss[i] - v.getEntry(i);
    }
    return r;
  }

  /** Start for the data law: grid over β, linear least squares for (E, B), constrained. */
  private static double[] gridStart(double[] x, double[] loss) {
    double best = Double.POSITIVE_INFINITY;
    double[] start = null;
    int n = x.length;
    for (double beta = 0.02; beta <= 2.0; beta += 0.02) {
      double[][] cols = new double[n][2];
      for (int i = 0; i < n; i++) {
        cols[i][0] = 1;
        cols[i][1] = Math.pow(x[i], -beta);
      }
      double[] coef = linearLeastSquares(cols, loss);
      if (coef == null || coef[1] <= 0) {
        continue;
      }
      if (coef[0] < 0) {
        // E at its bound: refit B alone
        double num = 0;
        double den = 0;
        for (int i = 0; i < n; i++) {
          num += cols[i][1] * loss[i];
          den += cols[i][1] * cols[i][1];
        }
        coef = new double[] {0, num / den};
      }
      double sse = sse(cols, coef, loss);
      if (sse < best) {
        best = sse;
        start = new double[] {coef[0], coef[1], beta};
      }
    }
    if (start == null) {
      double lo = min(loss);
      start = new double[] {Math.max(0, lo * 0.9), Math.max(1e-6, max(loss) - lo * 0.9), 0.3};
    }
    return start;
  }

  private static double[] linearLeastSquares(double[][] cols, double[] y) {
    int k = cols[0].length;
    double[][] ata = new double[k][k];
    double[] aty = new double[k];
    for (int i = 0; i < y.length; i++) {
      for (int a = 0; a < k; a++) {
        aty[a] += cols[i][a] * y[i];
        for (int b = 0; b < k; b++) {
          ata[a][b] += cols[i][a] * cols[i][b];
        }
      }
    }
    try {
      return new org.apache.commons.math3.linear.LUDecomposition(
          new Array2DRowRealMatrix(ata)).getSolver()
          .solve(new ArrayRealVector(aty)).toArray();
    } catch (SingularMatrixException e) {
      return null;
    }
  }

  private static double sse(double[][] cols, double[] coef, double[] y) {
    double s = 0;
    for (int i = 0; i < y.length; i++) {
      double f = 0;
      for (int a = 0; a < coef.length; a++) {
        f += cols[i][a] * coef[a];
      }
      s += (y[i] - f) * (y[i] - f);
    }
    return s;
  }

  private static void check(double[] tokens, double[] loss, int minimum) {
    if (tokens.length != loss.length) {
      throw new IllegalArgumentException("tokens length (" + tokens.length
          + ") must equal loss length (" + loss.length + ")");
    }
    if (loss.length < minimum) {
      throw new IllegalArgumentException("a scaling-law fit needs at least " + minimum
          + " points, got " + loss.length);
    }
    for (int i = 0; i < loss.length; i++) {
      if (!(tokens[i] > 0) || Double.isInfinite(tokens[i])) {
        throw new IllegalArgumentException(
            "tokens[" + i + "] must be finite and > 0, got " + tokens[i]);
      }
      if (!Double.isFinite(loss[i])) {
        throw new IllegalArgumentException("loss[" + i + "] must be finite, got " + loss[i]);
      }
    }
  }

  private static boolean decreasing(double[] tokens, double[] loss) {
    return loss[argMax(tokens)] < loss[argMin(tokens)];
  }

  private static int argMin(double[] v) {
    int k = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] < v[k]) {
        k = i;
      }
    }
    return k;
  }

  private static int argMax(double[] v) {
    int k = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[k]) {
        k = i;
      }
    }
    return k;
  }

  private static double min(double[] v) {
    return v[argMin(v)];
  }

  private static double max(double[] v) {
    return v[argMax(v)];
  }
}
