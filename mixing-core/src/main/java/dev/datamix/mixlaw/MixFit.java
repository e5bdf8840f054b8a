package dev.datamix.mixlaw;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.mixture.Mixture;
import dev.datamix.mixture.WeightsConfig;
import dev.datamix.state.AtomicFiles;
import dev.datamix.state.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Swarm → regressor → proposal, as one step: cross-validates every candidate regressor on the
 * objective (Spearman's ρ of out-of-fold predictions on held-out runs), fits the one asked for
 * (or the best-ranked) on every usable run, and proposes the mix ({@link MixProposer}). Writes
 * {@code policy.json} (an {@code explicit} spec), {@code fit-mix.json} (every figure) and {@code
 * fit-mix.md}.
 */
public final class MixFit {
  private final SwarmTable table;
  private final MixObjective objective;
  private final Mixture natural;
  private final MixConstraints bounds;
  private final MixProposer.Options search;
  private final int folds;
  private final long seed;

  /**
   * @param table the swarm
   * @param objective what to minimise
   * @param natural the natural (token) mix over the table's domains
   * @param bounds the proposal's bounds
   * @param search the proposer's knobs
   * @param folds cross-validation folds
   * @param seed folds' and fits' seed
   */
  public MixFit(SwarmTable table, MixObjective objective, Mixture natural, MixConstraints bounds,
      MixProposer.Options search, int folds, long seed) {
    if (!natural.names().equals(table.domains())) {
      throw new IllegalArgumentException("natural mix over " + natural.names() + " but the "
          + "swarm's domains are " + table.domains());
    }
    this.table = table;
    this.objective = objective;
    this.natural = natural;
    this.bounds = bounds;
    this.search = search;
    this.folds = folds;
    this.seed = seed;
  }

  /**
   * Cross-validates each of {@code regressors}, fits the best-ranked one (the only one, if one is
   * given) and proposes; returns the record {@link #write} saves.
   *
   * @throws IllegalArgumentException if fewer than 3 runs have every needed column
   */
  public ObjectNode run(List<MixRegressor> regressors, PrintStream out) {
    int[] rows = objective.usableRuns(table);
    if (rows.length < 3) {
      throw new IllegalArgumentException("objective '" + objective.spec() + "' has " + rows.length
          + " runs with every column " + objective.columns() + " measured; at least 3 needed");
    }
    ObjectNode o = Json.object();
    o.put("objective", objective.spec());
    o.put("runs", rows.length);
    o.put("folds", Math.min(folds, rows.length));
    ObjectNode cv = o.putObject("crossValidatedSpearman");
    MixRegressor best = null;
    double bestRho = Double.NEGATIVE_INFINITY;
    for (MixRegressor r : regressors) {
      double rho = objective.crossValidatedSpearman(r, table, folds, seed);
      cv.put(r.name(), rho);
      print(out, "%-10s cross-validated Spearman rho %.3f  (%s)", r.name(), rho,
          r.description());
      if (best == null || rho > bestRho) {
        best = r;
        bestRho = Double.isNaN(rho) ? Double.NEGATIVE_INFINITY : rho;
      }
    }
    MixObjective.Fit fit = objective.fit(best, table, rows, seed);
    MixProposer.Proposal p = MixProposer.propose(fit::predictAll, natural, bounds, search);
    o.put("regressor", best.name());
    o.set("fit", fit.describe());
    o.set("proposal", WeightsConfig.write(p.mixture().asMap()));
    o.put("predicted", p.predicted());
    o.set("natural", WeightsConfig.write(natural.asMap()));
    o.put("predictedNatural", p.predictedNatural());
    o.put("klToNatural", p.klToNatural());
    o.put("feasibleShare", p.feasibleShare());
    double[] observed = objective.observed(table, rows);
    int bestRun = 0;
    for (int i = 1; i < observed.length; i++) {
      bestRun = observed[i] < observed[bestRun] ? i : bestRun;
    }
    o.put("bestSwarmRun", table.runs().get(rows[bestRun]).name());
    o.put("bestSwarmRunObserved", observed[bestRun]);
    ObjectNode b = o.putObject("bounds");
    b.put("minWeight", bounds.minWeight()).put("maxWeight", bounds.maxWeight());
    b.set("caps", Json.doubles(bounds.caps()));
    ObjectNode s = o.putObject("search");
    s.put("candidates", search.candidates()).put("topK", search.topK())
        .put("iterations", search.iterations()).put("klWeight", search.klWeight())
        .put("seed", search.seed());
    double worst = java.util.Arrays.stream(observed).max().orElseThrow();
    double spread = worst - observed[bestRun];
    List<String> notices = new ArrayList<>();
    if (p.predicted() < observed[bestRun] - spread) {
      notices.add(String.format(Locale.ROOT, "the proposal's predicted %s %.4f lies below the "
          + "best swarm run's %.4f by more than the swarm's whole range (%.4f): the regressor "
          + "extrapolates; trust the proposal's own run, or add runs near it, or pull it toward "
          + "the natural mix (--kl, --min-weight)", objective.spec(), p.predicted(),
          observed[bestRun], spread));
    }
    o.set("notices", Json.mapper().valueToTree(notices));
    notices.forEach(n -> print(out, "notice: %s", n));
    print(out, "fitted %s on %d runs; proposal %s, predicted %s %.4f (natural mix %.4f; best "
        + "swarm run %s observed %.4f)", best.name(), rows.length, p.mixture(), objective.spec(),
        p.predicted(), p.predictedNatural(), o.get("bestSwarmRun").asText(),
        observed[bestRun]);
    return o;
  }

  /** Writes {@code policy.json}, {@code fit-mix.json} and {@code fit-mix.md} into {@code dir}. */
  public void write(Path dir, ObjectNode result) throws IOException {
    ObjectNode spec = Json.object().put("policy", "explicit");
    spec.putObject("config").set("weights", result.get("proposal"));
    AtomicFiles.writeString(dir.resolve("policy.json"), Json.write(spec));
    AtomicFiles.writeString(dir.resolve("fit-mix.json"), Json.write(result));
    AtomicFiles.writeString(dir.resolve("fit-mix.md"), markdown(result));
  }

  /** The summary page of a fit. */
  public static String markdown(JsonNode r) {
    List<String> md = new ArrayList<>();
    md.add("# Mixing-law fit: " + r.path("objective").asText());
    md.add("");
    md.add("Swarm: " + r.path("source").asText() + " (" + r.path("runs").asInt() + " runs, "
        + r.path("folds").asInt() + "-fold cross-validation).");
    md.add("");
    md.add("| regressor | cross-validated Spearman ρ |");
    md.add("|---|---:|");
    r.path("crossValidatedSpearman").fields().forEachRemaining(e -> md.add(String.format(
        Locale.ROOT, "| %s%s | %.3f |", e.getKey(), e.getKey().equals(r.path("regressor")
            .asText()) ? " (used)" : "", e.getValue().asDouble())));
    md.add("");
    md.add("| domain | natural | proposal |");
    md.add("|---|---:|---:|");
    r.path("proposal").fields().forEachRemaining(e -> md.add(String.format(Locale.ROOT,
        "| %s | %.4f | %.4f |", e.getKey(), r.path("natural").path(e.getKey()).asDouble(),
        e.getValue().asDouble())));
    md.add("");
    md.add(String.format(Locale.ROOT, "Predicted %s: %.4f for the proposal, %.4f for the natural "
        + "mix; the best swarm run (%s) measured %.4f. KL(proposal ‖ natural) = %.3f nats.",
        r.path("objective").asText(), r.path("predicted").asDouble(),
        r.path("predictedNatural").asDouble(), r.path("bestSwarmRun").asText(),
        r.path("bestSwarmRunObserved").asDouble(), r.path("klToNatural").asDouble()));
    for (JsonNode n : r.path("notices")) {
      md.add("");
      md.add("**Notice:** " + n.asText());
    }
    return String.join("\n", md) + "\n";
  }

  private static void print(PrintStream out, String format, Object... args) {
    if (out != null) {
      out.println(String.format(Locale.ROOT, format, args));
    }
  }
}
