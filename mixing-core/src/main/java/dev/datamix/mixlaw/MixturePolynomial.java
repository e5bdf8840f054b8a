package dev.datamix.mixlaw;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.state.Json;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.QRDecomposition;

/**
 * Scheffé's mixture polynomials (Scheffé, 1958), the linear and quadratic regressions RegMix
 * reports beside LightGBM: {@code linear} is {@code y = Σ_j β_j·r_j}, {@code quadratic} adds
 * {@code Σ_{i<j} β_ij·r_i·r_j}. On the simplex these need no intercept and no squares ({@code 1 =
 * Σ r_j}, {@code r_i² = r_i − Σ_{j≠i} r_i·r_j}), so every coefficient is identified. Least squares
 * with a small ridge term {@code λ = 1e-6} relative to the design's scale, through a QR solve of
 * the augmented system, so a swarm with fewer runs than terms still fits.
 */
public final class MixturePolynomial implements MixRegressor {
  private final boolean quadratic;

  private MixturePolynomial(boolean quadratic) {
    this.quadratic = quadratic;
  }

  /** {@code linear}. */
  public static MixturePolynomial linear() {
    return new MixturePolynomial(false);
  }

  /** {@code quadratic}. */
  public static MixturePolynomial quadratic() {
    return new MixturePolynomial(true);
  }

  @Override
  public String name() {
    return quadratic ? "quadratic" : "linear";
  }

  @Override
  public String description() {
    return quadratic ? "Scheffe quadratic mixture model: sum b_j r_j + sum_{i<j} b_ij r_i r_j"
        : "Scheffe linear mixture model: sum b_j r_j";
  }

  double[] features(double[] r) {
    int k = r.length;
    double[] f = new double[quadratic ? k + k * (k - 1) / 2 : k];
    System.arraycopy(r, 0, f, 0, k);
    int n = k;
    if (quadratic) {
      for (int i = 0; i < k; i++) {
        for (int j = i + 1; j < k; j++) {
          f[n++] = r[i] * r[j];
        }
      }
    }
    return f;
  }

  @Override
  public Fitted fit(double[][] x, double[] y, long seed) {
    MixRegressor.check(x, y, 2);
    int p = features(x[0]).length;
    int n = y.length;
    double[][] a = new double[n + p][p];
    double[] b = new double[n + p];
    double scale = 0;
    for (int i = 0; i < n; i++) {
      a[i] = features(x[i]);
      b[i] = y[i];
      for (double v : a[i]) {
        scale += v * v;
      }
    }
    double ridge = Math.sqrt(1e-6 * scale / p);
    for (int j = 0; j < p; j++) {
      a[n + j][j] = ridge;
    }
    double[] beta = new QRDecomposition(new Array2DRowRealMatrix(a, false)).getSolver()
        .solve(new ArrayRealVector(b, false)).toArray();
    return new Fitted() {
      @Override
      public double predict(double[] r) {
        double[] f = features(r);
        double s = 0;
        for (int j = 0; j < f.length; j++) {
          s += beta[j] * f[j];
        }
        return s;
      }

      @Override
      public ObjectNode describe() {
        ObjectNode o = Json.object().put("form", description());
        o.set("coefficients", Json.doubles(beta));
        return o;
      }
    };
  }
}
