package dev.datamix.policy;

import dev.datamix.distributed.Collective;
import dev.datamix.mixture.Domain;
import java.util.List;

/**
 * What a policy is told about the run it steers, besides its own config.
 *
 * @param domains the training domains, non-empty, unique names; every per-domain vector a policy
 *     receives or answers is in this order
 * @param seed the run's seed; a policy's random choices derive from {@code (seed, step, ...)}
 * @param totalSteps planned number of training steps, or 0 if unknown
 * @param blocksPerStep blocks (sequences) per training step, or 0 if unknown
 * @param collective the data-parallel ranks the policy runs on ({@link Collective#single()} by
 *     default): a policy whose state would not fit one process (LFR's sharded per-block store)
 *     splits it over them; every other policy ignores it, because {@link
 *     dev.datamix.run.DataMixer} already hands every rank the same observations
 */
public record PolicyContext(List<Domain> domains, long seed, long totalSteps, int blocksPerStep,
    Collective collective) {

  /** Validates and copies. */
  public PolicyContext {
    domains = Domain.validateSet(domains);
    if (collective == null) {
      throw new IllegalArgumentException("collective must not be null; Collective.single() is "
          + "one process");
    }
    if (totalSteps < 0) {
      throw new IllegalArgumentException("totalSteps must be >= 0 (0 = unknown), got " + totalSteps);
    }
    if (blocksPerStep < 0) {
      throw new IllegalArgumentException(
          "blocksPerStep must be >= 0 (0 = unknown), got " + blocksPerStep);
    }
  }

  /** A context of one process. */
  public PolicyContext(List<Domain> domains, long seed, long totalSteps, int blocksPerStep) {
    this(domains, seed, totalSteps, blocksPerStep, Collective.single());
  }

  /** A context with an unknown horizon and batch size. */
  public static PolicyContext of(List<Domain> domains, long seed) {
    return new PolicyContext(domains, seed, 0, 0);
  }

  /** This context with a planned number of steps. */
  public PolicyContext withTotalSteps(long steps) {
    return new PolicyContext(domains, seed, steps, blocksPerStep, collective);
  }

  /** This context with a batch size in blocks per step. */
  public PolicyContext withBlocksPerStep(int blocks) {
    return new PolicyContext(domains, seed, totalSteps, blocks, collective);
  }

  /** This context on the data-parallel ranks of {@code c}. */
  public PolicyContext withCollective(Collective c) {
    return new PolicyContext(domains, seed, totalSteps, blocksPerStep, c);
  }

  /** The domain names, in order. */
  public List<String> domainNames() {
    return Domain.names(domains);
  }

  /** Number of domains. */
  public int size() {
    return domains.size();
  }
}
