package dev.datamix.policy;

import dev.datamix.config.ConfigSchema;
import dev.datamix.config.PolicyConfig;

/**
 * Makes policies of one kind; registered under {@code
 * META-INF/services/dev.datamix.policy.MixingPolicyProvider} and found by {@link PolicyRegistry}
 * through {@link java.util.ServiceLoader}. Implementations need a public no-argument constructor
 * and must do no I/O in it.
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
}
