package dev.datamix.continual;

import dev.datamix.policy.Horizon;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.config.ConfigKey;
import dev.datamix.config.PolicyConfig;
import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixture;
import dev.datamix.mixture.Mixtures;
import dev.datamix.policy.AbstractMixingPolicy;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.policy.MixingPolicyProvider;
import dev.datamix.policy.Phase;
import dev.datamix.policy.PolicyContext;
import dev.datamix.policy.PolicyRegistry;
import dev.datamix.signal.BlockLosses;
import dev.datamix.signal.DoubleVector;
import dev.datamix.signal.Observation;
import dev.datamix.signal.SignalKind;
import dev.datamix.signal.SignalRequest;
import dev.datamix.state.Json;
import dev.datamix.state.StateReader;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A continual pre-training plan: phases, each naming its datasets (domains), a budget, and the
 * compute-equivalent replay fraction {@code x} of earlier phases' data. Inside a phase, a share
 * {@code 1 − x} of every batch (in expectation) comes from the phase's own domains, mixed by any
 * domain-level policy; the share {@code x} comes from all earlier phases' domains in proportion to
 * their tokens, each continuing in its own order from where it stopped (the sampler keeps every
 * domain's cursor). The budget stays fixed, so new-data tokens shrink by {@code x}. A phase may ask
 * the trainer to reset the optimizer when it starts ({@link #phase}); the learning-rate side
 * (rewarm/redecay, infinite schedules) is {@link dev.datamix.schedule.Schedules}.
 *
 * <p>The inner policy sees steps counted from its phase's start and only its phase's domains;
 * held-out, training and per-block losses are re-indexed for it. Inner policies that ask for
 * gradient alignment are not supported here.
 *
 * @see <a href="https://arxiv.org/abs/2403.08763">Ibrahim et al., Simple and Scalable Strategies
 *     to Continually Pre-train Large Language Models, TMLR 2024</a>
 */
public final class ContinualPolicy extends AbstractMixingPolicy {
  /** One phase of the plan, resolved. */
  record PhasePlan(String name, List<String> domains, long start, long steps, double replay,
      boolean resetOptimizer, JsonNode policy) {}

  private final List<PhasePlan> phases;
  private int current = -1;
  private MixingPolicy inner;
  private int[] innerIndex;

  private ContinualPolicy(PolicyContext context, PolicyConfig config, List<PhasePlan> phases) {
    super(Provider.NAME, context, config);
    this.phases = List.copyOf(phases);
    for (int k = 0; k < this.phases.size(); k++) { // refused now, not when the phase starts
      List<Domain> ds = new ArrayList<>();
      for (String name : this.phases.get(k).domains()) {
        ds.add(domains().get(domainNames().indexOf(name)));
      }
      innerPolicy(k, ds);
    }
  }

  private int phaseIndexAt(long step) {
    int k = 0;
    while (k + 1 < phases.size() && phases.get(k + 1).start() <= step) {
      k++;
    }
    return k;
  }

  /**
   * {@code EXACT}: the replay fraction holds in every batch, within one block per domain, not only
   * in expectation.
   */
  @Override
  public dev.datamix.sampler.SamplerOptions.Allocation preferredAllocation() {
    return dev.datamix.sampler.SamplerOptions.Allocation.EXACT;
  }

  @Override
  public Phase phase(long step) {
    int k = phaseIndexAt(step);
    PhasePlan p = phases.get(k);
    return new Phase(k, p.name(), p.start(), p.resetOptimizer());
  }

  private void enter(long step) {
    int k = phaseIndexAt(step);
    if (k == current) {
      return;
    }
    current = k;
    PhasePlan p = phases.get(k);
    List<Domain> ds = new ArrayList<>();
    innerIndex = new int[p.domains().size()];
    for (int i = 0; i < innerIndex.length; i++) {
      innerIndex[i] = domainNames().indexOf(p.domains().get(i));
      ds.add(domains().get(innerIndex[i]));
    }
    inner = innerPolicy(k, ds);
  }

  /** Phase {@code k}'s policy over {@code ds}, refused if it needs what a plan cannot route. */
  private MixingPolicy innerPolicy(int k, List<Domain> ds) {
    PhasePlan p = phases.get(k);
    MixingPolicy made = PolicyRegistry.load().create(new PolicyContext(ds, context().seed() + k,
        p.steps(), context().blocksPerStep()), p.policy());
    if (made.possibleSignals().contains(SignalKind.GRADIENT_ALIGNMENT)) {
      throw new IllegalArgumentException("phase '" + p.name() + "' policy "
          + p.policy() + " asks for gradient alignment, which a continual plan does not route");
    }
    if (made.possibleSignals().contains(SignalKind.REFERENCE_LOSS)) {
      throw new IllegalArgumentException("phase '" + p.name() + "' policy " + p.policy()
          + " asks for reference losses and weights the loss, which a continual plan does not "
          + "route; run its proxy (DoReMiWorkflow) separately and give the phase its output");
    }
    return made;
  }

  /** Every phase that starts at or after the run's last step never runs. */
  @Override
  public List<String> planNotices() {
    List<String> out = new ArrayList<>();
    long total = context().totalSteps();
    for (PhasePlan p : phases) {
      if (total > 0 && p.start() >= total) {
        out.add(String.format(java.util.Locale.ROOT, "continual: phase '%s' starts at step %d, "
            + "but the run has %d steps (0 to %d): it never runs; its domains %s are not "
            + "trained on by it", p.name(), p.start(), total, total - 1, p.domains()));
      }
    }
    return out;
  }

  @Override
  public Set<SignalKind> possibleSignals() {
    Set<SignalKind> s = EnumSet.noneOf(SignalKind.class);
    s.add(SignalKind.HELD_OUT_LOSS);
    s.add(SignalKind.TRAINING_LOSS);
    s.add(SignalKind.BLOCK_LOSSES);
    return s;
  }

  @Override
  protected SignalRequest requestSignals(long step) {
    enter(step);
    return inner.signalsFor(step - phases.get(current).start());
  }

  @Override
  protected void onObservation(Observation o) {
    enter(o.step());
    long rel = o.step() - phases.get(current).start();
    if (!inner.possibleSignals().contains(o.kind())) {
      return;
    }
    if (o instanceof Observation.HeldOutLoss h) {
      inner.observe(new Observation.HeldOutLoss(rel, pick(h.loss())));
    } else if (o instanceof Observation.TrainingLoss t) {
      inner.observe(new Observation.TrainingLoss(rel, pick(t.loss()), pick(t.blocks())));
    } else if (o instanceof BlockLosses b) {
      int n = 0;
      int[] d = new int[b.size()];
      long[] blocks = new long[b.size()];
      float[] losses = new float[b.size()];
      for (int i = 0; i < b.size(); i++) {
        int local = localIndex(b.domain(i));
        if (local >= 0) {
          d[n] = local;
          blocks[n] = b.block(i);
          losses[n++] = b.loss(i);
        }
      }
      inner.observe(BlockLosses.of(rel, d, blocks, losses, n));
    }
  }

  private int localIndex(int global) {
    for (int i = 0; i < innerIndex.length; i++) {
      if (innerIndex[i] == global) {
        return i;
      }
    }
    return -1;
  }

  private DoubleVector pick(DoubleVector all) {
    double[] v = new double[innerIndex.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = all.get(innerIndex[i]);
    }
    return DoubleVector.of(v);
  }

  @Override
  protected Mixture currentMixture(long step) {
    enter(step);
    PhasePlan p = phases.get(current);
    Mixture own = inner.mixture(step - p.start());
    double[] w = new double[domainCount()];
    for (int i = 0; i < innerIndex.length; i++) {
      w[innerIndex[i]] += (1 - p.replay()) * own.weight(i);
    }
    if (p.replay() > 0) {
      List<Domain> earlier = new ArrayList<>();
      List<Integer> at = new ArrayList<>();
      for (int k = 0; k < current; k++) {
        for (String name : phases.get(k).domains()) {
          int g = domainNames().indexOf(name);
          if (!at.contains(g) && !p.domains().contains(name)) {
            at.add(g);
            earlier.add(domains().get(g));
          }
        }
      }
      Mixture old = Mixtures.proportionalToTokens(earlier);
      for (int i = 0; i < at.size(); i++) {
        w[at.get(i)] += p.replay() * old.weight(i);
      }
    }
    return Mixture.normalise(domainNames(), w);
  }

  @Override
  protected void writeState(ObjectNode state) {
    state.put("phase", current);
    if (inner != null) {
      state.set("inner", inner.snapshot());
    }
  }

  @Override
  protected void readState(StateReader state) {
    int k = state.getInt("phase");
    if (k >= 0) {
      enter(phases.get(k).start());
      inner.restore(state.field("inner"));
    }
  }

  /** {@code continual}: the registered provider. */
  public static final class Provider extends MixingPolicyProvider.Defined {
    static final String NAME = "continual";
    static final ConfigKey<JsonNode> PHASES = ConfigKey.custom("phases",
        "array of {name, domains: [..], steps | tokens, replay, resetOptimizer, policy}", null,
        "the plan's phases in order; replay = fraction of earlier phases' data in each batch",
        n -> {
          if (!n.isArray() || n.isEmpty()) {
            throw new IllegalArgumentException("must be a non-empty array of phases");
          }
          return n.deepCopy();
        }, n -> n);
    private static final Set<String> KEYS =
        Set.of("name", "domains", "steps", "tokens", "replay", "resetOptimizer", "policy");

    /** Registered through {@code META-INF/services}. */
    public Provider() {
      super(NAME,
          "Continual pre-training plan (Ibrahim et al., TMLR 2024): phases of datasets with "
          + "compute-equivalent replay of earlier phases and optional optimizer reset.",
          List.of(PHASES), Provider::make);
    }

    private static MixingPolicy make(String name, PolicyContext context,
        PolicyConfig config) {
      JsonNode arr = config.get(PHASES);
      List<PhasePlan> plans = new ArrayList<>();
      long start = 0;
      List<String> names = context.domainNames();
      for (int k = 0; k < arr.size(); k++) {
        JsonNode p = arr.get(k);
        String where = "phases[" + k + "]";
        p.fieldNames().forEachRemaining(f -> {
          if (!KEYS.contains(f)) {
            throw new IllegalArgumentException(where + " has unknown key '" + f + "'; known keys:"
                + " " + KEYS);
          }
        });
        List<String> ds = new ArrayList<>();
        for (JsonNode d : p.path("domains")) {
          if (!names.contains(d.asText())) {
            throw new IllegalArgumentException(where + " names unknown domain '" + d.asText()
                + "'; domains: " + names);
          }
          ds.add(d.asText());
        }
        if (ds.isEmpty()) {
          throw new IllegalArgumentException(where + " needs a non-empty 'domains' array");
        }
        long steps;
        if (p.has("steps") == p.has("tokens")) {
          throw new IllegalArgumentException(where + " needs exactly one of 'steps' and 'tokens'");
        } else if (p.has("steps")) {
          steps = p.get("steps").asLong();
        } else {
          Domain d0 = context.domains().get(names.indexOf(ds.get(0)));
          double perStep = (double) context.blocksPerStep() * d0.tokens() / d0.blocks();
          if (perStep == 0) {
            throw new IllegalArgumentException(where + " gives 'tokens' but the run's "
                + "blocksPerStep is unknown; give 'steps'");
          }
          steps = Math.round(p.get("tokens").asDouble() / perStep);
        }
        if (steps <= 0) {
          throw new IllegalArgumentException(where + " must last > 0 steps, got " + steps);
        }
        double replay = p.path("replay").asDouble(0);
        if (!(replay >= 0 && replay < 1) || (k == 0 && replay > 0)) {
          throw new IllegalArgumentException(where + " 'replay' must be in [0, 1) (and 0 in the "
              + "first phase), got " + replay);
        }
        JsonNode policy = p.has("policy") ? p.get("policy")
            : Json.parse("{\"policy\": \"proportional\"}");
        plans.add(new PhasePlan(p.path("name").asText("phase" + k), ds, start, steps, replay,
            p.path("resetOptimizer").asBoolean(false), policy));
        start += steps;
      }
      return new ContinualPolicy(context, config, plans);
    }
  }

  /**
   * Independent of the run's planned steps: every phase has its own length, which is also the
   * horizon its inner policy sees, and the last phase continues for as long as the run does.
   */
  @Override
  public Horizon horizon() {
    return Horizon.independent();
  }
}
