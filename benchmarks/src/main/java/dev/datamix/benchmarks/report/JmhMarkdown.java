package dev.datamix.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.shootout.Provenance;
import dev.datamix.state.AtomicFiles;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a JMH JSON result file into a Markdown table: benchmark, parameters, score, error and
 * unit, exactly as measured. The raw result is kept beside the page's own facts (title, command,
 * note, commit and machine) in a directory, and the page renders from that directory alone, so
 * it regenerates byte for byte ({@link #render}).
 *
 * <p>Usage: {@code JmhMarkdown results.json raw-dir out.md "Title" "command" ["note"]}.
 */
public final class JmhMarkdown {
  /** The JMH result, as JMH wrote it. */
  public static final String RESULT = "jmh.json";
  /** Title, command, note and provenance of the page. */
  public static final String PAGE = "page.json";

  /** Counters named so are µs a step that the benchmark timed itself ({@link #stepTimer}). */
  static final String STEP_TIMER = "stepMicros";
  /** The suffix of a step timer's limit, timed in the same fork. */
  static final String LIMIT = "Limit";

  private JmhMarkdown() {}

  /** Keeps the raw files and writes the table. */
  public static void main(String[] args) throws IOException {
    if (args.length < 5) {
      System.err.println("usage: JmhMarkdown <jmh-results.json> <raw-dir> <out.md> <title> "
          + "<command> [note]");
      System.exit(2);
    }
    Path raw = Path.of(args[1]);
    Files.createDirectories(raw);
    Files.copy(Path.of(args[0]), raw.resolve(RESULT), StandardCopyOption.REPLACE_EXISTING);
    ObjectNode page = Json.object().put("title", args[3]).put("command", args[4])
        .put("note", args.length > 5 ? args[5] : "");
    page.set("provenance", Provenance.capture(args[4]).toJson());
    AtomicFiles.writeString(raw.resolve(PAGE), Json.write(page));
    render(raw, Path.of(args[2]));
  }

  /** Writes {@code out} from the raw files in {@code raw}. */
  public static void render(Path raw, Path out) throws IOException {
    JsonNode results = Json.read(raw.resolve(RESULT));
    JsonNode page = Json.read(raw.resolve(PAGE));
    Provenance p = Provenance.fromJson(page.path("provenance"));
    List<String> lines = new ArrayList<>();
    lines.add("# " + page.path("title").asText());
    lines.add("");
    lines.add("Produced by " + p.sentence() + ". Raw result: `benchmarks/" + raw.getFileName()
        + "/" + RESULT + "`.");
    JsonNode first = results.size() > 0 ? results.get(0) : null;
    if (first != null) {
      lines.add("JMH " + first.path("jmhVersion").asText() + ", " + first.path("vmName").asText()
          + ", threads " + first.path("threads").asText() + ", forks "
          + first.path("forks").asText() + ", warmup " + first.path("warmupIterations").asText()
          + " x " + first.path("warmupTime").asText() + ", measurement "
          + first.path("measurementIterations").asText() + " x "
          + first.path("measurementTime").asText() + ". Error is JMH's 99.9% half-interval.");
    }
    if (!page.path("note").asText().isBlank()) {
      lines.add("");
      lines.add(page.path("note").asText());
    }
    List<Row> rows = rows(results);
    boolean limits = rows.stream()
        .anyMatch(r -> r.method().equals("limit") || r.perIteration() != null);
    lines.add("");
    if (limits) {
      lines.add("The share of limit is each row's speed over the speed of its benchmark's `limit` "
          + "at the same parameters, measured in the same run (1 = as fast as the limit).");
      if (rows.stream().anyMatch(r -> r.perIteration() != null)) {
        lines.add("Rows in us/step are a benchmark's own timers of two kinds of step taken in "
            + "turn in the same fork (JMH counters): their score is the mean over iterations, "
            + "their error half the range, and their share of limit the median (min-max) of "
            + "the iterations' ratios.");
      }
      lines.add("");
      lines.add("| benchmark | parameters | score | error | unit | share of limit |");
      lines.add("|---|---|---:|---:|---|---:|");
    } else {
      lines.add("| benchmark | parameters | score | error | unit |");
      lines.add("|---|---|---:|---:|---|");
    }
    int noisy = 0;
    for (Row r : rows) {
      noisy += r.error() > Math.abs(r.score()) ? 1 : 0;
      String row = String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |", r.name(),
          r.params(), format(r.score()), format(r.error()), r.unit());
      if (limits) {
        row += " " + shareOfLimit(r, rows) + " |";
      }
      lines.add(row);
    }
    lines.add("");
    lines.add(String.format(Locale.ROOT, "%d of %d rows have an error larger than the score.",
        noisy, rows.size()));
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, String.join("\n", lines) + "\n");
  }

  /**
   * One row of the table: a benchmark's primary score, or one of its secondary metrics (JMH's
   * {@code @AuxCounters}, and the {@code gc} profiler's bytes allocated per op).
   *
   * @param name {@code Class.method}, with {@code :metric} for a secondary one
   * @param method the benchmark method
   * @param params the parameters, {@code k=v, ...}
   * @param score the score
   * @param error JMH's 99.9% half-interval
   * @param unit the score's unit
   */
  record Row(String name, String method, String params, double score, double error,
      String unit, double[] perIteration) {
    Row(String name, String method, String params, double score, double error, String unit) {
      this(name, method, params, score, error, unit, null);
    }
  }

  static List<Row> rows(JsonNode results) {
    List<Row> out = new ArrayList<>();
    for (JsonNode r : results) {
      String name = r.path("benchmark").asText();
      name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
      String method = name.substring(name.indexOf('.') + 1);
      List<String> params = new ArrayList<>();
      for (var it = r.path("params").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        params.add(e.getKey() + "=" + e.getValue().asText());
      }
      String p = String.join(", ", params);
      JsonNode m = r.path("primaryMetric");
      out.add(new Row(name, method, p, m.path("score").asDouble(),
          m.path("scoreError").asDouble(), m.path("scoreUnit").asText()));
      // JMH's @AuxCounters: a counter "bytes" of an ops/s benchmark is a rate in bytes/s
      for (var it = r.path("secondaryMetrics").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String key = e.getKey().startsWith("·") ? e.getKey().substring(1) : e.getKey();
        boolean profiler = key.startsWith("gc.");
        if (profiler && !key.equals("gc.alloc.rate.norm")) {
          continue; // of the gc profiler's rows, only the bytes allocated per op
        }
        if (key.endsWith(STEP_TIMER) || key.endsWith(STEP_TIMER + LIMIT)) {
          out.add(stepTimer(name + ":" + key, method, p, e.getValue().path("rawData")));
          continue;
        }
        String label = profiler ? "allocated" : key;
        String unit = e.getValue().path("scoreUnit").asText();
        out.add(new Row(name + ":" + label, method, p, e.getValue().path("score").asDouble(),
            e.getValue().path("scoreError").asDouble(), profiler ? unit
            : unit.replace("ops", key)));
      }
    }
    return out;
  }

  /**
   * A counter of mean µs a step that a benchmark keeps itself, per iteration (JMH adds such
   * counters up over the iterations, so its own score is not the mean).
   */
  private static Row stepTimer(String name, String method, String params, JsonNode raw) {
    List<Double> values = new ArrayList<>();
    raw.forEach(fork -> fork.forEach(v -> values.add(v.asDouble())));
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    DoubleSummaryStatistics s = Arrays.stream(v).summaryStatistics();
    return new Row(name, method, params, v.length == 0 ? Double.NaN : s.getAverage(),
        v.length == 0 ? Double.NaN : (s.getMax() - s.getMin()) / 2, "us/step", v);
  }

  /** The median (min-max) of limit / value, iteration by iteration. */
  private static String pairedShare(Row r, Row limit) {
    int n = Math.min(r.perIteration().length, limit.perIteration().length);
    if (n == 0) {
      return "";
    }
    double[] ratio = new double[n];
    for (int i = 0; i < n; i++) {
      ratio[i] = limit.perIteration()[i] / r.perIteration()[i];
    }
    DoubleSummaryStatistics s = Arrays.stream(ratio).summaryStatistics();
    return String.format(Locale.ROOT, "%.2f (%.2f-%.2f)", Median.of(ratio), s.getMin(),
        s.getMax());
  }

  /** The row's speed over its limit's at the same parameters; "limit" or "" where none. */
  private static String shareOfLimit(Row r, List<Row> rows) {
    if (r.method().equals("limit") || r.name().endsWith(LIMIT) && r.perIteration() != null) {
      return "limit";
    }
    if (r.perIteration() != null) {
      for (Row l : rows) {
        if (l.name().equals(r.name() + LIMIT) && l.params().equals(r.params())) {
          return pairedShare(r, l);
        }
      }
      return "";
    }
    String metric = r.name().contains(":") ? r.name().substring(r.name().indexOf(':')) : "";
    if (metric.equals(":allocated")) {
      return "";
    }
    String cls = r.name().substring(0, r.name().indexOf('.'));
    for (Row l : rows) {
      if (l.name().equals(cls + ".limit" + metric) && l.params().equals(r.params())) {
        boolean time = r.unit().contains("/op");
        double share = time ? l.score() / r.score() : r.score() / l.score();
        return String.format(Locale.ROOT, "%.2f", share);
      }
    }
    return "";
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
