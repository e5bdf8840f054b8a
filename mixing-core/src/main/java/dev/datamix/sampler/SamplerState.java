package dev.datamix.sampler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.Json;
import dev.datamix.state.StateReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON layout of a {@link MixtureSampler} snapshot: written in one place, and read and
 * checked against the restoring sampler's domains and options before anything is changed.
 *
 * @param reader the snapshot, for {@link DomainOrders} to read its own fields
 * @param names the saved domain names, in saved order
 * @param current for each saved domain, its index in the restoring sampler's domains, or -1
 * @param requestedUnits the requested-block counters, in the restoring sampler's domain order
 * @param exhausted saved exhaustion, in the restoring sampler's domain order
 * @param step the step of the last draw call
 * @param drawsInStep draws made for that step
 */
record SamplerState(StateReader reader, List<String> names, int[] current,
    long[] requestedUnits,
    boolean[] exhausted, long step, long drawsInStep) {

  static ObjectNode write(List<String> names, SamplerOptions options, long step,
      long drawsInStep, DomainOrders orders, WeightsInForce weights, boolean[] exhausted) {
    ObjectNode o = Json.object();
    o.put("stateVersion", MixtureSampler.STATE_VERSION);
    o.put("seed", options.seed());
    o.put("maxRepetitionRatio", options.maxRepetitionRatio());
    if (!options.maxEpochs().isEmpty()) {
      o.set("maxEpochs", Json.mapper().valueToTree(options.maxEpochs()));
    }
    if (options.allocation() != SamplerOptions.Allocation.RANDOM) {
      o.put("allocation", options.allocation().name()); // absent: RANDOM, as before the field
    }
    ArrayNode n = o.putArray("domains");
    names.forEach(n::add);
    o.put("step", step);
    o.put("drawsInStep", drawsInStep);
    orders.writeTo(o);
    weights.writeTo(o);
    ArrayNode ex = o.putArray("exhausted");
    for (int d = 0; d < exhausted.length; d++) {
      if (exhausted[d]) {
        ex.add(names.get(d));
      }
    }
    return o;
  }

  /**
   * Reads and checks {@code state} for a sampler over {@code names} with {@code options}; with
   * {@code grown}, domains are matched by name and the caps may differ.
   *
   * @throws IncompatibleStateException naming expected vs found on any mismatch or malformation
   */
  static SamplerState read(JsonNode state, List<String> names, SamplerOptions options,
      boolean grown) {
    StateReader r = StateReader.of(state, "sampler");
    int version = r.getInt("stateVersion");
    if (version > MixtureSampler.STATE_VERSION) {
      throw new IncompatibleStateException("incompatible state: sampler stateVersion expected <= "
          + MixtureSampler.STATE_VERSION + " but found " + version + " (written by a newer "
          + "datamix)");
    }
    List<String> savedNames = new ArrayList<>();
    r.field("domains").forEach(e -> savedNames.add(e.asText()));
    if (!grown) {
      IncompatibleStateException.check("sampler domain names", names, savedNames);
    }
    IncompatibleStateException.check("sampler seed", options.seed(), r.getLong("seed"));
    IncompatibleStateException.check("sampler allocation", options.allocation().name(),
        state.path("allocation").asText("RANDOM"));
    if (!grown) {
      IncompatibleStateException.check("sampler maxRepetitionRatio",
          options.maxRepetitionRatio(), r.getDouble("maxRepetitionRatio"));
      IncompatibleStateException.check("sampler maxEpochs",
          Json.mapper().valueToTree(options.maxEpochs()), state.has("maxEpochs")
              ? state.get("maxEpochs") : Json.object());
    }
    long[] units = state.has("requestedUnits") ? r.getLongs("requestedUnits", savedNames.size())
        : new long[savedNames.size()]; // written before requests were counted
    Map<String, Integer> index = new HashMap<>(); // names.indexOf per domain would be O(K²)
    for (int d = 0; d < names.size(); d++) {
      index.put(names.get(d), d);
    }
    boolean[] exhausted = new boolean[names.size()];
    for (JsonNode e : r.field("exhausted")) {
      int d = index.getOrDefault(e.asText(), -1);
      if (d < 0 && !grown) {
        throw new IncompatibleStateException(
            "state field 'sampler.exhausted' names unknown domain " + e);
      }
      if (d >= 0) {
        exhausted[d] = true;
      }
    }
    int[] current = new int[savedNames.size()];
    long[] mapped = new long[names.size()];
    for (int i = 0; i < savedNames.size(); i++) {
      current[i] = index.getOrDefault(savedNames.get(i), -1);
      if (current[i] >= 0) {
        mapped[current[i]] = units[i];
      }
    }
    return new SamplerState(r, savedNames, current, mapped, exhausted, r.getLong("step"),
        r.getLong("drawsInStep"));
  }
}
