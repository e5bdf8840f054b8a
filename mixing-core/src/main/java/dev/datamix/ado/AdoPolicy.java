package dev.datamix.ado;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.config.ConfigKey;
import dev.datamix.config.PolicyConfig;
import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixture;
import dev.datamix.mixture.MixtureChoice;
import dev.datamix.policy.AbstractMixingPolicy;
import dev.datamix.policy.Horizon;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.policy.MixingPolicyProvider;
import dev.datamix.policy.PolicyContext;
import dev.datamix.scaling.DataScalingFit;
import dev.datamix.signal.Observation;
import dev.datamix.signal.SignalKind;
import dev.datamix.signal.SignalRequest;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.Json;
import dev.datamix.state.StateReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * ADO: adaptive data optimisation from per-domain scaling laws. Every step the training loss of
 * each domain in the batch is recorded against {@code n_k}, the tokens counted for it; from
 * {@code startStep} on, and every {@code refitEvery} observations after, each domain gets a fit
 * {@code L_k(n) = ε_k + β_k·n^(−α_k)} ({@link AdoFits}). Its derivative is the domain's learning
 * speed, and after every observation {@code t}:
 *
 * <ul>
 *   <li>{@code ρ ∝ max(μ ⊙ h^s ⊙ (−dL/dn), 0)} (the prior μ, the credit assignment h), or {@code
 *       μ/K} if that is 0 everywhere;
 *   <li>{@code π = normalise(γ₂·ρ + (1 − γ₂)·π̄)}, raised to {@code δ_min} for every domain drawn
 *       at least once and renormalised;
 *   <li>{@code h ← γ₁·π + (1 − γ₁)·h}; {@code π̄ ← normalise(ρ/(t + 1) + (1 − 1/(t + 1))·π̄)}.
 * </ul>
 *
 * <p>The order and every constant follow the reference code, {@code mixtera/core/algo/ado/ado.py}
 * ({@code calc_mixture}, lines 203–338; defaults lines 37–52), in its {@code vanilla} variant.
 * With {@code sameStepSize} (the reference's default and the paper's), every domain drawn at
 * least once counts each step's whole batch toward its {@code n_k} (lines 637–642). A fit that
 * cannot be identified (fewer than 4 points, or flagged by the fitter) keeps the domain's last
 * sound fit; a domain that never had one gets speed 0 (so {@code δ_min} alone keeps it in the
 * mix) and a notice. Never a NaN.
 *
 * @see <a href="https://arxiv.org/abs/2410.11820">Jiang et al., Adaptive Data Optimization:
 *     Dynamic Sample Selection with Scaling Laws, 2024</a>
 */
public final class AdoPolicy extends AbstractMixingPolicy {
  private final double gamma1;
  private final double gamma2;
  private final double s;
  private final double deltaMin;
  private final long refitEvery;
  private final int subsampling;
  private final int ignoreInitial;
  private final long startStep;
  private final boolean savgol;
  private final boolean sameStepSize;
  private final double[] mu;
  private final double[] tokensPerBlock;

  private final List<double[]> losses = new ArrayList<>();
  private final List<double[]> counted = new ArrayList<>();
  private double[] drawnTokens;
  private double[] n;
  private long observations;
  private double[] h;
  private double[] pi;
  private double[] piBar;
  private DataScalingFit[] fits;
  private long lastRefit = -1;
  private List<String> refitNotes = List.of();

