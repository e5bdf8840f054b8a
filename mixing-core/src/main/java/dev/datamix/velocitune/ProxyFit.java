package dev.datamix.velocitune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.mixture.Mixture;
import dev.datamix.scaling.DataScalingFit;
import dev.datamix.scaling.ScalingLawFitter;
import dev.datamix.state.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Velocitune's target losses from a proxy run: per domain, the held-out losses recorded at several
 * token counts are fitted with {@code L(D) = E + B/D^β} and extrapolated to the tokens the domain
 * will see in the full run ({@code budget × w0_i}, the initial mixture's share). The points
 * should be the final losses of proxy runs each trained to the end of its own schedule ({@link
 * ProxyRuns}): a point read mid-run sits above the annealed loss the full run ends at, and a
 * point read at a proxy's anneal looks like saturation to the fit.
 *
 * @see <a href="https://arxiv.org/abs/2411.14318">Luo et al., Velocitune: A Velocity-based Dynamic
 *     Domain Reweighting Method for Continual Pre-training, ACL 2025</a>
 */
public final class ProxyFit {
  private final Map<String, List<double[]>> points = new LinkedHashMap<>();

  /** Records the held-out loss of {@code domain} after it saw {@code tokens} tokens. */
  public ProxyFit add(String domain, double tokens, double loss) {
    points.computeIfAbsent(domain, k -> new ArrayList<>()).add(new double[] {tokens, loss});
    return this;
  }

  /** The recorded points per domain, as {@code [tokens, loss]} pairs. */
  public Map<String, List<double[]>> points() {
    return points;
  }

  /**
   * Fits every domain.
   *
   * @throws IllegalArgumentException naming the domain if it has too few or invalid points
   */
  public Map<String, DataScalingFit> fit(ScalingLawFitter fitter) {
    Map<String, DataScalingFit> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<double[]>> e : points.entrySet()) {
      List<double[]> ps = e.getValue().stream().filter(p -> p[0] > 0).toList();
      double[] d = new double[ps.size()];
      double[] l = new double[ps.size()];
      for (int i = 0; i < d.length; i++) {
        d[i] = ps.get(i)[0];
        l[i] = ps.get(i)[1];
      }
      try {
        out.put(e.getKey(), fitter.fitData(d, l));
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException("domain '" + e.getKey() + "': " + ex.getMessage(), ex);
      }
    }
    return out;
  }

  /**
   * Target loss per domain: each fit extrapolated to {@code budgetTokens × initial(domain)}.
   *
   * <p>A flagged fit cannot be trusted to extrapolate, and the fallback must not freeze the
   * domain: a target above what the run reaches gives it velocity 0 for the rest of the run
   * (the old fallback, the last proxy loss, did exactly that, since the full run trains longer
   * than any proxy). The fallback is the pure power law {@code B·D^(−β)} through the domain's
   * points (least squares in log–log, {@code E = 0}) at the domain's full-run tokens: any curve
   * with a floor {@code E > 0} through the same points bends above it, so a run is not expected
   * to pass it. A domain whose proxy loss never fell ({@code β ≤ 0}) gets target 0, whose
   * velocity {@code ℓ_t/ℓ_0} never reaches 0 either. Each fallback is reported in {@code notes}.
   */
  public static Map<String, Double> targets(Map<String, DataScalingFit> fits, Mixture initial,
      double budgetTokens, Map<String, List<double[]>> proxyPoints, List<String> notes) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Map.Entry<String, DataScalingFit> e : fits.entrySet()) {
      double tokens = Math.max(1, budgetTokens * initial.weight(e.getKey()));
      Prediction p = predict(e.getValue(), proxyPoints.get(e.getKey()), tokens);
      out.put(e.getKey(), p.value());
      if (p.fallback() != null) {
        notes.add(String.format(Locale.ROOT, "domain '%s': %s; target = %.4f", e.getKey(),
            p.fallback(), p.value()));
      }
    }
    return out;
  }

  /** A law's value at some tokens, and the fallback taken ({@code null}: the fit itself). */
  private record Prediction(double value, String fallback) {}

  /** What {@link #targets} takes at {@code tokens}: the fit, or its fallback if flagged. */
  private static Prediction predict(DataScalingFit f, List<double[]> points, double tokens) {
    if (!f.flagged()) {
      return new Prediction(f.predict(tokens), null);
    }
    double[] law = powerLaw(points);
    if (law[1] <= 0) {
      return new Prediction(0, "fit flagged (" + f.flag() + "); 0, since the proxy loss never "
          + "fell");
    }
    return new Prediction(law[0] * Math.pow(tokens, -law[1]), String.format(Locale.ROOT,
        "fit flagged (%s); pure power law %.4g·D^-%.4f at %.0f tokens", f.flag(), law[0], law[1],
        tokens));
  }

  /** {@code [B, β]} of {@code L = B·D^(−β)} fitted in log–log to the points with D, L > 0. */
  static double[] powerLaw(List<double[]> points) {
    List<double[]> ps = points.stream().filter(p -> p[0] > 0 && p[1] > 0).toList();
    if (ps.size() < 2) {
      return new double[] {0, 0};
    }
    double mx = 0;
    double my = 0;
    for (double[] p : ps) {
      mx += Math.log(p[0]) / ps.size();
      my += Math.log(p[1]) / ps.size();
    }
    double sxy = 0;
    double sxx = 0;
    for (double[] p : ps) {
      double dx = Math.log(p[0]) - mx;
      sxy += dx * (Math.log(p[1]) - my);
      sxx += dx * dx;
    }
    if (sxx == 0) {
      return new double[] {0, 0};
    }
    double beta = -sxy / sxx;
    return new double[] {Math.exp(my + beta * mx), beta};
  }

  /**
   * One domain's extrapolation check: the law fitted without the largest-token point, predicting
   * it, the way {@link #targets} would (a flagged reduced fit takes the same fallback).
   *
   * @param method {@code "fit"}, the fallback taken (with the reduced fit's flag), or why there
   *     is no prediction ({@code predicted} NaN)
   */
  public record Extrapolation(double tokens, double observed, double predicted, String method) {
    /** Predicted minus observed. */
    public double error() {
      return predicted - observed;
    }
  }

  /**
   * How well the fits extrapolate, per domain: the law fitted without its largest-token point,
   * predicting that point with the fit or, when the reduced fit is flagged, the fallback
   * {@link #targets} would use. A domain with too few points for the reduced fit gets NaN and
   * the fitter's reason.
   */
  public Map<String, Extrapolation> extrapolationCheck(ScalingLawFitter fitter) {
    Map<String, Extrapolation> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<double[]>> e : points.entrySet()) {
      List<double[]> ps = new ArrayList<>(e.getValue().stream().filter(p -> p[0] > 0).toList());
      ps.sort((x, y) -> Double.compare(x[0], y[0]));
      double[] last = ps.remove(ps.size() - 1);
      Extrapolation x;
      try {
        DataScalingFit f = fitter.fitData(ps.stream().mapToDouble(p -> p[0]).toArray(),
            ps.stream().mapToDouble(p -> p[1]).toArray());
        Prediction p = predict(f, ps, last[0]);
        x = new Extrapolation(last[0], last[1], p.value(),
            p.fallback() == null ? "fit" : p.fallback());
      } catch (IllegalArgumentException ex) {
        x = new Extrapolation(last[0], last[1], Double.NaN, "no reduced fit: " + ex.getMessage());
      }
      out.put(e.getKey(), x);
    }
    return out;
  }

  /** Fits as JSON: {@code {domain: {irreducible, amplitude, exponent, ...}}}. */
  public static ObjectNode toJson(Map<String, DataScalingFit> fits) {
    ObjectNode o = Json.object();
    fits.forEach((name, f) -> {
      ObjectNode n = o.putObject(name);
      n.put("irreducible", f.irreducible()).put("amplitude", f.amplitude())
          .put("exponent", f.exponent()).put("seIrreducible", f.seIrreducible())
          .put("seAmplitude", f.seAmplitude()).put("seExponent", f.seExponent())
          .put("rmse", f.rmse()).put("rSquared", f.rSquared()).put("points", f.points());
      if (f.flag() != null) {
        n.put("flag", f.flag());
      }
    });
    return o;
  }

  /** Reads what {@link #toJson} wrote. */
  public static Map<String, DataScalingFit> fromJson(JsonNode json) {
    Map<String, DataScalingFit> out = new LinkedHashMap<>();
    json.fields().forEachRemaining(e -> {
      JsonNode n = e.getValue();
      out.put(e.getKey(), new DataScalingFit(n.path("irreducible").asDouble(),
          n.path("amplitude").asDouble(), n.path("exponent").asDouble(),
          n.path("seIrreducible").asDouble(Double.NaN), n.path("seAmplitude").asDouble(Double.NaN),
          n.path("seExponent").asDouble(Double.NaN), n.path("rmse").asDouble(Double.NaN),
          n.path("rSquared").asDouble(Double.NaN), n.path("points").asInt(),
          n.hasNonNull("flag") ? n.get("flag").asText() : null));
    });
    return out;
  }
}
