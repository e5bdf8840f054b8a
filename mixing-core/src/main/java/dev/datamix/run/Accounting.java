package dev.datamix.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.sampler.MixtureSampler;
import dev.datamix.state.Json;
import dev.datamix.state.StateReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What was served against what was asked, per domain, so far in a run: the cumulative share of
 * the tokens the policy's mixtures requested (in expectation, before an exhausted domain's weight
 * moved to the others) and the share actually served, the tokens served, the repetition factor
 * (blocks served over the domain's blocks: epochs so far) and the cap. The requested side is in
 * tokens whatever the policy's {@link dev.datamix.mixture.WeightUnit}: a mix in document shares
 * is converted before it is drawn. Written to {@code metrics.jsonl}, shown in the report, and
 * printed by {@code datamix audit}.
 *
 * @param rows one row per domain, in the run's order
 */
public record Accounting(List<Row> rows) {

  /**
   * One domain.
   *
   * @param domain its name
   * @param requestedShare its share of the tokens requested so far
   * @param achievedShare its share of the tokens served so far
   * @param tokensServed tokens served
   * @param epochs blocks served over the domain's blocks
   * @param cap the most epochs it may serve, or 0 for no cap
   * @param exhausted whether it reached its cap
   */
  public record Row(String domain, double requestedShare, double achievedShare,
      long tokensServed, double epochs, double cap, boolean exhausted) {}

  /** Copies the rows. */
  public Accounting {
    rows = List.copyOf(rows);
  }

  /** The accounting of a live sampler. */
  public static Accounting of(MixtureSampler s) {
    int k = s.domains().size();
    double[] requested = new double[k];
    double[] served = new double[k];
    double[] blocks = new double[k];
    double[] tokensPerBlock = new double[k];
    double[] caps = new double[k];
    boolean[] exhausted = new boolean[k];
    List<String> names = new ArrayList<>();
    for (int d = 0; d < k; d++) {
      names.add(s.domains().get(d).name());
      requested[d] = s.blocksRequested(d);
      served[d] = s.blocksServed(d);
      blocks[d] = s.domains().get(d).blocks();
      tokensPerBlock[d] = (double) s.domains().get(d).tokens() / blocks[d];
      caps[d] = s.options().capOf(names.get(d));
      exhausted[d] = s.isExhausted(d);
    }
    return build(names, requested, served, blocks, tokensPerBlock, caps, exhausted);
  }

  /**
   * The accounting of a sampler snapshot ({@link MixtureSampler#snapshot()}, written since
   * requests were counted) whose blocks hold {@code blockLength} tokens.
   */
  public static Accounting ofSnapshot(JsonNode state, int blockLength) {
    StateReader r = StateReader.of(state, "sampler");
    List<String> names = new ArrayList<>();
    r.field("domains").forEach(n -> names.add(n.asText()));
    int k = names.size();
    long[] units = r.getLongs("requestedUnits", k);
    long[] servedBlocks = r.getLongs("served", k);
    long[] domainBlocks = r.getLongs("blocks", k);
    double[] requested = new double[k];
    double[] served = new double[k];
    double[] blocks = new double[k];
    double[] tokensPerBlock = new double[k];
    double[] caps = new double[k];
    boolean[] exhausted = new boolean[k];
    List<String> out = new ArrayList<>();
    r.field("exhausted").forEach(n -> out.add(n.asText()));
    for (int d = 0; d < k; d++) {
      requested[d] = units[d] / (double) (1L << 24);
      served[d] = servedBlocks[d];
      blocks[d] = domainBlocks[d];
      tokensPerBlock[d] = blockLength;
      JsonNode own = state.path("maxEpochs").path(names.get(d));
      caps[d] = own.isNumber() ? own.asDouble() : r.getDouble("maxRepetitionRatio");
      exhausted[d] = out.contains(names.get(d));
    }
    return build(names, requested, served, blocks, tokensPerBlock, caps, exhausted);
  }

  private static Accounting build(List<String> names, double[] requestedBlocks,
      double[] servedBlocks, double[] blocks, double[] tokensPerBlock, double[] caps,
      boolean[] exhausted) {
    double requestedTotal = 0;
    double servedTotal = 0;
    for (int d = 0; d < names.size(); d++) {
      requestedTotal += requestedBlocks[d] * tokensPerBlock[d];
      servedTotal += servedBlocks[d] * tokensPerBlock[d];
    }
    List<Row> rows = new ArrayList<>();
    for (int d = 0; d < names.size(); d++) {
      rows.add(new Row(names.get(d), requestedTotal == 0 ? 0
          : requestedBlocks[d] * tokensPerBlock[d] / requestedTotal, servedTotal == 0 ? 0
          : servedBlocks[d] * tokensPerBlock[d] / servedTotal,
          Math.round(servedBlocks[d] * tokensPerBlock[d]), servedBlocks[d] / blocks[d], caps[d],
          exhausted[d]));
    }
    return new Accounting(rows);
  }

  /** As {@code metrics.jsonl} holds it: {@code {domain: {requested, achieved, epochs}}}. */
  public ObjectNode toJson() {
    ObjectNode o = Json.object();
    for (Row row : rows) {
      o.putObject(row.domain()).put("requested", row.requestedShare())
          .put("achieved", row.achievedShare()).put("epochs", row.epochs());
    }
    return o;
  }

  /** A fixed-width table, one line per domain. */
  public List<String> table() {
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "%-20s %10s %10s %9s %16s %9s %9s", "domain",
        "requested", "achieved", "diff", "tokens served", "epochs", "cap"));
    for (Row r : rows) {
      lines.add(String.format(Locale.ROOT, "%-20s %10.4f %10.4f %+9.4f %,16d %9.3f %9s%s",
          r.domain(), r.requestedShare(), r.achievedShare(),
          r.achievedShare() - r.requestedShare(), r.tokensServed(), r.epochs(), r.cap() == 0
              ? "none" : String.format(Locale.ROOT, "%.3g", r.cap()),
          r.exhausted() ? "  exhausted: its weight went to the others" : ""));
    }
    return lines;
  }
}
