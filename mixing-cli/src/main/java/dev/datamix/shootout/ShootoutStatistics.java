package dev.datamix.shootout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.stats.MeanAndSpread;
import dev.datamix.stats.PairedDifference;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The statistics of a shoot-out table, over the {@code result.json} of one policy's seeds: the
 * final figures (every test block), the seed spread, the evaluation-sample error, the worst
 * domain and the tokens to reach a level on the seed-averaged curve.
 */
final class ShootoutStatistics {
  private ShootoutStatistics() {}

  /** The whole-test-split evaluation of a run ({@code "final"} in its {@code result.json}). */
  static JsonNode finalScores(JsonNode result) {
    JsonNode f = result.path("final");
    if (!f.isObject()) {
      throw new IllegalArgumentException("result.json of " + result.path("label").asText()
          + " seed " + result.path("seed").asText() + " has no final whole-split evaluation; "
          + "it was written by an older version: run it again");
    }
    return f;
  }

  /** Mean and seed spread of {@code f} over the runs. */
  static MeanAndSpread across(List<JsonNode> runs, ToDoubleFunction<JsonNode> f) {
    double[] v = new double[runs.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = f.applyAsDouble(runs.get(i));
    }
    return MeanAndSpread.of(v);
  }

  /** Mean over the runs of {@code f}: the evaluation-sample error of a figure, per seed. */
  static double meanOver(List<JsonNode> runs, ToDoubleFunction<JsonNode> f) {
    return across(runs, f).mean();
  }

  /** A final figure's cell: {@code mean ± seed sd (evaluation-sample error)}. */
  static String cell(List<JsonNode> runs, String value, String error, String domain) {
    MeanAndSpread s = across(runs, r -> pick(finalScores(r), value, domain));
    double e = meanOver(runs, r -> pick(finalScores(r), error, domain));
    return String.format(java.util.Locale.ROOT, "%s (%.4f)", s, e);
  }

  private static double pick(JsonNode f, String key, String domain) {
    return (domain == null ? f.path(key) : f.path(key).path(domain)).asDouble(Double.NaN);
  }

  /**
   * The worst domain: the one with the highest seed-mean final loss, with that domain's own mean
   * and seed spread.
   *
   * @param name the domain
   * @param loss its final bits per byte over seeds
   */
  record Worst(String name, MeanAndSpread loss) {
    @Override
    public String toString() {
      return name + " " + loss;
    }
  }

  static Worst worst(List<JsonNode> runs, List<String> domains) {
    Worst worst = null;
    for (String d : domains) {
      MeanAndSpread s = across(runs, r -> finalScores(r).path("bpb").path(d).asDouble());
      if (worst == null || s.mean() > worst.loss().mean()) {
        worst = new Worst(d, s);
      }
    }
    return worst;
  }

  /**
   * The seed-averaged curve of {@code value}: tokens (the first run's) and the mean over runs at
   * each evaluation; a shorter run contributes its last point to the later evaluations.
   */
  static double[][] meanCurve(List<JsonNode> runs, ToDoubleFunction<JsonNode> value) {
    int n = runs.get(0).get("curve").size();
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = runs.get(0).get("curve").get(i).path("tokens").asDouble();
      double s = 0;
      for (JsonNode r : runs) {
        s += value.applyAsDouble(r.get("curve").get(Math.min(i, r.get("curve").size() - 1)));
      }
      y[i] = s / runs.size();
    }
    return new double[][] {x, y};
  }

  /**
   * Tokens at which the seed-averaged mean-loss curve first reaches {@code level} or below,
   * interpolated linearly between the two evaluations around the crossing; NaN if never.
   */
  static double tokensToReach(List<JsonNode> runs, double level) {
    double[][] c = meanCurve(runs, p -> p.path("meanBpb").asDouble());
    for (int i = 0; i < c[0].length; i++) {
      if (c[1][i] <= level + 1e-12) {
        if (i == 0 || c[1][i - 1] <= c[1][i]) {
          return c[0][i];
        }
        double f = (c[1][i - 1] - level) / (c[1][i - 1] - c[1][i]);
        return c[0][i - 1] + f * (c[0][i] - c[0][i - 1]);
      }
    }
    return Double.NaN;
  }

  /**
   * The paired difference {@code runs − reference} of a final figure over the seeds both ran
   * (matched by each result's {@code seed}); {@code worst} pairs each run's highest domain loss.
   * Null when fewer than one seed is shared or a value is missing.
   */
  static PairedDifference paired(List<JsonNode> runs, List<JsonNode> reference, String figure) {
    return PairedDifference.bySeed(seeds(runs), figures(runs, figure), seeds(reference),
        figures(reference, figure));
  }

  private static long[] seeds(List<JsonNode> runs) {
    return runs.stream().mapToLong(r -> r.path("seed").asLong()).toArray();
  }

  private static double[] figures(List<JsonNode> runs, String figure) {
    return runs.stream().mapToDouble(r -> figure(r, figure)).toArray();
  }

  private static double figure(JsonNode result, String figure) {
    JsonNode f = finalScores(result);
    if (!figure.equals("worst")) {
      return f.path(figure).asDouble(Double.NaN);
    }
    double w = Double.NaN;
    for (JsonNode b : f.path("bpb")) {
      w = Double.isNaN(w) ? b.asDouble() : Math.max(w, b.asDouble());
    }
    return w;
  }
}
