package dev.datamix.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.djl.train.TrainingConfig;
import dev.datamix.mixlaw.MixConstraints;
import dev.datamix.mixlaw.MixFit;
import dev.datamix.mixlaw.MixObjective;
import dev.datamix.mixlaw.MixProposer;
import dev.datamix.mixlaw.MixRegressor;
import dev.datamix.mixlaw.MixRegressors;
import dev.datamix.mixlaw.Swarm;
import dev.datamix.mixlaw.SwarmTable;
import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixtures;
import dev.datamix.state.ExistingOutput;
import dev.datamix.state.OutputDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code datamix fit-mix}: regress a swarm's metric on its mixtures and propose the predicted-best
 * mix (RegMix, Data Mixing Laws, Olmix); see {@link dev.datamix.mixlaw.MixFit}.
 */
@Command(name = "fit-mix", mixinStandardHelpOptions = true,
    description = {"Fit regressors from mixture to loss on a swarm (ratios.csv, metrics.csv;",
        "from `datamix swarm` or Olmix), report each one's cross-validated Spearman rho on",
        "held-out runs, and propose the mix with the best predicted objective within the",
        "bounds: --min-weight, --max-weight, at most --max-epochs passes over each domain in",
        "the main run's budget (--budget-tokens, or the main run's --config/--set with",
        "--corpus), and --kl toward the natural (token) mix. Writes policy.json (an explicit",
        "spec for `datamix train --policy`), fit-mix.json and fit-mix.md into --out, which must",
        "be new or empty (--overwrite replaces an earlier fit)."})
public final class FitMixCommand implements Callable<Integer> {
  /** The fit-mix kind of output directory. */
  static final OutputDirectory OUTPUT = new OutputDirectory("mix fit",
      List.of("policy.json", "fit-mix.json"), false);

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--swarm", description = "a swarm directory (ratios.csv, metrics.csv, and "
      + "swarm.json if datamix made it)")
  Path swarm;

  @Option(names = "--ratios", description = "a ratios.csv (with --metrics), instead of --swarm")
  Path ratios;

  @Option(names = "--metrics", description = "a metrics.csv (with --ratios)")
  Path metrics;

  @Option(names = "--corpus", description = "the corpus whose training tokens give the natural "
      + "mix and the epoch cap (default: the corpus swarm.json records)")
  Path corpus;

  @Mixin
  TrainerSettings mainRun;

  @Option(names = "--objective", description = "mean (of the <domain>_bpb columns), worst, "
      + "target (target_bpb), mean:a,b / worst:a,b, or one metric column (default mean)")
  String objective = "mean";

  @Option(names = "--regressor", description = "best (the highest cross-validated rho), or "
      + "one of loglinear, linear, quadratic, gbt (default best)")
  String regressor = "best";

  @Option(names = "--folds", description = "cross-validation folds (default 5)")
  int folds = 5;

  @Option(names = "--kl", description = "weight of KL(mix || natural) in the objective "
      + "(default 0)")
  double kl;

  @Option(names = "--min-weight", description = "least weight of every domain (default 0)")
  double minWeight;

  @Option(names = "--max-weight", description = "largest weight of any domain (default 1)")
  double maxWeight = 1;

  @Option(names = "--max-epochs", description = "passes over a domain's tokens allowed in the "
      + "main run (default 4, Olmix's repetition_factor)")
  double maxEpochs = 4;

  @Option(names = "--budget-tokens", description = "the main run's tokens (default: from "
      + "--config/--set with --corpus: steps x batchSize x block length)")
  Long budgetTokens;

  @Option(names = "--candidates", description = "mixtures drawn per search round "
      + "(default 100000)")
  int candidates = 100_000;

  @Option(names = "--top-k", description = "best candidates averaged (default 128, RegMix's)")
  int topK = 128;

  @Option(names = "--iterations", description = "search rounds (default 5)")
  int iterations = 5;

  @Option(names = "--seed", description = "seed of the folds, fits and search (default 0)")
  long seed;

