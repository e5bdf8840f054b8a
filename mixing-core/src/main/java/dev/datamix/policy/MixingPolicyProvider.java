package dev.datamix.policy;

import dev.datamix.config.ConfigKey;
import dev.datamix.config.ConfigSchema;
import dev.datamix.config.PolicyConfig;
import java.util.List;
import java.util.Objects;

/**
 * Makes policies of one kind; registered under {@code
 * META-INF/services/dev.datamix.policy.MixingPolicyProvider} and found by {@link PolicyRegistry}
 * through {@link java.util.ServiceLoader}. Implementations need a public no-argument constructor
 * and must do no I/O in it.
 *
 * <p>Most providers are a name, a description, config keys and a factory: write them as {@link
 * #of} (for a registry made in code) or as a subclass of {@link Defined} (for {@code
 * ServiceLoader}), and the policy's name is written once.
 */
public interface MixingPolicyProvider {

  /** The unique name a config uses to select this policy, for example {@code "temperature"}. */
  String name();

  /** One sentence saying what the policy does and which paper it implements. */
  String description();

  /** The config keys the policy accepts, with types, defaults and descriptions. */
  ConfigSchema configSchema();

  /**
   * A new policy.
   *
   * @param context the domains, seed and run plan
   * @param config a config validated by {@link #configSchema()}
   * @throws IllegalArgumentException if the config does not fit the domains (for example an
   *     explicit weight for a domain that does not exist), naming the key and value
   */
  MixingPolicy create(PolicyContext context, PolicyConfig config);

  /**
   * A provider from its parts.
   *
   * @param name the policy's name, also the owner named by its config errors
   * @param description one sentence: what it does, which paper
   * @param keys the config keys
   * @param factory makes a policy from the name, the context and a validated config
   */
  static MixingPolicyProvider of(String name, String description, List<ConfigKey<?>> keys,
      Factory factory) {
    return new Defined(name, description, keys, factory) {};
  }

  /** Makes a policy; it is given the provider's name so the name is written once. */
  @FunctionalInterface
  interface Factory {
    /**
     * A new policy.
     *
     * @param name the provider's name
     * @param context the domains, seed and run plan
     * @param config the validated config
     */
    MixingPolicy create(String name, PolicyContext context, PolicyConfig config);
  }

  /**
   * A provider defined by its parts; a registered provider extends it with a public no-argument
   * constructor that calls {@code super(name, description, keys, factory)}.
   */
  abstract class Defined implements MixingPolicyProvider {
    private final String name;
    private final String description;
    private final ConfigSchema schema;
    private final Factory factory;

    /**
     * @param name the policy's name
     * @param description one sentence: what it does, which paper
     * @param keys the config keys
     * @param factory makes a policy
     */
    protected Defined(String name, String description, List<ConfigKey<?>> keys,
        Factory factory) {
      this.name = Objects.requireNonNull(name, "name");
      this.description = Objects.requireNonNull(description, "description");
      this.schema = ConfigSchema.of(name, keys);
      this.factory = Objects.requireNonNull(factory, "factory");
    }

    @Override
    public final String name() {
      return name;
    }

    @Override
    public final String description() {
      return description;
    }

    @Override
    public final ConfigSchema configSchema() {
      return schema;
    }

    @Override
    public final MixingPolicy create(PolicyContext context, PolicyConfig config) {
      return factory.create(name, context, config);
    }
  }
}
