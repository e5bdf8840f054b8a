package dev.datamix.shootout;

import static dev.datamix.shootout.ShootoutStatistics.across;
import static dev.datamix.shootout.ShootoutStatistics.finalScores;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.run.RunDirectory;
import dev.datamix.state.Json;
import dev.datamix.stats.MeanAndSpread;
import dev.datamix.stats.PairedDifference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the shoot-out's Markdown table and plots from the raw files of its runs ({@code
 * spec.json}, {@code provenance.json}, each run's {@code result.json}), so a report regenerates
 * byte for byte without re-training.
 */
public final class ShootoutReport {
  /** Where the shoot-out records what produced it. */
  public static final String PROVENANCE = "provenance.json";

  private ShootoutReport() {}

  /**
   * The offline stages a method's main run needed (DoReMi's reference and proxy runs), beside
   * the main run's own wall time, so the comparison is honest about total cost.
   */
  private static void stageCompute(List<String> md, Map<String, List<JsonNode>> byLabel) {
    boolean any = byLabel.values().stream().anyMatch(r -> r.get(0).has("stageCompute"));
    if (!any) {
      return;
    }
    md.add("");
    md.add("## Offline stages: what a method trained before its main run (mean over seeds)");
    md.add("");
    md.add("| policy | stage | steps | tokens | wall (s) |");
    md.add("|---|---|---:|---:|---:|");
    for (Map.Entry<String, List<JsonNode>> e : byLabel.entrySet()) {
      List<JsonNode> runs = e.getValue();
      if (!runs.get(0).has("stageCompute")) {
        continue;
      }
      double all = 0;
      for (var it = runs.get(0).get("stageCompute").fieldNames(); it.hasNext(); ) {
        String stage = it.next();
        double wall = across(runs, r -> r.path("stageCompute").path(stage).path("wallSeconds")
            .asDouble()).mean();
        all += wall;
        md.add(String.format(Locale.ROOT, "| %s | %s | %d | %,d | %.1f |", e.getKey(), stage,
            runs.get(0).path("stageCompute").path(stage).path("steps").asLong(),
            runs.get(0).path("stageCompute").path(stage).path("tokens").asLong(), wall));
      }
      double main = across(runs, r -> r.path("wallSeconds").asDouble()).mean();
      md.add(String.format(Locale.ROOT, "| %s | main run | %d | %,d | %.1f |", e.getKey(),
          runs.get(0).path("steps").asLong(), runs.get(0).path("tokens").asLong(), main));
      md.add(String.format(Locale.ROOT, "| %s | **total** | | | **%.1f** (%.1f× the main run) |",
          e.getKey(), all + main, (all + main) / main));
    }
  }

