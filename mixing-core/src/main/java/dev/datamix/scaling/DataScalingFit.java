package dev.datamix.scaling;

import java.util.Locale;

/**
 * A fitted data-scaling law {@code L(D) = E + B / D^β} for one domain.
 *
 * @param irreducible {@code E >= 0}, the loss floor
 * @param amplitude {@code B > 0}
 * @param exponent {@code β > 0}
 * @param seIrreducible standard error of {@code E} (NaN if not estimable)
 * @param seAmplitude standard error of {@code B}
 * @param seExponent standard error of {@code β}
 * @param rmse root-mean-square residual of the fit (loss units)
 * @param rSquared coefficient of determination
 * @param points number of points fitted
 * @param flag {@code null} for a sound fit, otherwise why the fit is not to be trusted (the values
 *     are then the best the fitter found, or a fallback it states)
 * @see <a href="https://arxiv.org/abs/2203.15556">Hoffmann et al., Training Compute-Optimal
 *     Large Language Models, 2022</a>
 */
public record DataScalingFit(double irreducible, double amplitude, double exponent,
    double seIrreducible, double seAmplitude, double seExponent, double rmse, double rSquared,
    int points, String flag) {

  /** The predicted loss after {@code tokens} tokens, {@code > 0}. */
  public double predict(double tokens) {
    if (!(tokens > 0)) {
      throw new IllegalArgumentException("tokens must be > 0, got " + tokens);
    }
    return irreducible + amplitude * Math.pow(tokens, -exponent);
  }

  /** Whether the fit is flagged as untrustworthy. */
  public boolean flagged() {
    return flag != null;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "E=%.4f±%.4f B=%.4g±%.2g beta=%.4f±%.4f rmse=%.4f R2=%.4f"
        + " n=%d%s", irreducible, seIrreducible, amplitude, seAmplitude, exponent, seExponent,
        rmse, rSquared, points, flag == null ? "" : " FLAGGED: " + flag);
  }
}
