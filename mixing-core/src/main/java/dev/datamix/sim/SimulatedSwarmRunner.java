package dev.datamix.sim;

import dev.datamix.mixlaw.SwarmPlan;
import dev.datamix.mixlaw.SwarmRunner;
import dev.datamix.mixture.Domain;
import dev.datamix.policy.PolicyContext;
import dev.datamix.policy.PolicyRegistry;
import dev.datamix.run.DataMixer;
import dev.datamix.sampler.SamplerOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A swarm's proxies on the simulated learner: each run trains its static mix on a fresh learner
 * for {@code steps} steps of {@code batchSize} blocks and reports the held-out loss of every
 * domain ({@code <domain>_bpb}, in nats here) and their mean ({@code mean_bpb}), so the offline
 * mixing-law family can be tried, and tested, in seconds. Writes nothing into the run directory.
 */
public final class SimulatedSwarmRunner implements SwarmRunner {
  private final Supplier<SimulatedLearner> learners;
  private final long steps;
  private final int batchSize;
  private final long seed;

  /**
   * @param learners a fresh learner per run (the same parameters each time)
   * @param steps steps per proxy
   * @param batchSize blocks per step
   * @param seed the sampler's seed, the same for every run
   */
  public SimulatedSwarmRunner(Supplier<SimulatedLearner> learners, long steps, int batchSize,
      long seed) {
    this.learners = learners;
    this.steps = steps;
    this.batchSize = batchSize;
    this.seed = seed;
  }

  @Override
  public Map<String, Double> run(SwarmPlan.Run run, Path runDir) {
    SimulatedLearner learner = learners.get();
    List<Domain> domains = learner.domains();
    DataMixer mixer = new DataMixer(PolicyRegistry.load().create(new PolicyContext(domains, seed,
        steps, batchSize), run.policySpec()), SamplerOptions.seed(seed));
    new Simulation(mixer, learner, batchSize).run(steps);
    return SwarmRunner.perDomain(domains, learner.heldOutLoss(steps).loss().toArray());
  }
}
