/**
 * The mixing-policy SPI: {@link dev.datamix.policy.MixingPolicy} (lifecycle and call order in its
 * Javadoc), {@link dev.datamix.policy.MixingPolicyProvider} found through {@link
 * java.util.ServiceLoader}, and {@link dev.datamix.policy.PolicyRegistry}.
 */
package dev.datamix.policy;
