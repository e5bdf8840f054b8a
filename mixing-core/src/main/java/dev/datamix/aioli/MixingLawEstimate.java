package dev.datamix.aioli;

/**
 * The arithmetic of Aioli's LearnParams ({@code aioli_trainer.py}, {@code learn_params_subroutine},
 * lines 119–191): from the held-out losses measured around each segment, the mixing-law matrix
 * {@code A} with {@code A[i][j]} the decrease of domain {@code i}'s loss per segment trained on
 * domain {@code j}.
 */
final class MixingLawEstimate {
  private MixingLawEstimate() {}

  /**
   * The loss decreases per segment, averaged over the sweeps: {@code G[i][j]} is the mean over the
   * segments {@code m} that trained on {@code j} of {@code L_i(before m) − L_i(after m)}. A
   * difference with a missing ({@code NaN}) measurement is left out of its mean; a mean over none
   * is 0. The reference sums and divides by {@code lpRounds}: the same when nothing is missing.
   *
   * @param measured {@code segments + 1} vectors of K held-out losses ({@code NaN}: not measured)
   * @param order the domain of each segment
   */
  static double[][] decreases(double[][] measured, int[] order, int k) {
    double[][] sum = new double[k][k];
    int[][] count = new int[k][k];
    for (int m = 0; m < order.length; m++) {
      for (int i = 0; i < k; i++) {
        double d = measured[m][i] - measured[m + 1][i];
        if (Double.isFinite(d)) {
          sum[i][order[m]] += d;
          count[i][order[m]]++;
        }
      }
    }
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        sum[i][j] = count[i][j] == 0 ? 0 : sum[i][j] / count[i][j];
      }
    }
    return sum;
  }

  /**
   * Removes the smoothing: each segment trained on {@code p_j = f·e_j + (1 − f)/(K − 1)·(1 − e_j)},
   * so under the linear law {@code G[i][j] = Σ_m p_j[m]·A[i][m]}, and {@code A[i] = W⁻¹·G[i]} with
   * {@code W[j][m] = p_j[m]} (the reference's {@code np.linalg.solve}, line 176). {@code W = c·I +
   * b·11ᵀ} with {@code b = (1 − f)/(K − 1)} and {@code c = f − b}, whose inverse is closed-form
   * (Sherman–Morrison, and {@code c + K·b = 1}): {@code A[i][m] = (G[i][m] − b·Σ G[i])/c}. With
   * {@code diagonal}, only {@code A[i][i] = G[i][i]/f} is kept (line 186).
   */
  static double[][] unsmooth(double[][] g, double f, boolean diagonal) {
    int k = g.length;
    double[][] a = new double[k][k];
    double b = (1 - f) / (k - 1);
    double c = f - b;
    for (int i = 0; i < k; i++) {
      if (diagonal) {
        a[i][i] = g[i][i] / f;
        continue;
      }
      double total = 0;
      for (double v : g[i]) {
        total += v;
      }
      for (int m = 0; m < k; m++) {
        a[i][m] = (g[i][m] - b * total) / c;
      }
    }
    return a;
  }

  /**
   * {@code --aioli_normalize_A} (lines 324–331): shifts the matrix so its smallest entry is 0 if
   * any is negative, then divides by the sum of its entries (left as is when that sum is 0).
   */
  static void normalise(double[][] a) {
    double min = Double.POSITIVE_INFINITY;
    for (double[] row : a) {
      for (double v : row) {
        min = Math.min(min, v);
      }
    }
    double sum = 0;
    for (double[] row : a) {
      for (int j = 0; j < row.length; j++) {
        row[j] -= Math.min(min, 0);
        sum += row[j];
      }
    }
    if (sum == 0) {
      return;
    }
    for (double[] row : a) {
      for (int j = 0; j < row.length; j++) {
        row[j] /= sum;
      }
    }
  }

  /** The column sums {@code Σ_i A[i][j]}: how much training on {@code j} lowers every loss. */
  static double[] columnSums(double[][] a) {
    double[] s = new double[a.length];
    for (double[] row : a) {
      for (int j = 0; j < row.length; j++) {
        s[j] += row[j];
      }
    }
    return s;
  }

  /** The rows of a rectangular matrix, one after another (a snapshot's layout). */
  static double[] flatten(double[][] a) {
    int k = a.length == 0 ? 0 : a[0].length;
    double[] out = new double[a.length * k];
    for (int i = 0; i < a.length; i++) {
      System.arraycopy(a[i], 0, out, i * k, k);
    }
    return out;
  }

  /** {@code rows × k} from what {@link #flatten} wrote. */
  static double[][] unflatten(double[] flat, int rows, int k) {
    double[][] out = new double[rows][k];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(flat, i * k, out[i], 0, k);
    }
    return out;
  }
}