  private AdoPolicy(PolicyContext context, PolicyConfig config, double[] prior) {
    super(Provider.NAME, context, config);
    gamma1 = config.get(Provider.GAMMA1);
    gamma2 = config.get(Provider.GAMMA2);
    s = config.get(Provider.S);
    deltaMin = config.get(Provider.DELTA_MIN);
    refitEvery = config.get(Provider.REFIT_EVERY);
    subsampling = (int) (long) config.get(Provider.SUBSAMPLING);
    ignoreInitial = (int) (long) config.get(Provider.IGNORE_INITIAL);
    startStep = config.get(Provider.START_STEP);
    savgol = config.get(Provider.SAVGOL);
    sameStepSize = config.get(Provider.SAME_STEP_SIZE);
    if (startStep <= ignoreInitial) {
      throw new IllegalArgumentException("config key 'startStep' of policy 'ado' must be greater "
          + "than 'ignoreInitialSteps' (" + ignoreInitial + "), got " + startStep);
    }
    if (deltaMin * prior.length > 1) {
      throw new IllegalArgumentException("config key 'deltaMin' of policy 'ado' must be at most "
          + "1/" + prior.length + " with " + prior.length + " domains, got " + deltaMin);
    }
    mu = prior;
    int k = prior.length;
    tokensPerBlock = new double[k];
    for (int i = 0; i < k; i++) {
      Domain d = context.domains().get(i);
      tokensPerBlock[i] = d.blocks() == 0 ? 0 : (double) d.tokens() / d.blocks();
    }
    drawnTokens = new double[k];
    n = new double[k];
    fits = new DataScalingFit[k];
  }

  @Override
  public Set<SignalKind> possibleSignals() {
    return Set.of(SignalKind.TRAINING_LOSS);
  }

  @Override
  protected SignalRequest requestSignals(long step) {
    return SignalRequest.of(SignalKind.TRAINING_LOSS);
  }

  @Override
  protected void onObservation(Observation o) {
    if (!(o instanceof Observation.TrainingLoss t)) {
      return;
    }
    int k = mu.length;
    double[] loss = new double[k];
    double[] tokens = new double[k];
    double total = 0;
    for (int i = 0; i < k; i++) {
      tokens[i] = t.blocks().get(i) * tokensPerBlock[i];
      total += tokens[i];
      double l = t.loss().get(i);
      loss[i] = tokens[i] > 0 && !Double.isNaN(l) ? l : 0;
      drawnTokens[i] += tokens[i];
    }
    double[] increment = new double[k];
    for (int i = 0; i < k; i++) {
      increment[i] = sameStepSize ? (drawnTokens[i] > 0 ? total : 0) : tokens[i];
      n[i] += increment[i];
    }
    losses.add(loss);
    counted.add(n.clone());
    observations++;
    if (observations < startStep) {
      return;
    }
    if (h == null) {
      h = mu.clone();
    }
    if (observations == startStep || (observations - startStep) % refitEvery == 0) {
      refit(o.step());
    }
    update();
  }

