package dev.datamix.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.distributed.Collective;
import dev.datamix.distributed.RankedSignals;
import dev.datamix.mixture.LossWeights;
import dev.datamix.mixture.Mixture;
import dev.datamix.mixture.WeightUnit;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.sampler.BlockBatch;
import dev.datamix.sampler.MixtureSampler;
import dev.datamix.sampler.SamplerOptions;
import dev.datamix.signal.BlockLosses;
import dev.datamix.signal.Observation;
import dev.datamix.signal.SignalKind;
import dev.datamix.signal.ReferenceLosses;
import dev.datamix.signal.SignalMeter;
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
 * <p>Per step {@code t}: {@link #measureBeforeStep} (or {@link #signalsFor(long)} and {@link
 * #observe} by hand) for the {@code BEFORE_STEP} signals, then {@link #drawBatch}, then train,
 * then {@link #observeAfterStep} for the {@code AFTER_STEP} signals. See {@link MixingPolicy} for
 * the full contract, and {@link SignalMeter} for what a trainer measures.
 */
public final class DataMixer {
  /** The {@code format} field of every state this class writes. */
  public static final String FORMAT = "datamix-state";
  /** The newest format version this class reads, and the one it writes. */
  public static final int FORMAT_VERSION = 1;

  private final MixingPolicy policy;
  private final MixtureSampler sampler;
  private final double[] tokensPerDocument;
  private final Collective collective;
  private Mixture lastAsked;
  private Mixture lastTokens;

  /** Drives {@code policy} with a sampler over its domains; its weights are token shares. */
  public DataMixer(MixingPolicy policy, SamplerOptions options) {
    this(policy, options, null);
  }

  /**
   * Drives {@code policy}, whose weights are shares of documents if {@code tokensPerDocument}
   * is given (each domain's mean document length in tokens, in the policy's order), else of
   * tokens ({@link WeightUnit}).
   *
   * @throws IllegalArgumentException if document shares are asked of a policy that measures
   *     signals (its weights are token shares by construction), or a length is not {@code > 0}
   */
  public DataMixer(MixingPolicy policy, SamplerOptions options, double[] tokensPerDocument) {
    this(policy, options, tokensPerDocument, null);
  }

  /**
   * A mixer of one data-parallel rank of {@code collective}: {@link #drawBatch} draws the rank's
   * slice of the global batch, and every signal is exchanged with the other ranks before the
   * policy sees it ({@link RankedSignals}), so every rank's policy and sampler hold the state of
   * one process training the whole global batch, whatever the world size. With {@link
   * Collective#single()} it is that process.
   *
   * @param collective the ranks, or null for a process that is not one of several (the meter's
   *     own held-out loss and alignment are then passed on as they are)
   */
  public DataMixer(MixingPolicy policy, SamplerOptions options, double[] tokensPerDocument,
      Collective collective) {
    this.collective = collective;
    this.policy = policy;
    this.sampler = new MixtureSampler(policy.domains(), options);
    if (tokensPerDocument != null) {
      if (!policy.possibleSignals().isEmpty()) {
        throw new IllegalArgumentException("weightUnit documents applies to static mixes; "
            + "policy '" + policy.name() + "' computes its weights as token shares from the "
            + "signals it measures (docs/concepts.md)");
      }
      for (int d = 0; d < tokensPerDocument.length; d++) {
        if (!(tokensPerDocument[d] > 0) || Double.isInfinite(tokensPerDocument[d])) {
          throw new IllegalArgumentException("weightUnit documents needs each domain's mean "
              + "document length; domain '" + policy.domains().get(d).name() + "' has "
              + tokensPerDocument[d] + " tokens per document (its corpus records no documents?)");
        }
      }
    }
    this.tokensPerDocument = tokensPerDocument == null ? null : tokensPerDocument.clone();
  }

  /** The unit of the policy's weights. */
  public WeightUnit weightUnit() {
    return tokensPerDocument == null ? WeightUnit.TOKENS : WeightUnit.DOCUMENTS;
  }

  /**
   * The policy's mixture at {@code step} as token shares: what the sampler draws by (the
   * mixture itself unless its weights are document shares).
   */
  public Mixture tokenShares(long step) {
    Mixture asked = policy.mixture(step);
    if (tokensPerDocument == null) {
      return asked;
    }
    if (asked != lastAsked) { // the same instance converts once: the sampler's fast path holds
      lastAsked = asked;
      lastTokens = WeightUnit.toTokenShares(asked, tokensPerDocument);
    }
    return lastTokens;
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

  /**
   * The {@code BEFORE_STEP} half of step {@code step}: asks the policy what to measure, measures
   * the held-out loss and the gradient alignment it asks for with {@code meter}, and passes them
   * on.
   *
   * @return the request and what was measured, for the trainer's log
   */
  public Measured measureBeforeStep(long step, SignalMeter meter) {
    SignalRequest request = policy.signalsFor(step);
    Observation.HeldOutLoss heldOut = null;
    Observation.GradientAlignment alignment = null;
    if (request.contains(SignalKind.HELD_OUT_LOSS)) {
      heldOut = collective == null ? meter.heldOutLoss(step) : RankedSignals.heldOut(collective,
          meter.heldOutShard(step, collective.rank(), collective.worldSize()),
          policy.domains().size());
      policy.observe(heldOut);
    }
    if (request.contains(SignalKind.GRADIENT_ALIGNMENT)) {
      alignment = meter.gradientAlignment(step, request.alignmentProbes(),
          request.alignmentGram());
      if (collective != null) {
        alignment = RankedSignals.alignment(collective, alignment);
      }
      if (alignment != null) {
        policy.observe(alignment);
      }
    }
    return new Measured(request, heldOut, alignment);
  }

  /**
   * The {@code AFTER_STEP} half of step {@code step}: passes on the training-batch signals that
   * {@code request} asks for, both from {@code meter}'s per-block losses.
   */
  public void observeAfterStep(long step, SignalRequest request, SignalMeter meter) {
    boolean perDomain = request.contains(SignalKind.TRAINING_LOSS);
    boolean perBlock = request.contains(SignalKind.BLOCK_LOSSES);
    if (perDomain || perBlock) {
      BlockLosses losses = meter.batchLosses(step);
      if (collective != null) {
        losses = RankedSignals.gather(collective, losses);
      }
      if (perDomain) {
        policy.observe(losses.trainingLoss(policy.domains().size()));
      }
      if (perBlock) {
        policy.observe(losses);
      }
    }
    if (request.contains(SignalKind.REFERENCE_LOSS)) {
      ReferenceLosses reference = meter.referenceLosses(step);
      if (collective != null) {
        reference = RankedSignals.gather(collective, step, reference);
      }
      if (reference != null) {
        policy.observe(reference);
      }
    }
  }

  /** The policy's loss weights at {@code step}; see {@link MixingPolicy#lossWeights}. */
  public LossWeights lossWeights(long step) {
    return policy.lossWeights(step);
  }

  /**
   * What {@link #measureBeforeStep} asked for and measured.
   *
   * @param request the policy's request for the step
   * @param heldOut the held-out losses, or null if not asked for
   * @param alignment the gradient alignment, or null if not asked for or not finite
   */
  public record Measured(SignalRequest request, Observation.HeldOutLoss heldOut,
      Observation.GradientAlignment alignment) {}

  /** The policy's mixture at {@code step}. */
  public Mixture mixture(long step) {
    return policy.mixture(step);
  }

  /**
   * Draws {@code count} references for {@code step} from the policy's mixture and block selection
   * into {@code out}; may be called several times per step (micro-batches). One of several
   * ranks draws its slice {@link #sliceOf} of a global batch of {@code count}.
   */
  public BlockBatch drawBatch(long step, int count, BlockBatch out) {
    if (collective == null) {
      sampler.draw(step, tokenShares(step), policy, count, out);
    } else {
      int[] slice = sliceOf(count, collective.rank(), collective.worldSize());
      sampler.drawSlice(step, tokenShares(step), policy, count, slice[0], slice[1], out);
    }
    return out;
  }

  /**
   * Rank {@code rank}'s draws {@code [from, to)} of a global batch of {@code count} over {@code
   * worldSize} ranks: {@code [r·count/W, (r+1)·count/W)}, contiguous and in rank order.
   */
  public static int[] sliceOf(int count, int rank, int worldSize) {
    return new int[] {(int) ((long) rank * count / worldSize),
        (int) ((long) (rank + 1) * count / worldSize)};
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
    restore(state, java.util.EnumSet.noneOf(ResumeChange.class));
  }

  /**
   * Restores a state from {@link #snapshot()} into this freshly made mixer, allowing {@code
   * changes} since it was written: a grown corpus ({@link MixtureSampler#restoreOnGrownCorpus}:
   * blocks already served stay served, appended blocks join the epoch in progress), and a new
   * policy spec (the policy starts afresh from its config; the sampler's state is kept).
   *
   * @throws IncompatibleStateException naming expected vs found for a change not allowed, and
   *     saying which change to allow when the policy's state does not fit a grown corpus
   */
  public void restore(JsonNode state, java.util.Set<ResumeChange> changes) {
    StateReader r = StateReader.of(state, "state");
    IncompatibleStateException.check("format", FORMAT, r.getString("format"));
    int version = r.getInt("formatVersion");
    if (version > FORMAT_VERSION) {
      throw new IncompatibleStateException("incompatible state: formatVersion expected <= "
          + FORMAT_VERSION + " but found " + version + " (written by a newer datamix)");
    }
    JsonNode policyState = r.field("policy");
    JsonNode samplerState = r.field("sampler");
    boolean grown = changes.contains(ResumeChange.CORPUS_GROWN);
    // Check the sampler part against a scratch sampler first, so a bad file changes nothing.
    MixtureSampler scratch = new MixtureSampler(policy.domains(), sampler.options());
    if (grown) {
      scratch.restoreOnGrownCorpus(samplerState);
    } else {
      scratch.restore(samplerState);
    }
    if (!changes.contains(ResumeChange.POLICY_CHANGED)) {
      try {
        policy.restore(policyState);
      } catch (IncompatibleStateException | IllegalArgumentException e) {
        if (grown && policy.possibleSignals().isEmpty()) {
          // a static mix learned nothing: over the grown domains it starts afresh, losing nothing
        } else if (grown) {
          throw new IncompatibleStateException(e.getMessage() + "; the policy's state does not "
              + "fit the grown corpus: allow a policy change (ResumeChange.POLICY_CHANGED; "
              + "datamix train --allow-policy-change) to restart it from its config (the data "
              + "already served stays served)", e);
        } else {
          throw e instanceof IncompatibleStateException ise ? ise
              : new IncompatibleStateException(e.getMessage(), e);
        }
      }
    }
    if (grown) {
      sampler.restoreOnGrownCorpus(samplerState);
    } else {
      sampler.restore(samplerState);
    }
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
