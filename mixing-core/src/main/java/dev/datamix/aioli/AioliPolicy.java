package dev.datamix.aioli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.datamix.config.ConfigKey;
import dev.datamix.config.PolicyConfig;
import dev.datamix.mixture.Mixture;
import dev.datamix.policy.AbstractMixingPolicy;
import dev.datamix.policy.Horizon;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.policy.MixingPolicyProvider;
import dev.datamix.policy.PolicyContext;
import dev.datamix.signal.Observation;
import dev.datamix.signal.SignalKind;
import dev.datamix.signal.SignalRequest;
import dev.datamix.state.Json;
import dev.datamix.state.StateReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Aioli: the linear mixing law {@code L_i(t+1) = L_i(t) − Σ_j A[i][j]·p_j} estimated online, and
 * an exponentiated-gradient step on the weights. Each round of {@code updateSteps} steps opens
 * with LearnParams: for each domain, in a seeded order and {@code lpRounds} times, {@code lpSteps}
 * real training steps on the smoothed one-hot mixture ({@code oneHotFactor} on that domain, the
 * rest shared), the held-out loss of every domain measured before and after each segment. The
 * decreases, averaged over sweeps and freed of the smoothing by a linear solve (or only their
 * diagonal kept), give {@code Aᵗ} ({@link MixingLawEstimate}); optionally normalised, then
 * EMA-smoothed, the weights become {@code init·exp(η·Σ_i Ā[i][j])} (with {@code ema: "none"}:
 * multiplied by {@code exp(η·Σ_i Aᵗ[i][j])} every round). The rest of the round trains on them.
 *
 * <p>As in the reference code ({@code HazyResearch/aioli}, {@code trainer/aioli_trainer.py},
 * lines 119–191 and 306–352), the LearnParams steps are ordinary optimizer steps: they consume
 * the budget and advance the learning-rate schedule; no parameter is rolled back. Restricted mode
 * ({@code priorSteps > 0}) trains the {@code prior} mix (any static mix or static policy spec,
 * for instance another method's output) for that many steps first; the first dynamic round then
 * starts from uniform weights, as the reference does (line 231), unless {@code startFromPrior}.
 * The signal is the held-out loss, {@code 1 + lpRounds·K} measurements per round.
 *
 * @see <a href="https://arxiv.org/abs/2411.05735">Chen et al., Aioli: A Unified Optimization
 *     Framework for Language Model Data Mixing, ICLR 2025</a>
 */
public final class AioliPolicy extends AbstractMixingPolicy {
  private final AioliSchedule schedule;
  private final double eta;
  private final double oneHotFactor;
  private final boolean diagonal;
  private final boolean normaliseLaw;
  private final double ema; // NaN: "none", the cumulative update
  private final Mixture prior;
  private final double[] logInit;

  private double[] logWeights;
  private double[][] law;
  private double[][] smoothedLaw;
  private long finishedRound = -1;
  private long roundsUpdated;
  private long roundsWithoutMeasurements;
  private long measuredRound = -1;
  private double[][] measured;
  private long orderRound = -1; // a cache of schedule.order(orderRound), derived from the seed
  private int[] order;

  private AioliPolicy(PolicyContext context, PolicyConfig config, Mixture prior) {
    super(Provider.NAME, context, config);
    int k = context.size();
    this.schedule = new AioliSchedule(k, config.get(Provider.PRIOR_STEPS),
        config.get(Provider.UPDATE_STEPS), config.get(Provider.LP_ROUNDS).intValue(),
        config.get(Provider.LP_STEPS), context.seed());
    this.eta = config.get(Provider.ETA);
    this.oneHotFactor = config.get(Provider.ONE_HOT_FACTOR);
    this.diagonal = config.get(Provider.DIAGONAL);
    this.normaliseLaw = config.get(Provider.NORMALIZE);
    this.ema = config.get(Provider.EMA);
    this.prior = prior;
    this.logInit = new double[k];
    if (config.get(Provider.START_FROM_PRIOR)) {
      for (int i = 0; i < k; i++) {
        logInit[i] = Math.log(prior.weight(i));
      }
    }
    this.logWeights = logInit.clone();
    this.law = new double[k][k];
    this.smoothedLaw = new double[k][k];
    this.measured = nanMatrix(schedule.segments() + 1, k);
  }

  @Override
  public Set<SignalKind> possibleSignals() {
    return Set.of(SignalKind.HELD_OUT_LOSS);
  }

  @Override
  protected SignalRequest requestSignals(long step) {
    return schedule.measurement(step) >= 0 ? SignalRequest.of(SignalKind.HELD_OUT_LOSS)
        : SignalRequest.none();
  }

  @Override
  protected void onObservation(Observation o) {
    int m = schedule.measurement(o.step());
    if (!(o instanceof Observation.HeldOutLoss h) || m < 0) {
      return;
    }
    long r = schedule.round(o.step());
    if (r <= finishedRound) {
      return;
    }
    holdRound(r);
    measured[m] = h.loss().toArray();
    if (m == schedule.segments()) {
      finishRound(r);
    }
  }

  private void holdRound(long r) {
    if (measuredRound != r) {
      measuredRound = r;
      measured = nanMatrix(schedule.segments() + 1, domainCount());
    }
  }

  /** Estimates round {@code r}'s law from what was measured and steps the weights. */
  private void finishRound(long r) {
    holdRound(r);
    finishedRound = r;
    int k = domainCount();
    int[] order = order(r);
    boolean any = false;
    for (int m = 0; m < order.length && !any; m++) {
      for (int i = 0; i < k; i++) {
        any |= Double.isFinite(measured[m][i] - measured[m + 1][i]);
      }
    }
    if (!any) {
      roundsWithoutMeasurements++;
      return;
    }
    double[][] a = MixingLawEstimate.unsmooth(MixingLawEstimate.decreases(measured, order, k),
        oneHotFactor, diagonal);
    if (normaliseLaw) {
      MixingLawEstimate.normalise(a);
    }
    law = a;
    if (Double.isNaN(ema)) {
      double[] s = MixingLawEstimate.columnSums(a);
      for (int j = 0; j < k; j++) {
        logWeights[j] += eta * s[j];
      }
    } else {
      double[][] next = new double[k][k];
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++) {
          next[i][j] = roundsUpdated == 0 ? a[i][j] : (1 - ema) * a[i][j] + ema * smoothedLaw[i][j];
        }
      }
      smoothedLaw = next;
      double[] s = MixingLawEstimate.columnSums(next);
      for (int j = 0; j < k; j++) {
        logWeights[j] = logInit[j] + eta * s[j];
      }
    }
    roundsUpdated++;
  }

  @Override
  protected Mixture currentMixture(long step) {
    long r = schedule.round(step);
    if (r < 0) {
      return prior;
    }
    int segment = schedule.segment(step);
    if (segment >= 0) {
      return smoothedOneHot(order(r)[segment]);
    }
    if (r > finishedRound) {
      finishRound(r); // the last measurement of the round never came: use what did
    }
    return weights();
  }

  /** Round {@code r}'s segment order, computed once per round instead of every step. */
  private int[] order(long r) {
    if (orderRound != r) {
      order = schedule.order(r);
      orderRound = r;
    }
    return order;
  }

  private Mixture smoothedOneHot(int domain) {
    int k = domainCount();
    double[] w = new double[k];
    Arrays.fill(w, (1 - oneHotFactor) / (k - 1));
    w[domain] = oneHotFactor;
    return Mixture.normalise(domainNames(), w);
  }

  /** The weights of the dynamic phase: {@code softmax} of the log-weights. */
  public Mixture weights() {
    double max = Arrays.stream(logWeights).max().orElse(0);
    double[] w = new double[logWeights.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = Math.exp(logWeights[i] - max);
    }
    return Mixture.normalise(domainNames(), w);
  }

  /** The last round's law {@code Aᵗ} (normalised if configured); rows: the affected domain. */
  public double[][] law() {
    return copy(law);
  }

  /** The EMA of the laws (all zeros with {@code ema: "none"}). */
  public double[][] smoothedLaw() {
    return copy(smoothedLaw);
  }

  /** Rounds whose law updated the weights. */
  public long roundsUpdated() {
    return roundsUpdated;
  }

  /** Rounds that got no usable pair of held-out measurements and left the weights unchanged. */
  public long roundsWithoutMeasurements() {
    return roundsWithoutMeasurements;
  }

  @Override
  public Horizon horizon() {
    return Horizon.independent();
  }

  @Override
  public List<String> planNotices() {
    List<String> out = new ArrayList<>();
    long total = context().totalSteps();
    if (schedule.priorSteps() >= total) {
      out.add(String.format(Locale.ROOT, "priorSteps %d >= the run's %d steps: Aioli never "
          + "adapts, the run trains the prior mix only", schedule.priorSteps(), total));
      return out;
    }
    long lastRound = schedule.round(total - 1);
    long lpEnd = schedule.roundStart(lastRound) + schedule.learnParamsSteps();
    if (lpEnd >= total) {
      out.add(String.format(Locale.ROOT, "the last round (%d) starts at step %d and its "
          + "LearnParams needs %d steps (lpRounds × domains × lpSteps); the run ends at step %d, "
          + "so those steps train on perturbed mixtures whose law is never used",
          lastRound, schedule.roundStart(lastRound), schedule.learnParamsSteps(), total));
    }
    return out;
  }

  @Override
  protected void writeState(ObjectNode state) {
    state.set("logWeights", Json.doubles(logWeights));
    state.set("law", Json.doubles(MixingLawEstimate.flatten(law)));
    state.set("smoothedLaw", Json.doubles(MixingLawEstimate.flatten(smoothedLaw)));
    state.put("finishedRound", finishedRound);
    state.put("roundsUpdated", roundsUpdated);
    state.put("roundsWithoutMeasurements", roundsWithoutMeasurements);
    state.put("measuredRound", measuredRound);
    state.set("measured", Json.doublesOrNull(MixingLawEstimate.flatten(measured)));
  }

  @Override
  protected void readState(StateReader state) {
    int k = domainCount();
    double[] w = state.getDoubles("logWeights", k);
    double[] a = state.getDoubles("law", k * k);
    double[] s = state.getDoubles("smoothedLaw", k * k);
    long finished = state.getLong("finishedRound");
    long updated = state.getLong("roundsUpdated");
    long without = state.getLong("roundsWithoutMeasurements");
    long held = state.getLong("measuredRound");
    double[] flat = state.getDoublesOrNaN("measured", (schedule.segments() + 1) * k);
    logWeights = w;
    law = MixingLawEstimate.unflatten(a, k, k);
    smoothedLaw = MixingLawEstimate.unflatten(s, k, k);
    finishedRound = finished;
    roundsUpdated = updated;
    roundsWithoutMeasurements = without;
    measuredRound = held;
    measured = MixingLawEstimate.unflatten(flat, schedule.segments() + 1, k);
  }

  private static double[][] nanMatrix(int n, int k) {
    double[][] out = new double[n][k];
    for (double[] row : out) {
      Arrays.fill(row, Double.NaN);
    }
    return out;
  }

  private static double[][] copy(double[][] a) {
    double[][] out = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i].clone();
    }
    return out;
  }

  /** {@code aioli}: the registered provider. */
  public static final class Provider extends MixingPolicyProvider.Defined {
    static final String NAME = "aioli";
    static final ConfigKey<Double> ETA = ConfigKey.number("eta", 1.0,
        "η of the exponentiated-gradient step (the reference's --eta; its 7-domain runs use 1)",
        v -> v > 0 && Double.isFinite(v), "> 0");
    static final ConfigKey<Long> UPDATE_STEPS = ConfigKey.integer("updateSteps", 300L,
        "steps per round, LearnParams included (the reference's --update_steps, 200 there)",
        v -> v > 0, "> 0");
    static final ConfigKey<Long> LP_ROUNDS = ConfigKey.integer("lpRounds", 1L,
        "sweeps over the domains per LearnParams (--lp_rounds, 2 there)",
        v -> v >= 1 && v <= 1000, "in [1, 1000]");
    static final ConfigKey<Long> LP_STEPS = ConfigKey.integer("lpSteps", 3L,
        "training steps per smoothed one-hot segment (--lp_steps, 10 there)", v -> v >= 1,
        ">= 1");
    static final ConfigKey<Double> ONE_HOT_FACTOR = ConfigKey.number("oneHotFactor", 0.75,
        "weight of a segment's own domain; the rest is shared (--one_hot_factor)",
        v -> v > 0 && v <= 1, "in (0, 1]");
    static final ConfigKey<Boolean> DIAGONAL = ConfigKey.bool("diagonal", false,
        "keep only the diagonal of the law instead of the linear solve (--aioli_diagonal)");
    static final ConfigKey<Boolean> NORMALIZE = ConfigKey.bool("normalizeA", true,
        "shift the law to be non-negative and divide by its sum (--aioli_normalize_A)");
    static final ConfigKey<Double> EMA = ConfigKey.custom("ema", "number in [0, 1) or \"none\"",
        0.1, "weight of the previous smoothed law (--ema, 0.1 there); \"none\": multiply the "
            + "weights by every round's step instead",
        AioliPriors::readEma, v -> Double.isNaN(v) ? TextNode.valueOf("none")
            : Json.mapper().getNodeFactory().numberNode(v));
    static final ConfigKey<JsonNode> PRIOR = ConfigKey.custom("prior",
        "\"uniform\", \"proportional\", object of domain -> weight, or a static policy spec",
        TextNode.valueOf("uniform"), "the mix of the restricted mode's priorSteps "
            + "(--aioli_prior), for instance another method's output spec",
        AioliPriors::readPrior, n -> n);
    static final ConfigKey<Long> PRIOR_STEPS = ConfigKey.integer("priorSteps", 0L,
        "steps on the prior before the first round (--prior_steps); 0 is the unrestricted mode",
        v -> v >= 0, ">= 0");
    static final ConfigKey<Boolean> START_FROM_PRIOR = ConfigKey.bool("startFromPrior", false,
        "multiply the rounds' weights into the prior instead of uniform (the reference restarts "
            + "from uniform)");

    /** Registered through {@code META-INF/services}. */
    public Provider() {
      super(NAME, "Aioli (Chen et al., ICLR 2025): the linear mixing law estimated online by "
          + "short smoothed one-hot sweeps, then an exponentiated-gradient step, every round.",
          List.of(ETA, UPDATE_STEPS, LP_ROUNDS, LP_STEPS, ONE_HOT_FACTOR, DIAGONAL, NORMALIZE,
              EMA, PRIOR, PRIOR_STEPS, START_FROM_PRIOR), Provider::make);
    }

    private static MixingPolicy make(String name, PolicyContext context, PolicyConfig config) {
      int k = context.size();
      if (k < 2) {
        throw new IllegalArgumentException("aioli needs at least 2 domains, got " + k);
      }
      double f = config.get(ONE_HOT_FACTOR);
      if (Math.abs(f - 1.0 / k) < 1e-9) {
        throw new IllegalArgumentException("oneHotFactor " + f + " equals 1/K for K = " + k
            + " domains: every segment would train the same uniform mix and the law cannot be "
            + "solved; choose another oneHotFactor");
      }
      long lp = config.get(LP_ROUNDS) * k * config.get(LP_STEPS);
      if (lp >= config.get(UPDATE_STEPS)) {
        throw new IllegalArgumentException("updateSteps " + config.get(UPDATE_STEPS) + " must "
            + "exceed LearnParams' lpRounds × domains × lpSteps = " + config.get(LP_ROUNDS) + " × "
            + k + " × " + config.get(LP_STEPS) + " = " + lp + ", or no step trains the weights");
      }
      return new AioliPolicy(context, config, AioliPriors.resolvePrior(config.get(PRIOR), context));
    }
  }
}
