package dev.datamix.staticmix;

import dev.datamix.policy.Horizon;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.config.ConfigKey;
import dev.datamix.config.PolicyConfig;
import dev.datamix.mixture.Mixture;
import dev.datamix.mixture.WeightsConfig;
import dev.datamix.policy.AbstractMixingPolicy;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.policy.MixingPolicyProvider;
import dev.datamix.policy.PolicyContext;
import dev.datamix.state.Json;
import dev.datamix.state.StateReader;
import dev.datamix.util.SortedLongs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A schedule of mixtures: segment {@code i} holds from its {@code startStep} until the next
 * segment starts, or, with {@code interpolate}, the weights move linearly from one segment's
 * weights to the next's (docs/algorithms.md §1). Curriculum-style mixes and hand-made two-stage recipes
 * are piecewise schedules.
 */
public final class PiecewiseMixPolicy extends AbstractMixingPolicy {
  private final long[] starts;
  private final Mixture[] mixtures;
  private final boolean interpolate;

  private PiecewiseMixPolicy(PolicyContext context, PolicyConfig config, long[] starts,
      Mixture[] mixtures, boolean interpolate) {
    super(Provider.NAME, context, config);
    this.starts = starts;
    this.mixtures = mixtures;
    this.interpolate = interpolate;
  }

  @Override
  protected Mixture currentMixture(long step) {
    int i = segmentAt(step);
    if (!interpolate || i == starts.length - 1) {
      return mixtures[i];
    }
    double f = (double) (step - starts[i]) / (starts[i + 1] - starts[i]);
    if (f == 0) {
      return mixtures[i];
    }
    double[] w = new double[domainCount()];
    for (int d = 0; d < w.length; d++) {
      w[d] = (1 - f) * mixtures[i].weight(d) + f * mixtures[i + 1].weight(d);
    }
    return Mixture.normalise(domainNames(), w);
  }

  private int segmentAt(long step) {
    return SortedLongs.floorIndex(starts, starts.length, step);
  }

  @Override
  protected void writeState(ObjectNode state) {}

  @Override
  protected void readState(StateReader state) {}

  /** One segment of the schedule: weights in force from {@code startStep}. */
  record Segment(long startStep, Map<String, Double> weights) {
    Segment {
      weights = Map.copyOf(weights);
    }
  }

  /** {@code piecewise}: a schedule of {@code (startStep, weights)} segments. */
  public static final class Provider extends MixingPolicyProvider.Defined {
    static final String NAME = "piecewise";
    static final ConfigKey<List<Segment>> SEGMENTS = ConfigKey.custom("segments",
        "array of {\"startStep\": integer >= 0, \"weights\": {domain: number >= 0}}, the first "
            + "starting at 0, start steps strictly increasing",
        null, "the schedule's segments", Provider::readSegments, Provider::writeSegments);
    static final ConfigKey<Boolean> INTERPOLATE = ConfigKey.bool("interpolate", false,
        "move weights linearly between consecutive segment starts instead of jumping");

    private static List<Segment> readSegments(JsonNode node) {
      if (!node.isArray() || node.isEmpty()) {
        throw new IllegalArgumentException("must be a non-empty array of segments");
      }
      List<Segment> out = new ArrayList<>();
      for (int i = 0; i < node.size(); i++) {
        JsonNode s = node.get(i);
        if (!s.isObject()) {
          throw new IllegalArgumentException("segment " + i + " must be an object");
        }
        for (var it = s.fieldNames(); it.hasNext(); ) {
          String f = it.next();
          if (!f.equals("startStep") && !f.equals("weights")) {
            throw new IllegalArgumentException("segment " + i + " has unknown key '" + f
                + "'; known keys: [startStep, weights]");
          }
        }
        JsonNode start = s.get("startStep");
        if (start == null || !start.isIntegralNumber() || start.longValue() < 0) {
          throw new IllegalArgumentException(
              "segment " + i + " key 'startStep' must be an integer >= 0, got " + start);
        }
        long st = start.longValue();
        if (i == 0 && st != 0) {
          throw new IllegalArgumentException("segment 0 key 'startStep' must be 0, got " + st);
        }
        if (i > 0 && st <= out.get(i - 1).startStep()) {
          throw new IllegalArgumentException("segment " + i + " key 'startStep' must be > "
              + out.get(i - 1).startStep() + ", got " + st);
        }
        JsonNode w = s.get("weights");
        if (w == null) {
          throw new IllegalArgumentException("segment " + i + " needs key 'weights'");
        }
        try {
          out.add(new Segment(st, WeightsConfig.read(w)));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("segment " + i + " 'weights' " + e.getMessage(), e);
        }
      }
      return List.copyOf(out);
    }

    private static JsonNode writeSegments(List<Segment> segments) {
      ArrayNode a = Json.array();
      for (Segment s : segments) {
        ObjectNode o = a.addObject();
        o.put("startStep", s.startStep());
        o.set("weights", WeightsConfig.write(new java.util.TreeMap<>(s.weights())));
      }
      return a;
    }

    /** Registered through {@code META-INF/services}. */
    public Provider() {
      super(NAME, "A schedule of (startStep, weights) segments, optionally linearly interpolated.",
          List.of(SEGMENTS, INTERPOLATE), Provider::make);
    }

    private static MixingPolicy make(String name, PolicyContext context,
        PolicyConfig config) {
      List<Segment> segments = config.get(SEGMENTS);
      long[] starts = new long[segments.size()];
      Mixture[] mixtures = new Mixture[segments.size()];
      for (int i = 0; i < starts.length; i++) {
        starts[i] = segments.get(i).startStep();
        mixtures[i] = WeightsConfig.toMixture("segments[" + i + "].weights",
            segments.get(i).weights(), context.domainNames());
      }
      return new PiecewiseMixPolicy(context, config, starts, mixtures, config.get(INTERPOLATE));
    }
  }

  /** Independent of the planned number of steps: no decision reads it. */
  @Override
  public Horizon horizon() {
    return Horizon.independent();
  }
}
