package dev.datamix.djl.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.state.Json;
import java.util.List;

/**
 * A model's loss on every block of one split, per domain, with the evaluation-sample standard
 * error of each figure: the final numbers of a run. Bits per byte use the split's own token and
 * byte counts; the standard error is a bootstrap over the split's blocks ({@link
 * dev.datamix.stats.Bootstrap}), so it measures how far a figure would move on another sample
 * of the same text, which a spread over training seeds does not.
 *
 * @param split the split's name ({@code "test"})
 * @param domains the training domains, in the trainer's order
 * @param target the target domain, or null when the trainer has none
 * @param meanBpb the mean of the training domains' bits per byte
 * @param meanBpbSe its standard error (the domains' errors combined as independent)
 * @param seconds wall time the evaluation took
 */
public record SplitEvaluation(String split, List<Score> domains, Score target, double meanBpb,
    double meanBpbSe, double seconds) {

  /**
   * One domain's figures.
   *
   * @param domain the domain's name
   * @param blocks blocks evaluated (all of the split's)
   * @param nats mean per-token loss in nats
   * @param bpb bits per byte
   * @param bpbSe bootstrap standard error of {@code bpb}
   */
  public record Score(String domain, long blocks, double nats, double bpb, double bpbSe) {}

  /** The figures as JSON, the {@code "final"} object of a shoot-out's {@code result.json}. */
  public ObjectNode toJson() {
    ObjectNode o = Json.object();
    o.put("split", split);
    ObjectNode blocks = o.putObject("blocks");
    ObjectNode nats = o.putObject("nats");
    ObjectNode bpb = o.putObject("bpb");
    ObjectNode se = o.putObject("bpbSe");
    for (Score s : domains) {
      blocks.put(s.domain(), s.blocks());
      nats.put(s.domain(), s.nats());
      bpb.put(s.domain(), s.bpb());
      se.put(s.domain(), s.bpbSe());
    }
    o.put("meanBpb", meanBpb);
    o.put("meanBpbSe", meanBpbSe);
    if (target != null) {
      o.put("target", target.domain());
      o.put("targetBlocks", target.blocks());
      o.put("targetBpb", target.bpb());
      o.put("targetBpbSe", target.bpbSe());
    }
    o.put("seconds", seconds);
    return o;
  }
}
