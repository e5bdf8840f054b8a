package dev.datamix.mixlaw;

import dev.datamix.mixture.Domain;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains one proxy run of a swarm and measures it. Runs are independent: a runner may be called
 * for them in any order, in any process, as long as each writes only inside its own directory. A
 * runner resumes a run its directory holds a checkpoint of, so an interrupted swarm continues
 * where it stopped. The DJL trainer's runner is {@code
 * dev.datamix.djl.workflow.TrainerSwarmRunner}; a cluster engine can call the same runner per run.
 */
@FunctionalInterface
public interface SwarmRunner {
  /**
   * Trains {@code run} in {@code runDir} and returns its metrics, for example {@code
   * <domain>_bpb}, {@code mean_bpb} and {@code target_bpb}, in a fixed order.
   */
  Map<String, Double> run(SwarmPlan.Run run, Path runDir) throws IOException;

  /**
   * The metrics every runner reports, in the names {@link MixObjective} reads: {@code
   * <domain>_bpb} for each domain, then {@code mean_bpb}, their mean.
   */
  static Map<String, Double> perDomain(List<Domain> domains, double[] bpb) {
    Map<String, Double> m = new LinkedHashMap<>();
    double mean = 0;
    for (int d = 0; d < bpb.length; d++) {
      m.put(domains.get(d).name() + "_bpb", bpb[d]);
      mean += bpb[d] / bpb.length;
    }
    m.put("mean_bpb", mean);
    return m;
  }
}
