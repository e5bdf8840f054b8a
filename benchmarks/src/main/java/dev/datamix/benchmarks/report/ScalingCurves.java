package dev.datamix.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.report.Chart;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scaling curves of the benchmarks, drawn as PNG (and SVG) from their raw results: sampler
 * draws per second against the number of domains, LFR's selection time against the number of
 * blocks, and corpus preparation's MB/s against threads. Run by {@code benchmarks/run-jmh.sh}
 * and {@code benchmarks/run-spark-prepare.sh}; {@code ScalingCurves SUITE RAW_DIR}.
 */
public final class ScalingCurves {
  private ScalingCurves() {}

  /** Draws the curve of {@code suite} ({@code sampler}, {@code lfr} or {@code spark}). */
  public static void main(String[] args) throws IOException {
    Path raw = Path.of(args[1]);
    switch (args[0]) {
      case "sampler" -> jmh(raw, "SamplerBenchmark", "domains", "allocation",
          "Sampler draws per second against domains", "domains K", "draws per second",
          raw.resolve("draws-vs-domains"));
      case "lfr" -> jmh(raw, "LfrSelectBenchmark", "blocks", null,
          "LFR selection time against blocks", "blocks", "milliseconds per selection",
          raw.resolve("select-vs-blocks"));
      case "spark" -> spark(raw);
      default -> {
        // no curve for this suite
      }
    }
  }

  /**
   * One series per benchmark method (and per value of {@code seriesParam}), x = {@code xParam},
   * y = the primary score.
   */
  static void jmh(Path raw, String benchmark, String xParam, String seriesParam, String title,
      String xLabel, String yLabel, Path out) throws IOException {
    Map<String, List<double[]>> series = new LinkedHashMap<>();
    for (JsonNode r : Json.read(raw.resolve(JmhMarkdown.RESULT))) {
      String name = r.path("benchmark").asText();
      if (!name.contains("." + benchmark + ".")) {
        continue;
      }
      String method = name.substring(name.lastIndexOf('.') + 1);
      String label = seriesParam == null ? method
          : method + " " + r.path("params").path(seriesParam).asText();
      double x = r.path("params").path(xParam).asDouble();
      if (method.equals("limit") && seriesParam != null) {
        label = "limit";
        if (series.getOrDefault(label, List.of()).stream().anyMatch(p -> p[0] == x)) {
          continue; // the limit does not depend on the series parameter: its first run only
        }
      }
      series.computeIfAbsent(label, k -> new ArrayList<>()).add(new double[] {x,
          r.path("primaryMetric").path("score").asDouble()});
    }
    Chart c = new Chart(title, xLabel, yLabel).logLog();
    for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
      List<double[]> pts = e.getValue();
      pts.sort((a, b) -> Double.compare(a[0], b[0]));
      c.line(e.getKey(), pts.stream().mapToDouble(p -> p[0]).toArray(),
          pts.stream().mapToDouble(p -> p[1]).toArray());
    }
    c.save(out);
  }

  private static void spark(Path raw) throws IOException {
    JsonNode doc = Json.read(raw.resolve("prepare.json"));
    List<double[]> prepare = new ArrayList<>();
    List<double[]> spark = new ArrayList<>();
    for (JsonNode r : doc.get("rows")) {
      String mode = r.get("mode").asText();
      double threads = Double.parseDouble(mode.replaceAll("[^0-9]", ""));
      (mode.startsWith("prepare") ? prepare : spark).add(new double[] {threads,
          r.get("mbPerSecond").asDouble()});
    }
    Chart c = new Chart("Corpus preparation MB/s against threads", "threads (Spark: local[n])",
        "MB of text per second");
    c.line("prepare", prepare.stream().mapToDouble(p -> p[0]).toArray(),
        prepare.stream().mapToDouble(p -> p[1]).toArray());
    c.line("Spark", spark.stream().mapToDouble(p -> p[0]).toArray(),
        spark.stream().mapToDouble(p -> p[1]).toArray());
    c.save(raw.resolve("prepare-vs-threads"));
  }
}
