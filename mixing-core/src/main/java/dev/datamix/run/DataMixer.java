package dev.datamix.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.mixture.Mixture;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.sampler.BlockBatch;
import dev.datamix.sampler.MixtureSampler;
import dev.datamix.sampler.SamplerOptions;
import dev.datamix.signal.Observation;
import dev.datamix.signal.SignalRequest;
import dev.datamix.state.AtomicFiles;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.Json;
import dev.datamix.state.StateReader;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A policy and a sampler driven in lock-step: the object a trainer holds. Per step it answers the
 * signals to measure, takes the observations, and draws the batch from the policy's mixture and
 * block selection; its {@link #snapshot()} is the versioned state of both.
 *
 * <p>Per step {@code t}: {@link #signalsFor(long)}, then {@link #observe} for the {@code
 * BEFORE_STEP} signals, then {@link #drawBatch}, then train, then {@link #observe} for the {@code
 * AFTER_STEP} signals. See {@link MixingPolicy} for the full contract.
 */
public final class DataMixer {
  /** The {@code format} field of every state this class writes. */
  public static final String FORMAT = "datamix-state";
  /** The newest format version this class reads, and the one it writes. */
  public static final int FORMAT_VERSION = 1;

  private final MixingPolicy policy;
  private final MixtureSampler sampler;

  /** Drives {@code policy} with a sampler over its domains. */
  public DataMixer(MixingPolicy policy, SamplerOptions options) {
    this.policy = policy;
    this.sampler = new MixtureSampler(policy.domains(), options);
  }

  /** The policy. */
  public MixingPolicy policy() {
    return policy;
  }

  /** The sampler, for its counters. */
  public MixtureSampler sampler() {
    return sampler;
  }

  /** The signals to measure for {@code step}; see {@link MixingPolicy#signalsFor}. */
  public SignalRequest signalsFor(long step) {
    return policy.signalsFor(step);
  }

  /** Passes a measurement to the policy; see {@link MixingPolicy#observe}. */
  public void observe(Observation observation) {
    policy.observe(observation);
  }

  /** The policy's mixture at {@code step}. */
  public Mixture mixture(long step) {
    return policy.mixture(step);
  }

  /**
   * Draws {@code count} references for {@code step} from the policy's mixture and block selection
   * into {@code out}; may be called several times per step (micro-batches).
   */
  public BlockBatch drawBatch(long step, int count, BlockBatch out) {
    sampler.draw(step, policy.mixture(step), policy, count, out);
    return out;
  }

  /**
   * The state of policy and sampler: {@code {format, formatVersion, policy, sampler}}.
   */
  public ObjectNode snapshot() {
    ObjectNode o = Json.object();
    o.put("format", FORMAT);
    o.put("formatVersion", FORMAT_VERSION);
    o.set("policy", policy.snapshot());
    o.set("sampler", sampler.snapshot());
    return o;
  }

  /**
   * Restores a state from {@link #snapshot()} into this freshly made mixer.
   *
   * @throws IncompatibleStateException naming expected vs found for another format, a newer
   *     version, another policy, other domains or another config
   */
  public void restore(JsonNode state) {
    StateReader r = StateReader.of(state, "state");
    IncompatibleStateException.check("format", FORMAT, r.getString("format"));
    int version = r.getInt("formatVersion");
    if (version > FORMAT_VERSION) {
      throw new IncompatibleStateException("incompatible state: formatVersion expected <= "
          + FORMAT_VERSION + " but found " + version + " (written by a newer datamix)");
    }
    JsonNode policyState = r.field("policy");
    JsonNode samplerState = r.field("sampler");
    // Check the sampler part against a scratch sampler first, so a bad file changes nothing.
    new MixtureSampler(policy.domains(), sampler.options()).restore(samplerState);
    policy.restore(policyState);
    sampler.restore(samplerState);
  }

  /**
   * Writes {@link #snapshot()} to {@code file} atomically (temporary file, then rename), so a crash
   * leaves the previous file intact. A failure propagates.
   */
  public void save(Path file) throws IOException {
    AtomicFiles.writeString(file, Json.write(snapshot()));
  }

  /** Restores from a file written by {@link #save}. */
  public void load(Path file) throws IOException {
    restore(Json.read(file));
  }
}