  @Option(names = "--out", required = true, description = "where the fit is written")
  Path out;

  @Option(names = "--overwrite", description = "replace an earlier fit in --out")
  boolean overwrite;

  @Override
  public Integer call() throws IOException {
    if ((swarm == null) == (ratios == null || metrics == null)) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "give either --swarm DIR or both --ratios FILE and --metrics FILE");
    }
    SwarmTable table = swarm != null ? SwarmTable.read(swarm) : SwarmTable.read(ratios, metrics);
    List<Domain> domains = domains(table);
    MixObjective goal = MixObjective.parse(objective, table);
    MixRegressors known = MixRegressors.load();
    List<MixRegressor> candidatesToFit = new ArrayList<>();
    if (regressor.equals("best")) {
      known.names().forEach(n -> candidatesToFit.add(known.get(n)));
    } else {
      candidatesToFit.add(known.get(regressor));
    }
    Long budget = budget(table);
    MixConstraints bounds = budget == null
        ? MixConstraints.ofWeights(table.domains(), minWeight, maxWeight)
        : MixConstraints.of(domains, minWeight, maxWeight, maxEpochs, budget);
    OUTPUT.claim(out, overwrite ? ExistingOutput.OVERWRITE : ExistingOutput.REFUSE);
    MixFit fit = new MixFit(table, goal, Mixtures.proportionalToTokens(domains), bounds,
        new MixProposer.Options(candidates, topK, iterations, kl, seed), folds, seed);
    ObjectNode result = fit.run(candidatesToFit, System.out);
    result.put("source", swarm != null ? swarm.toString() : ratios + ", " + metrics);
    if (budget == null) {
      result.put("epochCap", "none: no main-run budget given");
    } else {
      result.put("budgetTokens", budget).put("maxEpochs", maxEpochs);
    }
    fit.write(out, result);
    System.out.println("policy spec: " + out.resolve("policy.json"));
    return 0;
  }

  /** The main run's token budget, or null if none was given. */
  private Long budget(SwarmTable table) throws IOException {
    if (budgetTokens != null) {
      return budgetTokens;
    }
    ObjectNode main = mainRun.json();
    if (main.isEmpty()) {
      System.err.println("note: no --budget-tokens and no main-run --config/--set: no epoch cap");
      return null;
    }
    if (corpus == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "the main run's budget from "
          + "--config/--set needs --corpus for its block length (or give --budget-tokens)");
    }
    TrainingConfig cfg = TrainingConfig.fromJson(main);
    try (Corpus c = Corpus.open(corpus)) {
      return cfg.steps() * cfg.batchSize() * (long) c.blockLength();
    }
  }

  /** Each ratio column's training tokens, from --corpus or the swarm's recorded corpus. */
  private List<Domain> domains(SwarmTable table) throws IOException {
    Map<String, Long> tokens = new HashMap<>();
    if (corpus != null) {
      try (Corpus c = Corpus.open(corpus)) {
        for (Domain d : c.domains(Split.TRAIN)) {
          tokens.put(d.name(), d.tokens());
        }
      }
    } else if (swarm != null && Files.exists(swarm.resolve("swarm.json"))) {
      for (JsonNode d : Swarm.readSettings(swarm).at("/corpus/domains")) {
        tokens.put(d.path("name").asText(), d.path("tokens").asLong());
      }
    } else {
      throw new CommandLine.ParameterException(spec.commandLine(), "--corpus is needed: the "
          + "natural mix and the epoch cap come from the domains' training tokens");
    }
    Map<String, Long> ordered = new LinkedHashMap<>();
    for (String d : table.domains()) {
      Long n = tokens.get(d);
      if (n == null) {
        throw new IllegalArgumentException("ratios column '" + d + "' is not a training domain "
            + "of the corpus; its domains: " + tokens.keySet());
      }
      ordered.put(d, n);
    }
    List<Domain> out = new ArrayList<>();
    ordered.forEach((n, t) -> out.add(new Domain(n, Math.max(1, t), t)));
    return out;
  }
}
