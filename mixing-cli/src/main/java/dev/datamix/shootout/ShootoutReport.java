package dev.datamix.shootout;

import dev.datamix.report.Chart;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.run.RunDirectory;
import dev.datamix.state.Json;
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
 * result.json}, {@code metrics.jsonl}), so a report can be regenerated without re-training.
 */
public final class ShootoutReport {
  private ShootoutReport() {}

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
    List<String> domains = new ArrayList<>();
    JsonNode anyFinal = last(byLabel.values().iterator().next().get(0));
    anyFinal.get("bpb").fieldNames().forEachRemaining(domains::add);
    boolean target = anyFinal.has("targetBpb");

    // the best static baseline's final mean loss
    double bestStatic = Double.POSITIVE_INFINITY;
    String bestStaticLabel = null;
    for (Map.Entry<String, List<JsonNode>> e : byLabel.entrySet()) {
      if (e.getValue().get(0).path("static").asBoolean()) {
        double m = Stats.of(e.getValue(), r -> last(r).path("meanBpb").asDouble()).mean();
        if (m < bestStatic) {
          bestStatic = m;
          bestStaticLabel = e.getKey();
        }
      }
    }
    String reference = spec.path("reference").asText();
    double refStep = byLabel.containsKey(reference)
        ? Stats.of(byLabel.get(reference), r -> r.path("time").path("total").asDouble()).mean()
        : Double.NaN;

