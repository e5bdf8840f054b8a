package dev.datamix.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a JMH JSON result file into a Markdown table: benchmark, parameters, score, error and
 * unit, exactly as measured.
 *
 * <p>Usage: {@code JmhMarkdown results.json out.md "Title" "command that produced it" ["note"]}.
 */
public final class JmhMarkdown {
  private JmhMarkdown() {}

  /** Writes the table. */
  public static void main(String[] args) throws IOException {
    if (args.length < 4) {
      System.err.println("usage: JmhMarkdown <jmh-results.json> <out.md> <title> <command>");
      System.exit(2);
    }
    JsonNode results = Json.read(Path.of(args[0]));
    List<String> lines = new ArrayList<>();
    lines.add("# " + args[2]);
    lines.add("");
    lines.add("Produced by `" + args[3] + "`.");
    JsonNode first = results.size() > 0 ? results.get(0) : null;
    if (first != null) {
      lines.add("JMH " + first.path("jmhVersion").asText() + ", JDK "
          + first.path("jdkVersion").asText() + " (" + first.path("vmName").asText() + "), "
          + Runtime.getRuntime().availableProcessors() + " cores, threads "
          + first.path("threads").asText() + ", forks " + first.path("forks").asText()
          + ", measurement " + first.path("measurementIterations").asText() + " x "
          + first.path("measurementTime").asText() + ". Error is JMH's 99.9% half-interval.");
    }
    if (args.length > 4 && !args[4].isBlank()) {
      lines.add("");
      lines.add(args[4]);
    }
    lines.add("");
    lines.add("| benchmark | parameters | score | error | unit |");
    lines.add("|---|---|---:|---:|---|");
    for (JsonNode r : results) {
      String name = r.path("benchmark").asText();
      name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
      List<String> params = new ArrayList<>();
      for (var it = r.path("params").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        params.add(e.getKey() + "=" + e.getValue().asText());
      }
      JsonNode m = r.path("primaryMetric");
      lines.add(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |", name,
          String.join(", ", params), format(m.path("score").asDouble()),
          format(m.path("scoreError").asDouble()), m.path("scoreUnit").asText()));
    }
    Files.createDirectories(Path.of(args[1]).toAbsolutePath().getParent());
    Files.writeString(Path.of(args[1]), String.join("\n", lines) + "\n");
  }

  private static String format(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    if (Math.abs(v) >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
