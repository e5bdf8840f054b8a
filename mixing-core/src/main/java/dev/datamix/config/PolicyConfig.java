package dev.datamix.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.state.Json;
import java.util.Collections;
import java.util.Map;

/**
 * A validated policy configuration with every default filled in. Immutable; made only by
 * {@link ConfigSchema#parse}.
 */
public final class PolicyConfig {
  private final String owner;
  private final ConfigSchema schema;
  private final Map<String, Object> values;

  PolicyConfig(String owner, ConfigSchema schema, Map<String, Object> values) {
    this.owner = owner;
    this.schema = schema;
    this.values = Collections.unmodifiableMap(values);
  }

  /**
   * The value of {@code key}.
   *
   * @throws IllegalArgumentException if {@code key} is not in this config's schema
   */
  @SuppressWarnings("unchecked")
  public <T> T get(ConfigKey<T> key) {
    if (!values.containsKey(key.name())) {
      throw new IllegalArgumentException(
          "config key '" + key.name() + "' is not a key of policy '" + owner + "'");
    }
    return (T) values.get(key.name());
  }

  /** The schema this config was validated against. */
  public ConfigSchema schema() {
    return schema;
  }

  /** The canonical JSON of this config, defaults included; equal configs give equal JSON. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public ObjectNode toJson() {
    ObjectNode o = Json.object();
    for (ConfigKey key : schema.keys()) {
      Object v = values.get(key.name());
      o.set(key.name(), v == null ? null : key.write(v));
    }
    return o;
  }

  @Override
  public boolean equals(Object o) {
    return this == o || (o instanceof PolicyConfig c && owner.equals(c.owner)
        && toJson().equals(c.toJson()));
  }

  @Override
  public int hashCode() {
    return toJson().hashCode();
  }

  @Override
  public String toString() {
    return owner + toJson().toString();
  }
}
