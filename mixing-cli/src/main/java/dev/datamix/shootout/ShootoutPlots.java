package dev.datamix.shootout;

import static dev.datamix.shootout.ShootoutStatistics.finalScores;
import static dev.datamix.shootout.ShootoutStatistics.meanCurve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.report.Charts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The shoot-out's plots, from the runs' {@code result.json}; each adds a line to the report. */
final class ShootoutPlots {
  private ShootoutPlots() {}

  static void write(Path plots, Map<String, List<JsonNode>> byLabel, List<String> domains,
      boolean target, List<String> md) throws IOException {
    List<String> labels = new ArrayList<>(byLabel.keySet());
    List<Double> means = new ArrayList<>();
    List<Double> sds = new ArrayList<>();
    for (List<JsonNode> runs : byLabel.values()) {
      var s = ShootoutStatistics.across(runs, r -> finalScores(r).path("meanBpb").asDouble());
      means.add(s.mean());
      sds.add(s.sd());
    }
    Charts.bars(plots.resolve("summary"), "Final test loss, mean over domains (every test block)",
        "bits per byte", labels, means, sds);
    md.add("![summary](plots/summary.png) ([svg](plots/summary.svg))");
    for (String d : domains) {
      Map<String, double[][]> series = new LinkedHashMap<>();
      for (Map.Entry<String, List<JsonNode>> e : byLabel.entrySet()) {
        series.put(e.getKey(), meanCurve(e.getValue(), p -> p.path("bpb").path(d).asDouble()));
      }
      String name = "loss-" + d;
      Charts.lines(plots.resolve(name), "Test loss (sample): " + d, "tokens", "bits per byte",
          series);
      md.add("![" + name + "](plots/" + name + ".png)");
    }
    if (target) {
      Map<String, double[][]> series = new LinkedHashMap<>();
      for (Map.Entry<String, List<JsonNode>> e : byLabel.entrySet()) {
        series.put(e.getKey(), meanCurve(e.getValue(), p -> p.path("targetBpb").asDouble()));
      }
      Charts.lines(plots.resolve("loss-target"), "Test loss (sample): target", "tokens",
          "bits per byte", series);
      md.add("![loss-target](plots/loss-target.png)");
    }
    for (Map.Entry<String, List<JsonNode>> e : byLabel.entrySet()) {
      JsonNode run = e.getValue().get(0);
      JsonNode trace = run.path("weightTrace");
      double[] steps = doubles(trace.path("steps"));
      Map<String, double[]> weights = new LinkedHashMap<>();
      trace.path("weights").fields().forEachRemaining(w -> weights.put(w.getKey(),
          doubles(w.getValue())));
      String name = "weights-" + e.getKey();
      Charts.stackedWeights(plots.resolve(name), "Mixture weights: " + e.getKey() + " (seed "
          + run.path("seed").asLong() + ")", steps, weights);
      md.add("![" + name + "](plots/" + name + ".png)");
    }
  }

  private static double[] doubles(JsonNode a) {
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).asDouble();
    }
    return out;
  }
}
