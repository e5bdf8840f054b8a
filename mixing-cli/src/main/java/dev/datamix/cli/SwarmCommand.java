package dev.datamix.cli;

import dev.datamix.corpus.Corpus;
import dev.datamix.djl.train.TrainingConfig;
import dev.datamix.djl.workflow.TrainerSwarmRunner;
import dev.datamix.mixlaw.Swarm;
import dev.datamix.mixlaw.SwarmOptions;
import dev.datamix.mixlaw.SwarmPlan;
import dev.datamix.mixlaw.SwarmTable;
import dev.datamix.state.ExistingOutput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code datamix swarm}: RegMix's swarm (Liu et al., ICLR 2025) of small proxy runs on mixtures
 * sampled around the token prior, written in Olmix's {@code ratios.csv}/{@code metrics.csv}
 * layout for {@code datamix fit-mix}.
 */
@Command(name = "swarm", mixinStandardHelpOptions = true,
    description = {"Train a swarm of small proxy runs on mixtures sampled around the token",
        "prior (RegMix, Liu et al., ICLR 2025), and write ratios.csv and metrics.csv (Olmix's",
        "layout) for `datamix fit-mix`. Each mix is drawn from Dirichlet(strength x prior^T),",
        "strength log-uniform in [0.1, 5]; weights under --min-weight become 0; a draw giving a",
        "domain more than --max-epochs passes over its tokens within --budget-tokens is",
        "rejected. The proxy is the trainer config (--config/--set: model size, steps, batch,",
        "schedule, seed); each run measures the validation split's fixed blocks: <domain>_bpb,",
        "mean_bpb and target_bpb (with targetDomain). --out must be new or empty: --resume skips",
        "finished runs and continues an interrupted one from its checkpoint (set",
        "checkpointEvery), --overwrite deletes the swarm and starts again."})
public final class SwarmCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--corpus", required = true, description = "a prepared corpus directory")
  Path corpus;

  @Option(names = "--out", required = true, description = "the swarm directory")
  Path out;

  @Mixin
  TrainerSettings settings;

  @Option(names = "--runs", required = true, description = "proxy runs, >= 2 (RegMix: 512)")
  int runs;

  @Option(names = "--temperature", description = "exponent on the token prior (default 1; "
      + "RegMix's TEMP 0.5 flattens a skewed prior)")
  double temperature = 1.0;

  @Option(names = "--min-weight", description = "weights below this become 0 (default 2e-4)")
  double minWeight = 2e-4;

  @Option(names = "--max-epochs", description = "passes over a domain's tokens allowed within "
      + "--budget-tokens (default 15, RegMix's MAXIMUM_USAGE)")
  double maxEpochs = 15;

  @Option(names = "--budget-tokens", description = "tokens the epoch cap applies to, usually the "
      + "main run's (default: one proxy run's)")
  Long budgetTokens;

  @Option(names = "--swarm-seed", description = "seed of the mixtures' draws (default 0)")
  long swarmSeed;

  @Option(names = "--resume", description = "continue the swarm in --out")
  boolean resume;

  @Option(names = "--overwrite", description = "delete the swarm in --out and start again")
  boolean overwrite;

  @Override
  public Integer call() throws IOException {
    ExistingOutput mode = Datamix.outputMode(spec.commandLine(), resume, overwrite);
    TrainingConfig config = settings.trainingConfig();
    try (Corpus c = Corpus.open(corpus)) {
      TrainerSwarmRunner runner = new TrainerSwarmRunner(c, config);
      long budget = budgetTokens == null ? runner.tokensPerRun() : budgetTokens;
      // resuming re-derives the plan from the same options: claim refuses any other
      SwarmPlan plan = SwarmPlan.sample(runner.domains(), new SwarmOptions(runs, temperature,
          minWeight, maxEpochs, budget, 0.1, 5.0, swarmSeed));
      Swarm swarm = new Swarm(plan, runner.settings(), out);
      swarm.claim(mode);
      SwarmTable t = swarm.runMissing(runner, System.out);
      System.out.println("wrote " + out.resolve(SwarmTable.RATIOS) + " and "
          + out.resolve(SwarmTable.METRICS) + " (" + t.runs().size() + " runs)");
      System.out.println("fit with: datamix fit-mix --swarm " + out + " --corpus " + corpus
          + " --out FIT");
    }
    return 0;
  }
}
