package dev.datamix.mixlaw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixture;
import dev.datamix.mixture.Mixtures;
import dev.datamix.sim.OptimalStaticMix;
import dev.datamix.sim.SimulatedLearner;
import dev.datamix.sim.SimulatedSwarmRunner;
import dev.datamix.state.ExistingOutput;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offline family end to end on the simulated learner, whose optimal static mix is computable
 * ({@link SimulatedLearner#heldOutLossAfter}): a RegMix swarm of 32 proxies, a regressor on their
 * mean held-out loss, the proposer; the proposal's true loss is compared with the optimum's.
 */
class SimulatedSwarmTest {
  static final long STEPS = 300;
  static final int BATCH = 32;
  static final List<Domain> DOMAINS = SimulatedLearner.demo(1).domains();
  static final long TOKENS = STEPS * BATCH * 128;

  static final SwarmRunner RUNNER = new SimulatedSwarmRunner(() -> SimulatedLearner.demo(1),
      STEPS, BATCH, 1);

  static double trueMean(double[] r) {
    return OptimalStaticMix.meanLoss(SimulatedLearner.demo(1), r, TOKENS);
  }

  static Swarm swarm(Path dir) {
    SwarmPlan plan = SwarmPlan.sample(DOMAINS, SwarmOptions.regmix(32, TOKENS, 5));
    return new Swarm(plan, Json.object().put("learner", "demo(1)"), dir);
  }

  /**
   * Measured: the optimum within the epoch cap is {easy 0.208, hard 0.273, noisy 0.111, small
   * 0.156 (its cap), related 0.252} at a mean loss of 2.4350 (natural mix: 2.6354). The quadratic
   * mixture model proposes a mix at 2.4528 (+0.7%). The log-linear law ranks the swarm's runs
   * well (cross-validated ρ 0.974 on the mean) yet proposes {small 0.0017} at 2.7125 (+11%): an
   * exponential in {@code r} cannot drop as steeply near {@code r = 0} as a power law in tokens
   * does, so it undervalues the first tokens of a small domain. docs/policies/mixing-laws.md
   * reports both.
   */
  @Test
  void theProposedMixIsWithinTwoPercentOfTheOptimum(@TempDir Path dir) throws IOException {
    Swarm s = swarm(dir);
    s.claim(ExistingOutput.REFUSE);
    SwarmTable table = s.runMissing(RUNNER, null);
    MixConstraints bounds = MixConstraints.of(DOMAINS, 0, 1, 15, TOKENS);
    double best = trueMean(OptimalStaticMix.find(SimulatedLearner.demo(1), TOKENS, bounds));
    Mixture natural = Mixtures.proportionalToTokens(DOMAINS);
    MixObjective objective = MixObjective.parse("mean", table);
    MixProposer.Proposal p = MixProposer.propose(objective.fit(MixturePolynomial.quadratic(),
        table, objective.usableRuns(table), 1)::predictAll, natural, bounds,
        MixProposer.Options.defaults(1));
    double loss = trueMean(p.mixture().toArray());
    assertTrue(bounds.admits(p.mixture().toArray()), p.mixture().toString());
    assertTrue(loss <= 1.02 * best, "quadratic: " + loss + " vs optimum " + best);
    assertTrue(loss < trueMean(natural.toArray()), "better than the natural mix");
    double rho = objective.crossValidatedSpearman(new LogLinearLaw(), table, 5, 1);
    assertTrue(rho > 0.95, "log-linear ranks the runs: " + rho);
    MixProposer.Proposal law = MixProposer.propose(objective.fit(new LogLinearLaw(), table,
        objective.usableRuns(table), 1)::predictAll, natural, bounds,
        MixProposer.Options.defaults(1));
    assertTrue(law.mixture().weight("small") < 0.01, "the log-linear law starves 'small': "
        + law.mixture());
  }

  @Test
  void anInterruptedSwarmFinishesWithIdenticalResults(@TempDir Path dir) throws IOException {
    Path whole = dir.resolve("whole");
    Swarm a = swarm(whole);
    a.claim(ExistingOutput.REFUSE);
    SwarmTable expected = a.runMissing(RUNNER, null);
    Path cut = dir.resolve("cut");
    Swarm b = swarm(cut);
    b.claim(ExistingOutput.REFUSE);
    int[] calls = {0};
    assertThrows(IOException.class, () -> b.runMissing((run, d) -> {
      if (++calls[0] == 6) {
        throw new IOException("killed");
      }
      return RUNNER.run(run, d);
    }, null));
    Swarm resumed = swarm(cut);
    resumed.claim(ExistingOutput.RESUME);
    int[] more = {0};
    SwarmTable t = resumed.runMissing((run, d) -> {
      more[0]++;
      return RUNNER.run(run, d);
    }, null);
    assertEquals(27, more[0], "the 5 finished runs are skipped");
    assertEquals(expected, t);
    assertEquals(expected, SwarmTable.read(cut));
    var e = assertThrows(dev.datamix.state.IncompatibleStateException.class, () ->
        new Swarm(SwarmPlan.sample(DOMAINS, SwarmOptions.regmix(32, TOKENS, 6)), Json.object()
            .put("learner", "demo(1)"), cut).claim(ExistingOutput.RESUME));
    assertTrue(e.getMessage().contains("plan"), e.getMessage());
  }
}
