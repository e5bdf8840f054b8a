package dev.datamix.ado;

import dev.datamix.scaling.DataScalingFit;
import dev.datamix.scaling.ScalingLawFitter;
import java.util.ArrayList;
import java.util.List;

/**
 * ADO's per-domain fit of {@code L_k(n) = ε_k + β_k·n^(−α_k)} to the training-loss history,
 * prepared as the reference code prepares it ({@code mixtera/core/algo/ado/ado.py}, {@code
 * fit_scaling_law_for_domain}, lines 648–760): missing losses imputed with the previous one
 * (line 695), a Savitzky–Golay filter of window {@code min(101, points)} and degree 3 (lines
 * 707–712), points before any token of the domain and within the first {@code ignoreInitial}
 * observations dropped (line 727), then every {@code subsampling}-th point (line 736). The fit
 * is {@link ScalingLawFitter}'s, Huber-weighted with {@code δ = 10⁻³} of the median loss; the
 * reference fits {@code log L} with a Huber {@code δ = 10⁻³} from a grid of 384 starts with
 * L-BFGS-B and penalties on the parameter ranges (lines 426–468).
 */
final class AdoFits {
  private AdoFits() {}

  /**
   * The fit of one domain, or null when fewer than 4 points remain (the reference returns
   * placeholder parameters then, line 743).
   *
   * @param cumulativeTokens the domain's {@code n} after each observation
   * @param losses the domain's mean training loss at each observation, 0 where not measured
   */
  static DataScalingFit fit(double[] cumulativeTokens, double[] losses, int ignoreInitial,
      int subsampling, boolean savgol) {
    int n = losses.length;
    double[] y = losses.clone();
    for (int t = 1; t < n; t++) {
      if (y[t] == 0) {
        y[t] = y[t - 1];
      }
    }
    if (savgol) {
      int window = Math.min(101, n);
      if (window % 2 == 0) {
        window--;
      }
      if (window > 3) {
        y = SavitzkyGolay.smooth(y, window, 3);
      }
    }
    List<double[]> kept = new ArrayList<>();
    for (int t = 0; t < n; t++) {
      if (cumulativeTokens[t] > 0 && t > ignoreInitial && y[t] > 0 && Double.isFinite(y[t])) {
        kept.add(new double[] {cumulativeTokens[t], y[t]});
      }
    }
    List<double[]> sub = new ArrayList<>();
    for (int i = 0; i < kept.size(); i += Math.max(1, subsampling)) {
      sub.add(kept.get(i));
    }
    if (sub.size() < 4) {
      return null;
    }
    double[] x = new double[sub.size()];
    double[] l = new double[sub.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = sub.get(i)[0];
      l[i] = sub.get(i)[1];
    }
    double[] sorted = l.clone();
    java.util.Arrays.sort(sorted);
    return ScalingLawFitter.huber(1e-3 * sorted[sorted.length / 2]).fitData(x, l);
  }

  /** {@code dL/dn = −α·(L(n) − ε)/n} of a fit at {@code n > 0} (ado.py lines 497–504). */
  static double derivative(DataScalingFit f, double n) {
    if (!(n > 0)) {
      return 0;
    }
    double reducible = f.amplitude() * Math.pow(n, -f.exponent());
    return -f.exponent() * reducible / n;
  }
}
