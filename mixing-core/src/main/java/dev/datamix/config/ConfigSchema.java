package dev.datamix.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.state.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The set of keys a policy accepts. Parsing a config through the schema is the only way to make a
 * {@link PolicyConfig}, so file configs, map configs and restored configs share one validation.
 */
public final class ConfigSchema {
  private final String owner;
  private final Map<String, ConfigKey<?>> keys;

  private ConfigSchema(String owner, Map<String, ConfigKey<?>> keys) {
    this.owner = owner;
    this.keys = keys;
  }

  /**
   * A schema of {@code keys} for the policy named {@code owner}.
   *
   * @throws IllegalArgumentException if two keys share a name
   */
  public static ConfigSchema of(String owner, List<ConfigKey<?>> keys) {
    Map<String, ConfigKey<?>> m = new LinkedHashMap<>();
    for (ConfigKey<?> k : keys) {
      if (m.put(k.name(), k) != null) {
        throw new IllegalArgumentException("duplicate config key '" + k.name() + "'");
      }
    }
    return new ConfigSchema(owner, m);
  }

  /** The keys, in declaration order. */
  public List<ConfigKey<?>> keys() {
    return List.copyOf(keys.values());
  }

  /** Names of the keys, in declaration order. */
  public List<String> keyNames() {
    return List.copyOf(keys.keySet());
  }

  /**
   * Validates a JSON object and fills in defaults.
   *
   * @param config a JSON object, or {@code null} / JSON null for "all defaults"
   * @throws IllegalArgumentException naming the key: unknown key (with the known keys), missing
   *     required key, or a value of the wrong type or range (with the value found)
   */
  public PolicyConfig parse(JsonNode config) {
    if (config != null && !config.isNull() && !config.isObject()) {
      throw new IllegalArgumentException(
          "config of " + ownerName() + " must be a JSON object, got " + config);
    }
    if (config != null && config.isObject()) {
      for (Iterator<String> it = config.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        if (!keys.containsKey(name)) {
          throw new IllegalArgumentException("unknown config key '" + name + "' for "
              + ownerName() + "; known keys: " + keyNames());
        }
      }
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (ConfigKey<?> key : keys.values()) {
      JsonNode v = config == null ? null : config.get(key.name());
      if (v == null || v.isNull()) {
        if (key.required()) {
          throw new IllegalArgumentException("missing required config key '" + key.name()
              + "' for " + ownerName() + " (" + key.type() + "): " + key.description());
        }
        values.put(key.name(), key.defaultValue());
      } else {
        try {
          values.put(key.name(), key.read(v));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("config key '" + key.name() + "' of "
              + ownerName() + " " + e.getMessage() + ", got " + abbreviate(v), e);
        }
      }
    }
    return new PolicyConfig(owner, this, values);
  }

  /** Validates a map of plain Java values; see {@link #parse(JsonNode)}. */
  public PolicyConfig parse(Map<String, ?> config) {
    return parse(Json.fromMap(config));
  }

  /** Documentation lines, one per key, for {@code datamix policies} and error messages. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    for (ConfigKey<?> k : keys.values()) {
      lines.add(k.toString());
    }
    return lines;
  }

  private static String abbreviate(JsonNode v) {
    String s = v.toString();
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }

  /** How messages name the owner: the trainer's own settings, or a policy. */
  private String ownerName() {
    return owner.equals("trainer") ? "the trainer" : "policy '" + owner + "'";
  }
}
