package dev.datamix.ado;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * The Savitzky–Golay smoothing filter: each point replaced by a least-squares polynomial of
 * degree {@code order} fitted over the {@code window} points centred on it; the first and last
 * {@code window/2} points are evaluated on the polynomial fitted over the first or last window
 * (scipy's {@code savgol_filter} with its default {@code mode="interp"}, which ADO's reference
 * code calls, {@code mixtera/core/algo/ado/ado.py} line 712).
 *
 * @see <a href="https://doi.org/10.1021/ac60214a047">Savitzky and Golay, Smoothing and
 *     Differentiation of Data by Simplified Least Squares Procedures, Anal. Chem. 1964</a>
 */
final class SavitzkyGolay {
  private SavitzkyGolay() {}

  /**
   * The smoothed series.
   *
   * @throws IllegalArgumentException unless {@code window} is odd, {@code order < window <=
   *     y.length}
   */
  static double[] smooth(double[] y, int window, int order) {
    if (window % 2 == 0 || window <= order || window > y.length) {
      throw new IllegalArgumentException("savgol window must be odd, > order " + order + " and "
          + "<= " + y.length + " points, got " + window);
    }
    int half = window / 2;
    int n = y.length;
    double[] out = new double[n];
    double[][] centre = projection(window, order);
    for (int i = half; i < n - half; i++) {
      double s = 0;
      for (int j = 0; j < window; j++) {
        s += centre[half][j] * y[i - half + j];
      }
      out[i] = s;
    }
    for (int i = 0; i < half; i++) {
      double s = 0;
      double e = 0;
      for (int j = 0; j < window; j++) {
        s += centre[i][j] * y[j];
        e += centre[window - 1 - i][j] * y[n - window + j];
      }
      out[i] = s;
      out[n - 1 - i] = e;
    }
    return out;
  }

  /**
   * The hat matrix {@code H = V (VᵀV)⁻¹ Vᵀ} of a degree-{@code order} polynomial over {@code
   * window} equally spaced points: row {@code r} gives the fitted value at point {@code r}.
   */
  private static double[][] projection(int window, int order) {
    RealMatrix v = new Array2DRowRealMatrix(window, order + 1);
    for (int r = 0; r < window; r++) {
      double x = r - window / 2;
      double p = 1;
      for (int c = 0; c <= order; c++) {
        v.setEntry(r, c, p);
        p *= x;
      }
    }
    RealMatrix pinv = new QRDecomposition(v).getSolver().getInverse(); // (VᵀV)⁻¹Vᵀ
    return v.multiply(pinv).getData();
  }
}
