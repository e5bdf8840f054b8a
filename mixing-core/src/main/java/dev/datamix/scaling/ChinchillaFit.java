package dev.datamix.scaling;

/**
 * A fitted Chinchilla law {@code L(N, D) = E + A/N^α + B/D^β}.
 *
 * @param irreducible {@code E}
 * @param paramAmplitude {@code A}
 * @param paramExponent {@code α}
 * @param dataAmplitude {@code B}
 * @param dataExponent {@code β}
 * @param rmse root-mean-square residual
 * @param rSquared coefficient of determination
 * @param points points fitted
 * @param flag null for a sound fit, otherwise why not to trust it
 * @see <a href="https://arxiv.org/abs/2203.15556">Hoffmann et al., 2022</a>
 */
public record ChinchillaFit(double irreducible, double paramAmplitude, double paramExponent,
    double dataAmplitude, double dataExponent, double rmse, double rSquared, int points,
    String flag) {

  /** The predicted loss of a model of {@code params} parameters after {@code tokens} tokens. */
  public double predict(double params, double tokens) {
    return irreducible + paramAmplitude * Math.pow(params, -paramExponent)
        + dataAmplitude * Math.pow(tokens, -dataExponent);
  }
}
