package dev.datamix.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.state.Json;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The policies available on the class path, by name, found through {@link ServiceLoader}. Creates
 * a policy from a name and a config given as JSON or as a map.
 */
public final class PolicyRegistry {
  private final Map<String, MixingPolicyProvider> providers;

  private PolicyRegistry(Map<String, MixingPolicyProvider> providers) {
    this.providers = Collections.unmodifiableMap(providers);
  }

  /** The providers visible to the thread's context class loader (or this class's loader). */
  public static PolicyRegistry load() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return load(loader != null ? loader : PolicyRegistry.class.getClassLoader());
  }

  /**
   * The providers visible to {@code loader}.
   *
   * @throws IllegalStateException if two providers claim the same name
   */
  public static PolicyRegistry load(ClassLoader loader) {
    Map<String, MixingPolicyProvider> m = new TreeMap<>();
    for (MixingPolicyProvider p : ServiceLoader.load(MixingPolicyProvider.class, loader)) {
      MixingPolicyProvider previous = m.put(p.name(), p);
      if (previous != null && previous.getClass() != p.getClass()) {
        throw new IllegalStateException("two policy providers are named '" + p.name() + "': "
            + previous.getClass().getName() + " and " + p.getClass().getName());
      }
    }
    return new PolicyRegistry(m);
  }

  /** A registry of exactly {@code providers} (for tests and embedding). */
  public static PolicyRegistry of(List<MixingPolicyProvider> providers) {
    Map<String, MixingPolicyProvider> m = new TreeMap<>();
    for (MixingPolicyProvider p : providers) {
      if (m.put(p.name(), p) != null) {
        throw new IllegalArgumentException("duplicate policy name '" + p.name() + "'");
      }
    }
    return new PolicyRegistry(m);
  }

  /** Registered names, sorted. */
  public List<String> names() {
    return List.copyOf(providers.keySet());
  }

  /** All providers, sorted by name. */
  public List<MixingPolicyProvider> providers() {
    return List.copyOf(providers.values());
  }

  /**
   * The provider named {@code name}.
   *
   * @throws IllegalArgumentException if none is, listing the known names
   */
  public MixingPolicyProvider provider(String name) {
    MixingPolicyProvider p = providers.get(name);
    if (p == null) {
      throw new IllegalArgumentException(
          "unknown policy '" + name + "'; known policies: " + names());
    }
    return p;
  }

  /**
   * Creates the policy {@code name} from a JSON config object.
   *
   * @throws IllegalArgumentException for an unknown name (listing the known ones), or an unknown,
   *     missing or ill-typed config key (naming the key)
   */
  public MixingPolicy create(String name, PolicyContext context, JsonNode config) {
    MixingPolicyProvider p = provider(name);
    return p.create(context, p.configSchema().parse(config));
  }

  /** Creates the policy {@code name} from a config map; see {@link #create(String, PolicyContext, JsonNode)}. */
  public MixingPolicy create(String name, PolicyContext context, Map<String, ?> config) {
    return create(name, context, Json.fromMap(config));
  }

  /**
   * Creates a policy from a JSON object {@code {"policy": name, "config": {...}}}.
   *
   * @throws IllegalArgumentException if {@code policy} is missing or not a string, or any error of
   *     {@link #create(String, PolicyContext, JsonNode)}
   */
  public MixingPolicy create(PolicyContext context, JsonNode spec) {
    if (spec == null || !spec.isObject()) {
      throw new IllegalArgumentException(
          "policy spec must be an object {\"policy\": name, \"config\": {...}}, got " + spec);
    }
    for (var it = spec.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("policy") && !f.equals("config")) {
        throw new IllegalArgumentException(
            "unknown key '" + f + "' in policy spec; known keys: [policy, config]");
      }
    }
    JsonNode name = spec.get("policy");
    if (name == null || !name.isTextual()) {
      throw new IllegalArgumentException(
          "policy spec key 'policy' must be a string naming one of " + names() + ", got " + name);
    }
    return create(name.textValue(), context, spec.get("config"));
  }
}
