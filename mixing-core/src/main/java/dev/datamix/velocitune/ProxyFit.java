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
 * will see in the full run ({@code budget × w0_i}, the initial mixture's share).
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
   * A flagged fit falls back to the fit's value at the last proxy point (no further gain assumed),
   * and the fallback is reported in {@code notes}.
   */
  public static Map<String, Double> targets(Map<String, DataScalingFit> fits, Mixture initial,
      double budgetTokens, Map<String, List<double[]>> proxyPoints, List<String> notes) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Map.Entry<String, DataScalingFit> e : fits.entrySet()) {
      DataScalingFit f = e.getValue();
      double tokens = budgetTokens * initial.weight(e.getKey());
      if (f.flagged()) {
        List<double[]> ps = proxyPoints.get(e.getKey());
        double last = ps.get(ps.size() - 1)[1];
        out.put(e.getKey(), last);
        notes.add(String.format(Locale.ROOT, "domain '%s': fit flagged (%s); target = last proxy "
            + "loss %.4f", e.getKey(), f.flag(), last));
      } else {
        out.put(e.getKey(), f.predict(Math.max(tokens, 1)));
      }
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
