package dev.datamix.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.config.PolicyConfig;
import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixture;
import dev.datamix.signal.BlockLosses;
import dev.datamix.signal.DoubleVector;
import dev.datamix.signal.Observation;
import dev.datamix.signal.ReferenceLosses;
import dev.datamix.signal.SignalKind;
import dev.datamix.signal.SignalRequest;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.Json;
import dev.datamix.state.StateReader;
import java.util.List;
import java.util.Set;

/**
 * The call-order bookkeeping, input validation and snapshot envelope every policy shares.
 * Subclasses implement the decisions: {@link #requestSignals}, {@link #onObservation}, {@link
 * #currentMixture}, {@link #writeState} and {@link #readState}.
 */
public abstract class AbstractMixingPolicy implements MixingPolicy {
  /** Version of the policy snapshot layout written by {@link #snapshot()}. */
  public static final int STATE_VERSION = 1;

  private final String name;
  private final PolicyContext context;
  private final PolicyConfig config;
  private final List<String> domainNames;
  private long currentStep = -1;

  /**
   * @param name the registered name of the policy kind
   * @param context domains, seed and plan
   * @param config the validated config
   */
  protected AbstractMixingPolicy(String name, PolicyContext context, PolicyConfig config) {
    this.name = name;
    this.context = context;
    this.config = config;
    this.domainNames = context.domainNames();
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final List<Domain> domains() {
    return context.domains();
  }

  @Override
  public final PolicyConfig config() {
    return config;
  }

  /** The run context given at creation. */
  protected final PolicyContext context() {
    return context;
  }

  /** Domain names, in order. */
  protected final List<String> domainNames() {
    return domainNames;
  }

  /** Number of domains. */
  protected final int domainCount() {
    return domainNames.size();
  }

  /** The current step, or -1 before the first step call. */
  protected final long currentStep() {
    return currentStep;
  }

  @Override
  public Set<SignalKind> possibleSignals() {
    return Set.of();
  }

  @Override
  public final SignalRequest signalsFor(long step) {
    advanceTo(step, "signalsFor");
    return requestSignals(step);
  }

  @Override
  public final Mixture mixture(long step) {
    advanceTo(step, "mixture");
    return currentMixture(step);
  }

  @Override
  public final void observe(Observation observation) {
    if (observation == null) {
      throw new IllegalArgumentException("observation must not be null");
    }
    if (observation.step() != currentStep) {
      throw new IllegalStateException("observation of " + observation.kind() + " is for step "
          + observation.step() + " but the policy is at step " + currentStep
          + "; call signalsFor(step) first and observe each step's signals in order");
    }
    checkShape(observation);
    onObservation(observation);
  }

  private void advanceTo(long step, String method) {
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0, got " + step);
    }
    if (step < currentStep) {
      throw new IllegalStateException(method + "(" + step + ") called after step " + currentStep
          + "; steps must not go backwards (restore a snapshot to rewind)");
    }
    currentStep = step;
  }

  private void checkShape(Observation o) {
    int k = domainCount();
    if (o instanceof Observation.HeldOutLoss h) {
      checkLength("loss", h.loss(), k);
    } else if (o instanceof Observation.TrainingLoss t) {
      checkLength("loss", t.loss(), k);
    } else if (o instanceof BlockLosses b) {
      for (int i = 0; i < b.size(); i++) {
        checkBlock("block losses", i, b.domain(i), b.block(i));
      }
    } else if (o instanceof ReferenceLosses r) {
      for (int i = 0; i < r.size(); i++) {
        checkBlock("reference losses", i, r.domain(i), r.block(i));
      }
    }
  }

  private void checkBlock(String what, int i, int d, long block) {
    int k = domainCount();
    if (d >= k) {
      throw new IllegalArgumentException(
          what + " entry " + i + " has domain index " + d + " but there are " + k);
    }
    if (block >= domains().get(d).blocks()) {
      throw new IllegalArgumentException(what + " entry " + i + " has block " + block
          + " but domain '" + domainNames.get(d) + "' has " + domains().get(d).blocks()
          + " blocks");
    }
  }

  private void checkLength(String parameter, DoubleVector v, int k) {
    if (v.size() != k) {
      throw new IllegalArgumentException(parameter + " must have one entry per domain (" + k
          + ": " + domainNames + "), got " + v.size());
    }
  }

  /**
   * The signals for {@code step} (already the current step). Called once per step call.
   */
  protected SignalRequest requestSignals(long step) {
    return SignalRequest.none();
  }

  /** Takes a validated observation of the current step. The default ignores it. */
  protected void onObservation(Observation observation) {}

  /** The mixture at {@code step} (already the current step); must be idempotent. */
  protected abstract Mixture currentMixture(long step);

  /** Writes the policy's own counters and weights into {@code state}. */
  protected abstract void writeState(ObjectNode state);

  /**
   * Reads what {@link #writeState} wrote.
   *
   * @throws IncompatibleStateException if a field is missing or malformed
   */
  protected abstract void readState(StateReader state);

  @Override
  public final JsonNode snapshot() {
    ObjectNode o = Json.object();
    o.put("stateVersion", STATE_VERSION);
    o.put("policy", name);
    o.set("config", config.toJson());
    ArrayNode names = o.putArray("domains");
    domainNames.forEach(names::add);
    o.put("step", currentStep);
    ObjectNode own = o.putObject("state");
    writeState(own);
    return o;
  }

  private JsonNode reparse(JsonNode storedConfig) {
    try {
      return config.schema().parse(storedConfig).toJson();
    } catch (IllegalArgumentException e) {
      throw new IncompatibleStateException("incompatible state: config of policy '" + name
          + "' expected " + config.toJson() + " but found " + storedConfig + " (" + e.getMessage()
          + ")", e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Subclasses read every field of their state before changing any, so a failed restore leaves
   * the policy as it was.
   */
  @Override
  public final void restore(JsonNode state) {
    if (currentStep >= 0) {
      throw new IllegalStateException(
          "restore must be called before the first step; this policy is at step " + currentStep);
    }
    StateReader r = StateReader.of(state, "policy");
    int version = r.getInt("stateVersion");
    if (version > STATE_VERSION) {
      throw new IncompatibleStateException("incompatible state: policy stateVersion expected <= "
          + STATE_VERSION + " but found " + version + " (written by a newer datamix)");
    }
    IncompatibleStateException.check("policy name", name, r.getString("policy"));
    IncompatibleStateException.check("domain names", domainNames,
        Json.mapper().convertValue(r.field("domains"), List.class));
    IncompatibleStateException.check("config of policy '" + name + "'", config.toJson(),
        reparse(r.field("config")));
    long step = r.getLong("step");
    if (step < -1) {
      throw new IncompatibleStateException("state field 'policy.step' must be >= -1, found " + step);
    }
    readState(r.object("state"));
    currentStep = step;
  }
}