    List<String> md = new ArrayList<>();
    JsonNode trainer = spec.get("trainer");
    JsonNode first = byLabel.values().iterator().next().get(0);
    md.add("# Policy shoot-out");
    md.add("");
    md.add(String.format(Locale.ROOT, "Corpus `%s`; model %s layers, d = %s, %s heads; %s steps"
        + " × %s blocks = %,d tokens per run; seeds %s. Every number is test-split **bits per "
        + "byte** (lower is better), mean ± standard deviation over seeds, measured by this "
        + "shoot-out. Produced by `benchmarks/run-shootout.sh` (raw runs in `runs/`).",
        spec.path("corpus").asText(), trainer.path("layers").asText("4"),
        trainer.path("dModel").asText("128"), trainer.path("heads").asText("4"),
        first.path("steps").asText(), trainer.path("batchSize").asText("16"),
        first.path("tokens").asLong(), spec.get("seeds")));
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
    h.append(" mean | worst domain |");
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
        row.append(' ').append(Stats.of(runs, r -> last(r).path("bpb").path(d).asDouble()))
            .append(" |");
      }
      row.append(' ').append(Stats.of(runs, r -> last(r).path("meanBpb").asDouble())).append(" |");
      row.append(' ').append(worst(runs, domains)).append(" |");
      if (target) {
        row.append(' ').append(Stats.of(runs, r -> last(r).path("targetBpb").asDouble()))
            .append(" |");
      }
      row.append(' ').append(tokensToReach(runs, bestStatic)).append(" |");
      row.append(' ').append(Stats.of(runs, r -> r.path("wallSeconds").asDouble()).plain(0))
          .append(" |");
      Stats step = Stats.of(runs, r -> r.path("time").path("total").asDouble());
      row.append(' ').append(step.plain(1)).append(" |");
      row.append(String.format(Locale.ROOT, " %+.1f%% |", 100 * (step.mean() / refStep - 1)));
      md.add(row.toString());
    }
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
        row.append(' ').append(Stats.of(e.getValue(),
            r -> r.path("time").path(k).asDouble()).plain(k.equals("forwardBackward")
            || k.equals("total") ? 1 : 3)).append(" |");
      }
      double total = Stats.of(e.getValue(), r -> r.path("time").path("total").asDouble()).mean();
      row.append(String.format(Locale.ROOT, " %+.1f%% |", 100 * (total / refStep - 1)));
      md.add(row.toString());
    }
    md.add("");
    md.add("");
    md.add("\"Tokens to reach\" is read off the seed-averaged curve of the mean loss, "
        + "interpolated between evaluations; the level is the final mean loss of the best "
        + "static mix (" + bestStaticLabel + ").");
    md.add("");
    md.add("Eval and probe time are the policy's own signals (held-out evaluations, gradient "
        + "probes), averaged into the steps that request them; the median step of a policy "
        + "that evaluates every m steps is a step without evaluation. Runs are sequential, so "
        + "machine noise differs between them.");
    md.add("");
    md.add("## Plots");
    md.add("");
    Path plots = out.resolve("plots");
    List<String> labels = new ArrayList<>(byLabel.keySet());
    List<Double> means = new ArrayList<>();
    List<Double> sds = new ArrayList<>();
    for (List<JsonNode> runs : byLabel.values()) {
      Stats s = Stats.of(runs, r -> last(r).path("meanBpb").asDouble());
      means.add(s.mean());
      sds.add(s.sd());
    }
    Chart.bars(plots.resolve("summary"), "Final test loss, mean over domains",
        "bits per byte", labels, means, sds);
    md.add("![summary](plots/summary.png) ([svg](plots/summary.svg))");
    for (String d : domains) {
      Map<String, double[][]> series = new LinkedHashMap<>();
      for (Map.Entry<String, List<JsonNode>> e : byLabel.entrySet()) {
        series.put(e.getKey(), meanCurve(e.getValue(), p -> p.path("bpb").path(d).asDouble()));
      }
      String name = "loss-" + d;
      Chart.lines(plots.resolve(name), "Test loss: " + d, "tokens", "bits per byte", series);
      md.add("![" + name + "](plots/" + name + ".png)");
    }
    if (target) {
      Map<String, double[][]> series = new LinkedHashMap<>();
      for (Map.Entry<String, List<JsonNode>> e : byLabel.entrySet()) {
        series.put(e.getKey(), meanCurve(e.getValue(), p -> p.path("targetBpb").asDouble()));
      }
      Chart.lines(plots.resolve("loss-target"), "Test loss: target", "tokens", "bits per byte",
          series);
      md.add("![loss-target](plots/loss-target.png)");
    }
    for (Map.Entry<String, List<JsonNode>> e : byLabel.entrySet()) {
      JsonNode run = e.getValue().get(0);
      List<ObjectNode> lines = new RunDirectory(out.resolve("runs")
          .resolve(e.getKey() + "-s" + run.path("seed").asLong())).readMetrics();
      double[] steps = new double[lines.size()];
      Map<String, double[]> weights = new LinkedHashMap<>();
      for (int i = 0; i < lines.size(); i++) {
        JsonNode l = lines.get(i);
        steps[i] = l.path("step").asDouble();
        int row = i;
        l.path("weights").fields().forEachRemaining(w -> weights.computeIfAbsent(w.getKey(),
            k -> new double[lines.size()])[row] = w.getValue().asDouble());
      }
      String name = "weights-" + e.getKey();
      Chart.stackedWeights(plots.resolve(name), "Mixture weights: " + e.getKey() + " (seed "
          + run.path("seed").asLong() + ")", steps, weights);
      md.add("![" + name + "](plots/" + name + ".png)");
    }
    Files.writeString(out.resolve("report.md"), String.join("\n", md) + "\n");
  }

  static JsonNode last(JsonNode result) {
    JsonNode curve = result.get("curve");
    return curve.get(curve.size() - 1);
  }

  private static String worst(List<JsonNode> runs, List<String> domains) {
    Map<String, Integer> votes = new LinkedHashMap<>();
    List<Double> values = new ArrayList<>();
    for (JsonNode r : runs) {
      String worst = null;
      double max = Double.NEGATIVE_INFINITY;
      for (String d : domains) {
        double v = last(r).path("bpb").path(d).asDouble();
        if (v > max) {
          max = v;
          worst = d;
        }
      }
      votes.merge(worst, 1, Integer::sum);
      values.add(max);
    }
    String name = votes.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow()
        .getKey();
    return name + " " + Stats.of(values);
  }

  /**
   * Tokens at which the seed-averaged mean-loss curve first reaches {@code level}, interpolated
   * linearly between evaluations.
   */
  private static String tokensToReach(List<JsonNode> runs, double level) {
    double[][] c = meanCurve(runs, p -> p.path("meanBpb").asDouble());
    for (int i = 0; i < c[0].length; i++) {
      if (c[1][i] <= level + 1e-12) {
        double tokens = c[0][i];
        if (i > 0 && c[1][i - 1] > c[1][i]) {
          double f = (c[1][i - 1] - level) / (c[1][i - 1] - c[1][i]);
          tokens = c[0][i - 1] + f * (c[0][i] - c[0][i - 1]);
        }
        return String.format(Locale.ROOT, "%,.0f", tokens);
      }
    }
    return "not reached";
  }

  private static double[][] meanCurve(List<JsonNode> runs,
      java.util.function.ToDoubleFunction<JsonNode> value) {
    int n = runs.get(0).get("curve").size();
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = runs.get(0).get("curve").get(i).path("tokens").asDouble();
      double s = 0;
      for (JsonNode r : runs) {
        s += value.applyAsDouble(r.get("curve").get(Math.min(i, r.get("curve").size() - 1)));
      }
      y[i] = s / runs.size();
    }
    return new double[][] {x, y};
  }

  /** Mean and sample standard deviation. */
  public record Stats(double mean, double sd) {
    /** Mean and sd of {@code values}. */
    public static Stats of(List<Double> values) {
      double m = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
      double ss = 0;
      for (double v : values) {
        ss += (v - m) * (v - m);
      }
      return new Stats(m, values.size() > 1 ? Math.sqrt(ss / (values.size() - 1)) : 0);
    }

    static Stats of(List<JsonNode> runs, java.util.function.ToDoubleFunction<JsonNode> f) {
      List<Double> v = new ArrayList<>();
      for (JsonNode r : runs) {
        v.add(f.applyAsDouble(r));
      }
      return of(v);
    }

    /** {@code mean ± sd} with {@code decimals} decimals. */
    public String plain(int decimals) {
      return String.format(Locale.ROOT, "%." + decimals + "f ± %." + decimals + "f", mean, sd);
    }

    @Override
    public String toString() {
      return plain(4);
    }
  }
}