  /** Writes {@code report.md} and {@code plots/} for the shoot-out in {@code out}. */
  public static void write(Path out) throws IOException {
    JsonNode spec = Json.read(out.resolve("spec.json"));
    Map<String, List<JsonNode>> byLabel = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (JsonNode p : spec.get("policies")) {
      String label = p.get("label").asText();
      byLabel.put(label, new ArrayList<>());
      for (JsonNode seed : spec.get("seeds")) {
        Path r = new RunDirectory(out.resolve("runs").resolve(label + "-s" + seed.asLong()))
            .result();
        if (Files.exists(r)) {
          byLabel.get(label).add(Json.read(r));
        } else {
          missing.add(label + " seed " + seed.asLong());
        }
      }
    }
    byLabel.values().removeIf(List::isEmpty);
    if (byLabel.isEmpty()) {
      throw new IllegalStateException("no finished run in " + out.resolve("runs"));
    }
    JsonNode first = byLabel.values().iterator().next().get(0);
    List<String> domains = new ArrayList<>();
    finalScores(first).get("bpb").fieldNames().forEachRemaining(domains::add);
    boolean target = finalScores(first).has("targetBpb");

    // the best static baseline (by its final whole-split mean) and, since tokens-to-reach reads
    // the curves, its final mean on the curves' sample: like is compared with like
    double bestFinal = Double.POSITIVE_INFINITY;
    String bestStaticLabel = null;
    for (Map.Entry<String, List<JsonNode>> e : byLabel.entrySet()) {
      if (e.getValue().get(0).path("static").asBoolean()) {
        double m = across(e.getValue(), r -> finalScores(r).path("meanBpb").asDouble()).mean();
        if (m < bestFinal) {
          bestFinal = m;
          bestStaticLabel = e.getKey();
        }
      }
    }
    double bestStatic = Double.NaN;
    if (bestStaticLabel != null) {
      double[][] c = ShootoutStatistics.meanCurve(byLabel.get(bestStaticLabel),
          p -> p.path("meanBpb").asDouble());
      bestStatic = c[1][c[1].length - 1];
    }
    String reference = spec.path("reference").asText();
    double refStep = byLabel.containsKey(reference)
        ? across(byLabel.get(reference), r -> r.path("time").path("total").asDouble()).mean()
        : Double.NaN;

    List<String> md = new ArrayList<>();
    header(md, out, spec, first, domains, target, byLabel);
    if (!missing.isEmpty()) {
      md.add("");
      md.add("Not finished yet (left out below): " + missing + ".");
    }
    md.add("");
    StringBuilder h = new StringBuilder("| policy |");
    StringBuilder sep = new StringBuilder("|---|");
    for (String d : domains) {
      h.append(' ').append(d).append(" |");
      sep.append("---:|");
    }
    h.append(" mean | worst domain (highest mean) |");
    sep.append("---:|---|");
    if (target) {
      h.append(" target |");
      sep.append("---:|");
    }
    h.append(" tokens to reach ").append(bestStaticLabel).append("'s final mean | wall (s) |"
        + " ms/step | vs ").append(reference).append(" |");
    sep.append("---:|---:|---:|---:|");
    md.add(h.toString());
    md.add(sep.toString());
    for (Map.Entry<String, List<JsonNode>> e : byLabel.entrySet()) {
      List<JsonNode> runs = e.getValue();
      StringBuilder row = new StringBuilder("| ").append(e.getKey()).append(" |");
      for (String d : domains) {
        row.append(' ').append(ShootoutStatistics.cell(runs, "bpb", "bpbSe", d)).append(" |");
      }
      row.append(' ').append(ShootoutStatistics.cell(runs, "meanBpb", "meanBpbSe", null))
          .append(" |");
      row.append(' ').append(ShootoutStatistics.worst(runs, domains)).append(" |");
      if (target) {
        row.append(' ').append(ShootoutStatistics.cell(runs, "targetBpb", "targetBpbSe", null))
            .append(" |");
      }
      double reach = ShootoutStatistics.tokensToReach(runs, bestStatic);
      row.append(' ').append(Double.isNaN(reach) ? "not reached"
          : String.format(Locale.ROOT, "%,.0f", reach)).append(" |");
      row.append(' ').append(across(runs, r -> r.path("wallSeconds").asDouble()).plain(0))
          .append(" |");
      MeanAndSpread step = across(runs, r -> r.path("time").path("total").asDouble());
      row.append(' ').append(step.plain(1)).append(" |");
      row.append(String.format(Locale.ROOT, " %+.1f%% |", 100 * (step.mean() / refStep - 1)));
      md.add(row.toString());
    }
    paired(md, byLabel, reference, target);
    md.add("");
    md.add("## Overhead: median time per step (ms), from each run's `metrics.jsonl`");
    md.add("");
    md.add("| policy | data | forward + backward | optimizer | policy | probes | eval | total |"
        + " vs " + reference + " |");
    md.add("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (Map.Entry<String, List<JsonNode>> e : byLabel.entrySet()) {
      StringBuilder row = new StringBuilder("| ").append(e.getKey()).append(" |");
      for (String k : List.of("data", "forwardBackward", "optimizer", "policy", "probes",
          "eval", "total")) {
        row.append(' ').append(across(e.getValue(),
            r -> r.path("time").path(k).asDouble()).plain(k.equals("forwardBackward")
            || k.equals("total") ? 1 : 3)).append(" |");
      }
      double total = across(e.getValue(), r -> r.path("time").path("total").asDouble()).mean();
      row.append(String.format(Locale.ROOT, " %+.1f%% |", 100 * (total / refStep - 1)));
      md.add(row.toString());
    }
    stageCompute(md, byLabel);
    md.add("");
    md.add("");
    md.add("\"Tokens to reach\" is read off the seed-averaged curve of the mean loss, "
        + "interpolated between evaluations; the level is the best static mix's ("
        + bestStaticLabel + ", by its whole-split mean) final point on that same curve. "
        + "\"Worst domain\" is the domain with the highest "
        + "mean final loss, with its own mean ± sd over seeds.");
    md.add("");
    md.add("Eval and probe time are the policy's own signals (held-out evaluations, gradient "
        + "probes), averaged into the steps that request them; the median step of a policy "
        + "that evaluates every m steps is a step without evaluation. Runs are sequential, so "
        + "machine noise differs between them.");
    notices(md, byLabel);
    md.add("");
    md.add("## Plots");
    md.add("");
    ShootoutPlots.write(out.resolve("plots"), byLabel, domains, target, md);
    Files.writeString(out.resolve("report.md"), String.join("\n", md) + "\n");
  }

