package dev.datamix.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.stats.MeanAndSpread;
import dev.datamix.stats.PairedDifference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The policies of a report compared over their seeds: runs named {@code <label>-s<seed>} (as a
 * shoot-out names them) form one group per label. A table gives each group's final held-out
 * mean, worst domain and target as mean ± sd, and the paired difference against the stratified
 * baseline ({@code uniform}) with its 95% interval; charts give mean ± sd bands of the held-out
 * curves (scaled past the first evaluation), each group's mean weights as stacked areas, and the
 * token shares each group asked for against those its batches held.
 */
final class PolicyComparison {
  private static final Pattern SEEDED = Pattern.compile("(.+)-s(\\d+)");
  /** The label of the stratified baseline the intervals are against. */
  static final String STRATIFIED = "uniform";

  private PolicyComparison() {}

  /** One label's runs, with their seeds (-1 for a run without a seed suffix). */
  record Group(String label, List<RunData> runs, List<Long> seeds) {}

  /** The runs grouped by label, in order of first appearance. */
  static List<Group> groups(List<RunData> runs) {
    Map<String, Group> out = new LinkedHashMap<>();
    for (RunData r : runs) {
      Matcher m = SEEDED.matcher(r.name());
      String label = m.matches() ? m.group(1) : r.name();
      long seed = m.matches() ? Long.parseLong(m.group(2)) : -1;
      Group g = out.computeIfAbsent(label, k -> new Group(k, new ArrayList<>(),
          new ArrayList<>()));
      g.runs().add(r);
      g.seeds().add(seed);
    }
    return List.copyOf(out.values());
  }

  /** Renders the section when some label has several seeds; nothing otherwise. */
  static void render(StringBuilder h, List<RunData> runs) {
    List<Group> groups = groups(runs);
    if (groups.stream().allMatch(g -> g.runs().size() < 2)) {
      return;
    }
    h.append("<h2>Policies over seeds</h2>\n");
    table(h, groups);
    h.append("<div class=\"charts\">\n");
    for (String field : List.of("meanBpb", "targetBpb")) {
      String what = field.equals("meanBpb") ? "Held-out mean bits/byte" : "Target bits/byte";
      Chart all = new Chart(what + ", mean ± sd over seeds", "tokens", "bits/byte")
          .rangeAfterFirst();
      Chart end = new Chart(what + ", second half of training", "tokens", "bits/byte")
          .tail(0.5);
      for (Group g : groups) {
        double[][] band = band(g, field);
        if (band != null) {
          all.band(g.label(), band[0], band[1], band[2]);
          end.band(g.label(), band[0], band[1], band[2]);
        }
      }
      if (all.hasData()) {
        h.append(all.toSvg()).append(end.toSvg());
      }
    }
    h.append("</div>\n");
    for (Group g : groups) {
      h.append("<h3>").append(HtmlReport.escape(g.label())).append("</h3>\n<div class=\"charts\">"
          + "\n");
      RunData first = g.runs().get(0);
      h.append(Charts.stackedWeightsSvg("Mixture weights of " + g.label() + " (mean over seeds)",
          first.steps(), meanWeights(g)));
      shares(h, g);
      h.append("</div>\n");
    }
  }

  private static void table(StringBuilder h, List<Group> groups) {
    Group stratified = groups.stream().filter(g -> g.label().equals(STRATIFIED)).findFirst()
        .orElse(null);
    h.append("<table class=\"leaderboard\"><tr><th>policy</th><th>seeds</th>"
        + "<th>mean bits/byte</th><th>worst domain</th><th>target</th><th>mean − "
        + STRATIFIED + ", 95% interval</th><th>verdict</th></tr>\n");
    for (Group g : groups) {
      double[] mean = finals(g, "mean");
      double[] worst = finals(g, "worst");
      double[] target = finals(g, "target");
      h.append("<tr><td>").append(HtmlReport.escape(g.label())).append("</td><td>")
          .append(g.runs().size()).append("</td><td>").append(spread(mean)).append("</td><td>")
          .append(spread(worst)).append("</td><td>").append(spread(target)).append("</td>");
      PairedDifference d = stratified == null || g == stratified ? null
          : paired(g, stratified);
      h.append("<td>").append(d == null ? "—" : d.plain(4)).append("</td><td>")
          .append(d == null ? "—" : d.below() ? "beats stratified" : d.above()
              ? "loses to stratified" : "no difference shown").append("</td></tr>\n");
    }
    h.append("</table>\n<p>Final values are each run's whole-split evaluation at the end "
        + "when a shoot-out made one (<code>result.json</code>), else the last point of its "
        + "<code>curve.jsonl</code>; the interval is Student's t over the seeds both policies "
        + "ran, on the paired difference of the mean. A verdict needs the interval to exclude "
        + "0.</p>\n");
  }

  /**
   * Per run of {@code g}: the final mean, worst-domain or target bits/byte (NaN if absent), from
   * the whole-split evaluation a shoot-out wrote at the end, else the curve's last point.
   */
  static double[] finals(Group g, String what) {
    double[] v = new double[g.runs().size()];
    for (int i = 0; i < v.length; i++) {
      RunData r = g.runs().get(i);
      JsonNode p = r.finalEvaluation() != null ? r.finalEvaluation() : r.lastPoint();
      if (p == null) {
        v[i] = Double.NaN;
      } else if (what.equals("worst")) {
        double w = Double.NaN;
        for (JsonNode b : p.path("bpb")) {
          w = Double.isNaN(w) ? b.asDouble() : Math.max(w, b.asDouble());
        }
        v[i] = w;
      } else {
        JsonNode n = p.path(what.equals("mean") ? "meanBpb" : "targetBpb");
        v[i] = n.isNumber() ? n.asDouble() : Double.NaN;
      }
    }
    return v;
  }

