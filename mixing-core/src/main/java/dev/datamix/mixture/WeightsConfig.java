package dev.datamix.mixture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.state.Json;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads and writes per-domain weight maps in configs: {@code {"code": 0.3, "prose": 0.7}}. */
public final class WeightsConfig {
  private WeightsConfig() {}

  /** Reads a JSON object of non-negative finite numbers, in order. */
  public static Map<String, Double> read(JsonNode node) {
    if (!node.isObject() || node.isEmpty()) {
      throw new IllegalArgumentException("must be a non-empty object of domain name -> weight");
    }
    Map<String, Double> m = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (!v.isNumber() || !(v.doubleValue() >= 0) || Double.isInfinite(v.doubleValue())) {
        throw new IllegalArgumentException(
            "must map each domain to a finite number >= 0; weight for domain '" + e.getKey()
                + "' is " + v);
      }
      m.put(e.getKey(), v.doubleValue());
    }
    return Collections.unmodifiableMap(m);
  }

  /** Writes a weight map as a JSON object. */
  public static JsonNode write(Map<String, Double> weights) {
    ObjectNode o = Json.object();
    weights.forEach(o::put);
    return o;
  }

  /**
   * The mixture over {@code domains} of raw weights given for exactly those domains.
   *
   * @param key the config key, for messages
   * @throws IllegalArgumentException naming the key and the unknown or missing domain
   */
  public static Mixture toMixture(String key, Map<String, Double> weights, List<String> domains) {
    for (String name : weights.keySet()) {
      if (!domains.contains(name)) {
        throw new IllegalArgumentException("config key '" + key + "' names unknown domain '"
            + name + "'; domains: " + domains);
      }
    }
    double[] raw = new double[domains.size()];
    for (int i = 0; i < raw.length; i++) {
      Double w = weights.get(domains.get(i));
      if (w == null) {
        throw new IllegalArgumentException("config key '" + key + "' has no weight for domain '"
            + domains.get(i) + "'; give every domain a weight (0 excludes it)");
      }
      raw[i] = w;
    }
    try {
      return Mixture.normalise(domains, raw);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("config key '" + key + "': " + e.getMessage(), e);
    }
  }
}