  /**
   * Each policy against the reference, seed by seed: the paired difference of its final mean,
   * worst domain (each run's highest) and target, with 95% Student-t intervals over the seeds.
   */
  private static void paired(List<String> md, Map<String, List<JsonNode>> byLabel,
      String reference, boolean target) {
    List<JsonNode> ref = byLabel.get(reference);
    if (ref == null || ref.size() < 2) {
      return; // no interval from one seed
    }
    md.add("");
    md.add("## Paired against " + reference + ": difference in bits per byte, 95% interval");
    md.add("");
    md.add("Seed by seed (the same seed draws the same initial model and evaluation sample), "
        + "the mean difference and its Student-t interval over the seeds; negative is lower "
        + "loss than " + reference + "; in bold where the interval excludes 0.");
    md.add("");
    List<String> figures = new ArrayList<>(List.of("meanBpb", "worst"));
    if (target) {
      figures.add("targetBpb");
    }
    md.add("| policy | Δ mean | Δ worst domain |" + (target ? " Δ target |" : "")
        + " seeds |");
    md.add("|---|---:|---:|" + (target ? "---:|" : "") + "---:|");
    for (Map.Entry<String, List<JsonNode>> e : byLabel.entrySet()) {
      if (e.getKey().equals(reference)) {
        continue;
      }
      StringBuilder row = new StringBuilder("| ").append(e.getKey()).append(" |");
      int n = 0;
      for (String f : figures) {
        PairedDifference d = ShootoutStatistics.paired(e.getValue(), ref, f);
        row.append(' ').append(d == null ? "—" : (d.below() || d.above() ? "**" + d.plain(4)
            + "**" : d.plain(4))).append(" |");
        n = d == null ? n : d.n();
      }
      md.add(row.append(' ').append(n).append(" |").toString());
    }
  }

  /** What the policies said they could not do, per run. */
  private static void notices(List<String> md, Map<String, List<JsonNode>> byLabel) {
    List<String> lines = new ArrayList<>();
    for (List<JsonNode> runs : byLabel.values()) {
      for (JsonNode r : runs) {
        for (JsonNode n : r.path("notices")) {
          lines.add(String.format(Locale.ROOT, "- %s seed %d, step %d: %s",
              r.path("label").asText(), r.path("seed").asLong(), n.path("step").asLong(),
              n.path("notice").asText()));
        }
      }
    }
    if (!lines.isEmpty()) {
      md.add("");
      md.add("## What the policies said they could not do");
      md.add("");
      md.addAll(lines);
    }
  }

  private static void header(List<String> md, Path out, JsonNode spec, JsonNode first,
      List<String> domains, boolean target, Map<String, List<JsonNode>> byLabel)
      throws IOException {
    JsonNode trainer = spec.get("trainer");
    md.add("# Policy shoot-out");
    md.add("");
    md.add(String.format(Locale.ROOT, "Corpus `%s`; model %s layers, d = %s, %s heads; %s steps"
        + " × %s blocks = %,d tokens per run; seeds %s. Every number is test-split **bits per "
        + "byte** (lower is better), measured by this shoot-out.",
        spec.path("corpus").asText(), trainer.path("layers").asText("4"),
        trainer.path("dModel").asText("128"), trainer.path("heads").asText("4"),
        first.path("steps").asText(), trainer.path("batchSize").asText("16"),
        first.path("tokens").asLong(), spec.get("seeds")));
    md.add("");
    JsonNode fin = finalScores(first);
    List<String> sizes = new ArrayList<>();
    for (String d : domains) {
      sizes.add(d + " " + fin.path("blocks").path(d).asLong());
    }
    if (target) {
      sizes.add(fin.path("target").asText() + " " + fin.path("targetBlocks").asLong());
    }
    md.add("Final figures are measured on **every block of the test split** (" + String.join(", ",
        sizes) + " blocks): mean ± standard deviation over seeds, and in parentheses the "
        + "evaluation-sample standard error (a bootstrap over the test blocks, averaged over "
        + "seeds). Curves and tokens-to-reach use a fixed sample of "
        + trainer.path("evalBlocksPerDomain").asText("16") + " test blocks per domain, every "
        + spec.path("evalEvery").asText() + " steps.");
    md.add("");
    double evalSeconds = 0;
    double wallSeconds = 0;
    for (List<JsonNode> runs : byLabel.values()) {
      for (JsonNode r : runs) {
        evalSeconds += finalScores(r).path("seconds").asDouble();
        wallSeconds += r.path("wallSeconds").asDouble();
      }
    }
    md.add(String.format(Locale.ROOT, "Evaluation cost: the final whole-split evaluation took "
        + "%.1f%% of the runs' training wall time (%.0f s of %.0f s).",
        100 * evalSeconds / wallSeconds, evalSeconds, wallSeconds));
    Path provenance = out.resolve(PROVENANCE);
    if (Files.exists(provenance)) {
      JsonNode runs = Json.read(provenance).path("invocations");
      md.add("");
      StringBuilder p = new StringBuilder("Provenance: produced by ")
          .append(Provenance.fromJson(runs.get(0)).sentence());
      if (runs.size() > 1) {
        p.append("; resumed ").append(runs.size() - 1).append(" time(s), last by ")
            .append(Provenance.fromJson(runs.get(runs.size() - 1)).sentence());
      }
      md.add(p.append('.').toString());
    }
  }
}