  private static String spread(double[] v) {
    List<Double> finite = new ArrayList<>();
    for (double x : v) {
      if (Double.isFinite(x)) {
        finite.add(x);
      }
    }
    return finite.isEmpty() ? "—" : MeanAndSpread.of(finite).plain(4);
  }

  /** The paired difference of final means over the seeds both groups ran, or null. */
  static PairedDifference paired(Group g, Group base) {
    long[] seeds = g.seeds().stream().mapToLong(Long::longValue).toArray();
    double[] mean = finals(g, "mean");
    for (int i = 0; i < seeds.length; i++) {
      mean[i] = seeds[i] >= 0 ? mean[i] : Double.NaN; // a run without a seed pairs with none
    }
    return PairedDifference.bySeed(seeds, mean,
        base.seeds().stream().mapToLong(Long::longValue).toArray(), finals(base, "mean"));
  }

  /** {x = mean tokens, mean, sd} of a curve field over the group's runs, point by point. */
  private static double[][] band(Group g, String field) {
    int n = g.runs().stream().mapToInt(r -> r.curve().size()).min().orElse(0);
    if (n == 0 || !g.runs().get(0).curve().get(0).has(field)) {
      return null;
    }
    double[][] out = new double[3][n];
    for (int i = 0; i < n; i++) {
      double[] y = new double[g.runs().size()];
      double x = 0;
      for (int r = 0; r < y.length; r++) {
        JsonNode p = g.runs().get(r).curve().get(i);
        y[r] = p.path(field).asDouble(Double.NaN);
        x += p.path("tokens").asDouble(Double.NaN) / y.length;
      }
      MeanAndSpread ms = MeanAndSpread.of(y);
      out[0][i] = x;
      out[1][i] = ms.mean();
      out[2][i] = ms.sd();
    }
    return out;
  }

  /** Per domain, the mean over the group's runs of the weight at every step. */
  private static Map<String, double[]> meanWeights(Group g) {
    Map<String, double[]> mean = new LinkedHashMap<>();
    int n = g.runs().stream().mapToInt(r -> r.steps().length).min().orElse(0);
    for (RunData r : g.runs()) {
      r.weights().forEach((d, w) -> {
        double[] m = mean.computeIfAbsent(d, k -> new double[n]);
        for (int i = 0; i < n; i++) {
          m[i] += (Double.isFinite(w[i]) ? w[i] : 0) / g.runs().size();
        }
      });
    }
    return mean;
  }

  /** Bars: the share of tokens each domain was asked for against the share batches held. */
  private static void shares(StringBuilder h, Group g) {
    List<String> domains = g.runs().get(0).domains();
    List<Double> asked = new ArrayList<>();
    List<Double> held = new ArrayList<>();
    double heldTotal = 0;
    double[] heldBy = new double[domains.size()];
    boolean counted = g.runs().stream().allMatch(r -> r.accounting() != null);
    double[] epochs = new double[domains.size()];
    for (int d = 0; d < domains.size(); d++) {
      double a = 0;
      for (RunData r : g.runs()) {
        if (counted) { // the policy's own request, before a capped domain's weight moved
          JsonNode row = r.accounting().path(domains.get(d));
          a += row.path("requested").asDouble() / g.runs().size();
          epochs[d] += row.path("epochs").asDouble() / g.runs().size();
          continue;
        }
        double[] w = r.weights().get(domains.get(d));
        double s = 0;
        for (double x : w) {
          s += Double.isFinite(x) ? x : 0;
        }
        a += s / w.length / g.runs().size();
        double[] b = r.batchBlocks().get(domains.get(d));
        if (b != null) {
          for (double x : b) {
            heldBy[d] += Double.isFinite(x) ? x : 0;
          }
        }
      }
      asked.add(a);
      heldTotal += heldBy[d];
    }
    if (heldTotal == 0) {
      h.append("<p>These runs' metrics predate <code>batchBlocks</code>: the shares their "
          + "batches held are unknown.</p>\n");
      return;
    }
    for (double x : heldBy) {
      held.add(x / heldTotal);
    }
    Map<String, List<Double>> series = new LinkedHashMap<>();
    series.put("requested", asked);
    series.put("achieved", held);
    h.append(Charts.groupedBarsSvg(String.format(Locale.ROOT, "Token shares of %s: requested "
        + "and achieved", g.label()), "share of tokens", domains, series));
    if (counted) {
      h.append("<table><tr><th>domain</th><th>requested</th><th>achieved</th><th>epochs so far"
          + "</th></tr>\n");
      for (int d = 0; d < domains.size(); d++) {
        h.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%.4f</td><td>%.4f</td><td>%.3f"
            + "</td></tr>%n", HtmlReport.escape(domains.get(d)), asked.get(d), held.get(d),
            epochs[d]));
      }
      h.append("</table>\n");
    }
  }
}