  private void refit(long step) {
    int k = mu.length;
    int steps = losses.size();
    List<String> notes = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      double[] x = new double[steps];
      double[] y = new double[steps];
      for (int t = 0; t < steps; t++) {
        x[t] = counted.get(t)[i];
        y[t] = losses.get(t)[i];
      }
      DataScalingFit f = AdoFits.fit(x, y, ignoreInitial, subsampling, savgol);
      if (f != null && !f.flagged()) {
        fits[i] = f;
      } else {
        notes.add(String.format(Locale.ROOT, "ado: the scaling law of domain '%s' could not be "
            + "identified at step %d (%s); it %s", domainNames().get(i), step,
            f == null ? "fewer than 4 points" : f.flag(),
            fits[i] != null ? "keeps its last fit" : "gets learning speed 0 until one is"));
      }
    }
    lastRefit = step;
    refitNotes = List.copyOf(notes);
  }

  private void update() {
    int k = mu.length;
    double[] rho = new double[k];
    double sum = 0;
    for (int i = 0; i < k; i++) {
      double speed = fits[i] == null ? 0 : -AdoFits.derivative(fits[i], n[i]);
      rho[i] = Math.max(mu[i] * Math.pow(h[i], s) * speed, 0);
      sum += rho[i];
    }
    for (int i = 0; i < k; i++) {
      rho[i] = sum > 0 ? rho[i] / sum : mu[i] / k; // ado.py line 528
    }
    double[] bar = piBar == null ? mu.clone() : piBar;
    double[] p = new double[k];
    for (int i = 0; i < k; i++) {
      p[i] = gamma2 * rho[i] + (1 - gamma2) * bar[i];
    }
    normalise(p);
    for (int i = 0; i < k; i++) {
      if (drawnTokens[i] > 0) {
        p[i] = Math.max(p[i], deltaMin);
      }
    }
    normalise(p);
    double[] nextH = new double[k];
    double w = 1.0 / (observations + 1.0);
    double[] nextBar = new double[k];
    for (int i = 0; i < k; i++) {
      nextH[i] = gamma1 * p[i] + (1 - gamma1) * h[i];
      nextBar[i] = w * rho[i] + (1 - w) * bar[i];
    }
    normalise(nextBar);
    pi = p;
    h = nextH;
    piBar = nextBar;
  }

  private static void normalise(double[] v) {
    double sum = 0;
    for (double x : v) {
      sum += x;
    }
    for (int i = 0; i < v.length; i++) {
      v[i] /= sum;
    }
  }

  @Override
  protected Mixture currentMixture(long step) {
    return Mixture.normalise(domainNames(), pi == null ? mu : pi);
  }

  /** The domains whose fit could not be identified at the refit of {@code step}. */
  @Override
  public List<String> stepNotices(long step) {
    return step == lastRefit ? refitNotes : List.of();
  }

  /** Each domain's learning speed {@code −dL/dn} now, 0 without a fit. */
  public double[] learningSpeeds() {
    double[] v = new double[mu.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = fits[i] == null ? 0 : -AdoFits.derivative(fits[i], n[i]);
    }
    return v;
  }

  /** The current fits, null where a domain has none. */
  public DataScalingFit[] fits() {
    return fits.clone();
  }

  @Override
  public Horizon horizon() {
    return Horizon.independent();
  }

  @Override
  protected void writeState(ObjectNode state) {
    ArrayNode l = state.putArray("losses");
    losses.forEach(v -> l.add(Json.doubles(v)));
    ArrayNode c = state.putArray("counted");
    counted.forEach(v -> c.add(Json.doubles(v)));
    state.set("drawnTokens", Json.doubles(drawnTokens));
    state.put("observations", observations);
    if (h != null) {
      state.set("h", Json.doubles(h));
    }
    if (pi != null) {
      state.set("pi", Json.doubles(pi));
      state.set("piBar", Json.doubles(piBar));
    }
    ArrayNode f = state.putArray("fits");
    for (DataScalingFit fit : fits) {
      f.add(fit == null ? Json.array() : Json.doubles(new double[] {fit.irreducible(),
          fit.amplitude(), fit.exponent()}));
    }
    state.put("lastRefit", lastRefit);
    ArrayNode notes = state.putArray("refitNotes");
    refitNotes.forEach(notes::add);
  }

  @Override
  protected void readState(StateReader state) {
    int k = domainCount();
    List<double[]> l = rows(state, "losses", k);
    List<double[]> c = rows(state, "counted", k);
    if (l.size() != c.size()) {
      throw new IncompatibleStateException("state fields 'losses' and 'counted' of policy 'ado' "
          + "must have equal lengths, found " + l.size() + " and " + c.size());
    }
    double[] drawn = state.getDoubles("drawnTokens", k);
    long obs = state.getLong("observations");
    double[] hh = state.node().has("h") ? state.getDoubles("h", k) : null;
    double[] p = state.node().has("pi") ? state.getDoubles("pi", k) : null;
    double[] bar = p == null ? null : state.getDoubles("piBar", k);
    List<double[]> f = rows(state, "fits", -1);
    if (f.size() != k) {
      throw new IncompatibleStateException("state field 'fits' of policy 'ado' must have " + k
          + " entries, found " + f.size());
    }
    DataScalingFit[] ff = new DataScalingFit[k];
    for (int i = 0; i < k; i++) {
      double[] v = f.get(i);
      ff[i] = v.length == 0 ? null : new DataScalingFit(v[0], v[1], v[2], Double.NaN, Double.NaN,
          Double.NaN, Double.NaN, Double.NaN, 0, null);
    }
    long refit = state.getLong("lastRefit");
    List<String> notes = new ArrayList<>();
    state.field("refitNotes").forEach(x -> notes.add(x.asText()));
    losses.clear();
    losses.addAll(l);
    counted.clear();
    counted.addAll(c);
    drawnTokens = drawn;
    n = c.isEmpty() ? new double[k] : c.get(c.size() - 1).clone();
    observations = obs;
    h = hh;
    pi = p;
    piBar = bar;
    fits = ff;
    lastRefit = refit;
    refitNotes = List.copyOf(notes);
  }

  private static List<double[]> rows(StateReader state, String field, int width) {
    JsonNode a = state.field(field);
    if (!a.isArray()) {
      throw new IncompatibleStateException("state field '" + field + "' of policy 'ado' must be "
          + "an array, found " + a);
    }
    List<double[]> out = new ArrayList<>();
    for (JsonNode row : a) {
      if (!row.isArray() || (width >= 0 && row.size() != width)
          || (width < 0 && row.size() != 0 && row.size() != 3)) {
        throw new IncompatibleStateException("state field '" + field + "' of policy 'ado' holds "
            + "a row of the wrong shape: " + row);
      }
      double[] v = new double[row.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = row.get(i).asDouble();
      }
      out.add(v);
    }
    return out;
  }

  /** {@code ado}: the registered provider. */
  public static final class Provider extends MixingPolicyProvider.Defined {
    static final String NAME = "ado";
    static final ConfigKey<JsonNode> PRIOR = MixtureChoice.key("prior", "proportional",
        "μ: the prior, and the mix before startStep");
    static final ConfigKey<Double> GAMMA1 = ConfigKey.number("gamma1", 0.1,
        "γ₁: smoothing of the credit assignment h (reference: 0.1)", v -> v > 0 && v <= 1,
        "in (0, 1]");
    static final ConfigKey<Double> GAMMA2 = ConfigKey.number("gamma2", 0.1,
        "γ₂: weight of ρ against the average π̄ (reference: 0.1)", v -> v > 0 && v <= 1,
        "in (0, 1]");
    static final ConfigKey<Double> S = ConfigKey.number("s", 0.5,
        "s: the exponent on h in ρ (reference: 0.5)", v -> v >= 0, ">= 0");
    static final ConfigKey<Double> DELTA_MIN = ConfigKey.number("deltaMin", 0.01,
        "δ_min: the least probability of a domain drawn once (reference: 0.01)",
        v -> v >= 0 && v < 1, "in [0, 1)");
    static final ConfigKey<Long> REFIT_EVERY = ConfigKey.integer("refitEvery", 1000L,
        "observations between scaling-law refits (reference: 1000)", v -> v > 0, "> 0");
    static final ConfigKey<Long> SUBSAMPLING = ConfigKey.integer("subsampling", 10L,
        "every how many points a fit keeps (reference: 10)", v -> v > 0 && v < 1_000_000, "> 0");
    static final ConfigKey<Long> IGNORE_INITIAL = ConfigKey.integer("ignoreInitialSteps", 500L,
        "observations no fit uses (reference: 500)", v -> v >= 0 && v < Integer.MAX_VALUE,
        ">= 0");
    static final ConfigKey<Long> START_STEP = ConfigKey.integer("startStep", 1000L,
        "observations before the first fit; the prior until then (reference: 1000)",
        v -> v > 0, "> 0");
    static final ConfigKey<Boolean> SAVGOL = ConfigKey.bool("savgol", true,
        "smooth the losses with a Savitzky-Golay filter before fitting (reference: true)");
    static final ConfigKey<Boolean> SAME_STEP_SIZE = ConfigKey.bool("sameStepSize", true,
        "count each step's whole batch toward every domain drawn once (reference and paper: "
            + "true), or only the domain's own tokens");

    /** Registered through {@code META-INF/services}. */
    public Provider() {
      super(NAME, "ADO (Jiang et al., 2024): mixes by each domain's learning speed from "
          + "per-domain scaling-law fits of the training loss.",
          List.of(PRIOR, GAMMA1, GAMMA2, S, DELTA_MIN, REFIT_EVERY, SUBSAMPLING, IGNORE_INITIAL,
              START_STEP, SAVGOL, SAME_STEP_SIZE), Provider::make);
    }

    private static MixingPolicy make(String name, PolicyContext context, PolicyConfig config) {
      return new AdoPolicy(context, config,
          MixtureChoice.resolve("prior", config.get(PRIOR), context.domains()).toArray());
    }
  }
}
