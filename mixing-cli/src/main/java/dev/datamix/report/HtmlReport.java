package dev.datamix.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.state.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A self-contained HTML page about one or several runs (charts are inline SVG, no script): a
 * summary table; for runs named {@code <label>-s<seed>}, the policies over their seeds ({@link
 * PolicyComparison}: a table with paired 95% intervals against stratified sampling, mean ± sd
 * bands, stacked mean weights, requested against achieved token shares); the held-out curves of
 * every run side by side; and per run, folded, the mixture weights as stacked areas, the
 * per-domain losses, the training loss and the learning rate. Loss axes are scaled past the
 * first evaluation. Every number comes from the runs' files ({@link RunData}).
 */
public final class HtmlReport {
  private static final double SMOOTHING = 0.05;
  /** Reports of at most this many runs draw every chart of every run. */
  static final int FULL_DETAIL_RUNS = 6;

  private HtmlReport() {}

  /**
   * Writes the page atomically.
   *
   * @param runs the runs, in display order, at least one
   * @param title the page title
   * @param out the HTML file
   * @throws IOException if it cannot be written
   */
  public static void write(List<RunData> runs, String title, Path out) throws IOException {
    AtomicFiles.writeString(out, render(runs, title));
  }

  /** The page as a string. */
  public static String render(List<RunData> runs, String title) {
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("a report needs at least one run, got none");
    }
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
        .append(escape(title)).append("</title>\n<style>body{font-family:sans-serif;"
            + "max-width:1340px;margin:1em auto;padding:0 1em}table{border-collapse:collapse}"
            + "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
            + "td:first-child,th:first-child{text-align:left}.charts{display:flex;"
            + "flex-wrap:wrap;gap:8px}code{background:#f4f4f4}</style></head><body>\n");
    h.append("<h1>").append(escape(title)).append("</h1>\n");
    summary(h, runs);
    PolicyComparison.render(h, runs);
    comparison(h, runs);
    h.append("<h2>Each run</h2>\n");
    for (RunData r : runs) {
      h.append("<details").append(runs.size() == 1 ? " open" : "").append("><summary>")
          .append(escape(r.name())).append("</summary>\n");
      run(h, r, runs.size() <= FULL_DETAIL_RUNS);
      h.append("</details>\n");
    }
    h.append("</body></html>\n");
    return h.toString();
  }

  private static void summary(StringBuilder h, List<RunData> runs) {
    h.append("<h2>Summary</h2>\n<table><tr><th>run</th><th>policy</th><th>steps</th>"
        + "<th>tokens</th><th>held-out mean bits/byte</th><th>target bits/byte</th>"
        + "<th>final weights</th></tr>\n");
    for (RunData r : runs) {
      int last = r.steps().length - 1;
      JsonNode p = r.lastPoint();
      h.append("<tr><td>").append(escape(r.name())).append("</td><td>")
          .append(r.policy() == null ? "" : escape(r.policy().path("policy").asText()))
          .append("</td><td>").append((long) r.steps()[last] + 1).append("</td><td>")
          .append(String.format(Locale.ROOT, "%,.0f", r.tokens()[last])).append("</td><td>")
          .append(p == null ? "—" : fmt(p.path("meanBpb").asDouble())).append("</td><td>")
          .append(p == null || !p.has("targetBpb") ? "—" : fmt(p.get("targetBpb").asDouble()))
          .append("</td><td>");
      List<String> parts = new ArrayList<>();
      for (Map.Entry<String, double[]> e : r.weights().entrySet()) {
        parts.add(escape(e.getKey()) + " "
            + String.format(Locale.ROOT, "%.3f", e.getValue()[last]));
      }
      h.append(String.join(", ", parts)).append("</td></tr>\n");
    }
    h.append("</table>\n<p>Held-out figures are the last point of each run's "
        + "<code>curve.jsonl</code> (its split is the one the run measured); — where the run "
        + "has no curve or no target domain.</p>\n");
  }

  private static void comparison(StringBuilder h, List<RunData> runs) {
    if (runs.size() < 2) {
      return;
    }
    Chart mean = new Chart("Held-out mean bits/byte, every run", "tokens", "bits/byte")
        .rangeAfterFirst();
    Chart target = new Chart("Target bits/byte, every run", "tokens", "bits/byte")
        .rangeAfterFirst();
    Chart train = new Chart("Training loss (EMA " + SMOOTHING + ")", "step", "nats/token");
    for (RunData r : runs) {
      mean.line(r.name(), curve(r, "tokens", null), curve(r, "meanBpb", null));
      target.line(r.name(), curve(r, "tokens", null), curve(r, "targetBpb", null));
      train.line(r.name(), r.steps(), ema(r.loss()));
    }
    h.append("<h2>Every run compared</h2>\n<div class=\"charts\">\n");
    for (Chart c : List.of(mean, target, train)) {
      if (c.hasData()) {
        h.append(c.toSvg());
      }
    }
    h.append("</div>\n");
  }

  /** The probes' Gram matrix {@code <g_j, g_k>} of the last step that measured it. */
  private static void gram(StringBuilder h, JsonNode gram) {
    JsonNode v = gram.get("values");
    int m = (int) Math.round(Math.sqrt(v.size()));
    h.append("<p>Probe gradients' Gram matrix ⟨g<sub>j</sub>, g<sub>k</sub>⟩ at step ")
        .append(gram.get("step").asLong()).append(" (<code>fullGram</code>)</p>\n<table>");
    h.append("<tr><th></th>");
    for (int k = 0; k < m; k++) {
      h.append("<th>probe ").append(k).append("</th>");
    }
    h.append("</tr>\n");
    for (int j = 0; j < m; j++) {
      h.append("<tr><th>probe ").append(j).append("</th>");
      for (int k = 0; k < m; k++) {
        h.append(String.format(Locale.ROOT, "<td>%.4g</td>", v.get(j * m + k).asDouble()));
      }
      h.append("</tr>\n");
    }
    h.append("</table>\n");
  }

  /**
   * One run's charts; with {@code full} false (a page of many runs) only its weights and held-out
   * losses, so that the page stays light enough to open.
   */
  private static void run(StringBuilder h, RunData r, boolean full) {
    if (r.policy() != null) {
      h.append("<p>policy <code>").append(escape(r.policy().toString()))
          .append("</code></p>\n");
    }
    if (!r.notices().isEmpty()) {
      h.append("<p>The policy said:</p>\n<ul class=\"notices\">\n");
      for (String n : r.notices()) {
        h.append("<li>").append(escape(n)).append("</li>\n");
      }
      h.append("</ul>\n");
    }
    if (r.gram() != null) {
      gram(h, r.gram());
    }
    h.append("<div class=\"charts\">\n");
    h.append(Charts.stackedWeightsSvg("Mixture weights", r.steps(), r.weights()));
    if (!r.curve().isEmpty()) {
      Chart c = new Chart("Held-out loss per domain", "step", "bits/byte").rangeAfterFirst();
      for (String d : curveDomains(r)) {
        c.line(d, curve(r, "step", null), curve(r, "bpb", d));
      }
      if (r.curve().get(0).has("targetBpb")) {
        c.dashed("target", curve(r, "step", null), curve(r, "targetBpb", null));
      }
      h.append(c.toSvg());
    }
    Chart asked = new Chart("Held-out loss the policy measured", "step", "nats/token");
    r.heldOut().forEach((d, v) -> asked.line(d, r.steps(), v));
    if (asked.hasData()) {
      h.append(asked.toSvg());
    }
    if (!full) {
      h.append("</div>\n<p>Training losses and the learning rate are drawn for reports of at "
          + "most " + FULL_DETAIL_RUNS + " runs: run <code>datamix report</code> on this run "
          + "alone for them.</p>\n");
      return;
    }
    Chart perDomain = new Chart("Training loss per domain (EMA " + SMOOTHING + ")", "step",
        "nats/token");
    r.trainLoss().forEach((d, v) -> perDomain.line(d, r.steps(), ema(v)));
    if (perDomain.hasData()) {
      h.append(perDomain.toSvg());
    }
    Chart loss = new Chart("Training loss", "step", "nats/token");
    loss.line("loss", r.steps(), r.loss()).line("EMA " + SMOOTHING, r.steps(), ema(r.loss()));
    h.append(loss.toSvg());
    Chart lr = new Chart("Learning rate", "step", "lr");
    lr.line("lr", r.steps(), r.learningRate());
    h.append(lr.toSvg());
    h.append("</div>\n");
  }

  private static List<String> curveDomains(RunData r) {
    List<String> names = new ArrayList<>();
    r.curve().get(0).path("bpb").fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** A field of every curve point ({@code field.domain} when domain is given); NaN if absent. */
  private static double[] curve(RunData r, String field, String domain) {
    double[] v = new double[r.curve().size()];
    for (int i = 0; i < v.length; i++) {
      JsonNode n = r.curve().get(i).path(field);
      if (domain != null) {
        n = n.path(domain);
      }
      v[i] = n.isNumber() ? n.asDouble() : Double.NaN;
    }
    return v;
  }

  /** Exponential moving average that skips non-finite values (which stay NaN in the output). */
  static double[] ema(double[] v) {
    double[] out = new double[v.length];
    double s = Double.NaN;
    for (int i = 0; i < v.length; i++) {
      if (Double.isFinite(v[i])) {
        s = Double.isNaN(s) ? v[i] : s + SMOOTHING * (v[i] - s);
        out[i] = s;
      } else {
        out[i] = Double.NaN;
      }
    }
    return out;
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }

  /** {@code s} with the characters HTML and SVG give meaning to escaped. */
  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
